/**
 * Retention for the watch tables: output, events and state history older than a cutoff go, in small
 * transactions so readers and the watcher's writes interleave instead of waiting on one long delete.
 */
import type { Database } from './db.js';

export const DEFAULT_RETENTION_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PruneResult {
  outputChunks: number;
  events: number;
  states: number;
}

export function retentionCutoff(now: number, days: number = DEFAULT_RETENTION_DAYS): number {
  return now - days * DAY_MS;
}

export function pruneWatchData(db: Database, cutoff: number, chunk = 5000): PruneResult {
  return {
    outputChunks: deleteInChunks(db, 'output_chunks', cutoff, chunk),
    events: deleteInChunks(db, 'events', cutoff, chunk),
    states: deleteInChunks(db, 'agent_states', cutoff, chunk),
  };
}

/**
 * Deletes rows older than `cutoff`, `chunk` rows per transaction. Rows are appended in time order, so the
 * oldest rows have the lowest ids: walking up from the lowest id stops at the first row to keep, no `at`
 * index needed.
 */
function deleteInChunks(db: Database, table: 'output_chunks' | 'events' | 'agent_states', cutoff: number, chunk: number): number {
  const firstKept = db.prepare(`SELECT id FROM ${table} WHERE at >= ? ORDER BY id LIMIT 1`).pluck();
  const remove = db.prepare(`DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE id < ? ORDER BY id LIMIT ?)`);
  const keepFrom = (firstKept.get(cutoff) as number | undefined) ?? Number.MAX_SAFE_INTEGER;
  let total = 0;
  for (;;) {
    const { changes } = db.transaction(() => remove.run(keepFrom, chunk))();
    total += changes;
    if (changes < chunk) return total;
  }
}
