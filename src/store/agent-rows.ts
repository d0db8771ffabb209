/**
 * Read side of the `agents` table for the watch verbs (status, wait, the watcher's targets). Writes belong to
 * agents.ts (opening/closing tabs) and events.ts (state changes).
 */
import type { AgentRecord } from './agents.js';
import type { Database } from './db.js';

export interface AgentRowQuery {
  /** Only rows of this backend kind. */
  backend?: string;
  /** Include closed tabs (default: open ones only). */
  includeClosed?: boolean;
  /** Only rows with one of these handles. */
  handles?: readonly string[];
}

/** Agent rows, newest first; when a handle has several rows (re-opened tabs), all are returned. */
export function agentRows(db: Database, query: AgentRowQuery = {}): AgentRecord[] {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (!query.includeClosed) clauses.push('closed_at IS NULL');
  if (query.backend !== undefined) {
    clauses.push('backend = ?');
    params.push(query.backend);
  }
  if (query.handles) {
    clauses.push(`handle IN (${query.handles.map(() => '?').join(', ') || "''"})`);
    params.push(...query.handles);
  }
  const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
  return db.prepare(`SELECT * FROM agents ${where} ORDER BY created_at DESC, rowid DESC`).all(...params) as AgentRecord[];
}

/** The newest row per handle among `rows` (a re-opened tab supersedes the older row). */
export function newestPerHandle(rows: readonly AgentRecord[]): AgentRecord[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const key = `${row.project_root}\u0000${row.handle}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
