/**
 * Watch events and agent state history in the store (tables events, agent_states; migration 2), and the
 * `agents` row update a state change implies.
 */
import type { AgentState, WatchEvent } from '../engine/events.js';
import type { Database } from './db.js';
import { filtersOf } from './filters.js';

export interface StoredEvent {
  id: number;
  at: number;
  type: string;
  backend: string;
  paneId: string;
  handle?: string;
  /** The event as emitted on the bus. */
  payload: Record<string, unknown>;
}

interface EventRow {
  id: number;
  at: number;
  type: string;
  backend: string;
  pane_id: string;
  handle: string | null;
  payload: string;
}

const toStoredEvent = (row: EventRow): StoredEvent => ({
  id: row.id,
  at: row.at,
  type: row.type,
  backend: row.backend,
  paneId: row.pane_id,
  handle: row.handle ?? undefined,
  payload: JSON.parse(row.payload) as Record<string, unknown>,
});

/** Inserts events in one transaction. */
export function insertEvents(db: Database, backend: string, events: readonly WatchEvent[]): void {
  if (events.length === 0) return;
  const insert = db.prepare('INSERT INTO events (at, type, backend, pane_id, handle, payload) VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const e of events) insert.run(e.at, e.type, backend, e.paneId, e.handle ?? null, JSON.stringify(e));
  })();
}

export interface EventQuery {
  /** Only events with id greater than this (follow mode). */
  afterId?: number;
  since?: number;
  types?: readonly string[];
  handle?: string;
  /** Newest `limit` events (returned oldest first). */
  limit?: number;
}

export function listEvents(db: Database, query: EventQuery = {}): StoredEvent[] {
  const filters = filtersOf([
    ['id > ?', query.afterId],
    ['at >= ?', query.since],
    ['type IN (?)', query.types],
    ['handle = ?', query.handle],
  ]);
  const rows = db
    .prepare(`SELECT * FROM events WHERE ${filters.sql} ORDER BY id DESC LIMIT ?`)
    .all(...filters.params, query.limit ?? 100) as EventRow[];
  return rows.reverse().map(toStoredEvent);
}

/**
 * What the rule engine recorded (tables rule_metrics and agent_limits, migration 3) shaped as events of type
 * `metric` (token usage and other numeric captures) and `limit` (usage limits with their reset), so
 * `workmux events` shows them beside the watcher's events. Newest `limit` entries, oldest first.
 */
export function listRecordedFacts(db: Database, query: Omit<EventQuery, 'afterId'> = {}): StoredEvent[] {
  const wanted = ['metric', 'limit'].filter((type) => !query.types?.length || query.types.includes(type));
  if (wanted.length === 0) return [];
  const filters = filtersOf([
    ['at >= ?', query.since],
    ['handle = ?', query.handle],
    ['type IN (?)', wanted],
  ]);
  const rows = db
    .prepare(
      `SELECT * FROM (
         SELECT id, at, 'metric' AS type, '' AS backend, pane_id, handle,
                json_object('rule', rule_id, 'agent', agent, 'name', name, 'value', value) AS payload FROM rule_metrics
         UNION ALL
         SELECT id, at, 'limit' AS type, '' AS backend, pane_id, handle,
                json_object('rule', rule_id, 'agent', agent, 'text', text, 'reset', reset_text, 'resetAt', reset_at) AS payload FROM agent_limits
       ) WHERE ${filters.sql} ORDER BY at DESC, id DESC LIMIT ?`,
    )
    .all(...filters.params, query.limit ?? 100) as EventRow[];
  return rows.reverse().map(toStoredEvent);
}

export interface StateChange {
  at: number;
  backend: string;
  paneId: string;
  /** `agents.id` of the tab's row, when workmux opened the pane. */
  agentId?: string;
  handle?: string;
  agent: string;
  state: AgentState;
  previous?: AgentState;
  reason: string;
}

/** Records a state change and, for a pane workmux opened, updates its `agents` row (status, since, agent kind). */
export function recordStateChange(db: Database, change: StateChange): void {
  db.transaction(() => {
    db.prepare(
      `INSERT INTO agent_states (at, backend, pane_id, agent_id, handle, agent, state, previous, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      change.at,
      change.backend,
      change.paneId,
      change.agentId ?? null,
      change.handle ?? null,
      change.agent,
      change.state,
      change.previous ?? null,
      change.reason,
    );
    if (change.agentId !== undefined) {
      db.prepare(
        `UPDATE agents SET status = ?, status_since = ?, agent = CASE WHEN ? = 'shell' THEN agent ELSE ? END WHERE id = ?`,
      ).run(change.state, change.at, change.agent, change.agent, change.agentId);
    }
  })();
}

export interface StateHistoryEntry {
  at: number;
  agent: string;
  state: AgentState;
  previous?: AgentState;
  reason: string;
}

/** State history of one pane, oldest first. */
export function stateHistory(db: Database, backend: string, paneId: string, limit = 100): StateHistoryEntry[] {
  const rows = db
    .prepare(
      `SELECT at, agent, state, previous, reason FROM agent_states WHERE backend = ? AND pane_id = ? ORDER BY id DESC LIMIT ?`,
    )
    .all(backend, paneId, limit) as { at: number; agent: string; state: AgentState; previous: AgentState | null; reason: string }[];
  return rows.reverse().map((row) => ({ ...row, previous: row.previous ?? undefined }));
}
