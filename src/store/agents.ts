import { nanoid } from 'nanoid';
import type { Database } from './db.js';

/** One agent tab workmux opened (table `agents`). */
export interface AgentRecord {
  id: string;
  project_root: string;
  handle: string;
  branch: string;
  worktree_path: string;
  backend: string;
  scope: string;
  tab_id: string;
  tab_name: string;
  pane_id: string;
  agent: string;
  status: string;
  status_since: number;
  created_at: number;
  closed_at: number | null;
}

export type NewAgentRecord = Omit<AgentRecord, 'id' | 'status' | 'status_since' | 'created_at' | 'closed_at'>;

export function recordAgentOpened(db: Database, record: NewAgentRecord, now = Date.now()): AgentRecord {
  const row: AgentRecord = { ...record, id: nanoid(), status: 'starting', status_since: now, created_at: now, closed_at: null };
  db.transaction(() => {
    // A worktree has at most one open agent tab: a re-opened tab supersedes the old row.
    db.prepare('UPDATE agents SET closed_at = ? WHERE worktree_path = ? AND closed_at IS NULL').run(now, record.worktree_path);
    db.prepare(
      `INSERT INTO agents (id, project_root, handle, branch, worktree_path, backend, scope, tab_id, tab_name, pane_id, agent, status, status_since, created_at, closed_at)
       VALUES (@id, @project_root, @handle, @branch, @worktree_path, @backend, @scope, @tab_id, @tab_name, @pane_id, @agent, @status, @status_since, @created_at, @closed_at)`,
    ).run(row);
  }).immediate();
  return row;
}

/** Takes back a record whose tab never finished opening (the launch failed after it was written). */
export function forgetAgent(db: Database, id: string): void {
  db.prepare('DELETE FROM agents WHERE id = ?').run(id);
}

export function recordAgentClosed(db: Database, worktreePath: string, now = Date.now()): void {
  db.prepare('UPDATE agents SET closed_at = ? WHERE worktree_path = ? AND closed_at IS NULL').run(now, worktreePath);
}

/** Open agent rows keyed by worktree path. */
export function openAgentsByWorktree(db: Database, projectRoot: string): Map<string, AgentRecord> {
  const rows = db.prepare('SELECT * FROM agents WHERE project_root = ? AND closed_at IS NULL').all(projectRoot) as AgentRecord[];
  return new Map(rows.map((row) => [row.worktree_path, row]));
}
