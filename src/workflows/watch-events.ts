/** `workmux events`: what the watcher (and the rule engine) recorded, newest last. */
import { listEvents, type StoredEvent } from '../store/events.js';
import type { Database } from '../store/db.js';
import { parseSince } from './time-window.js';

export interface EventsRequest {
  limit?: number;
  types?: readonly string[];
  since?: string;
  handle?: string;
}

export async function watchEvents(deps: { store(): Promise<Database> }, request: EventsRequest = {}): Promise<StoredEvent[]> {
  const since = request.since === undefined ? undefined : parseSince(request.since);
  return listEvents(await deps.store(), { limit: request.limit ?? 50, types: request.types, since, handle: request.handle });
}
