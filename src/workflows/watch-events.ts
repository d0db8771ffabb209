/** `workmux events`: what the watcher (and the rule engine) recorded, newest last. */
import { listEvents, listRecordedFacts, type StoredEvent } from '../store/events.js';
import type { Database } from '../store/db.js';
import { parseSince } from './time-window.js';

export interface EventsRequest {
  limit?: number;
  types?: readonly string[];
  since?: string;
  handle?: string;
}

/** The watcher's events and the rule engine's metrics and limits, merged by time; the newest `limit`. */
export async function watchEvents(deps: { store(): Promise<Database> }, request: EventsRequest = {}): Promise<StoredEvent[]> {
  const since = request.since === undefined ? undefined : parseSince(request.since);
  const query = { limit: request.limit ?? 50, types: request.types, since, handle: request.handle };
  const db = await deps.store();
  const merged = [...listEvents(db, query), ...listRecordedFacts(db, query)].sort((a, b) => a.at - b.at);
  return merged.slice(-query.limit);
}
