/**
 * `workmux logs` and `workmux search`: the output the watcher stored, per agent tab or across all of them.
 */
import { UsageError } from '../core/errors.js';
import type { Database } from '../store/db.js';
import {
  lastOutputLines,
  newestChunkId,
  outputLinesAfter,
  searchOutput,
  type SearchHit,
  type StoredLine,
} from '../store/output.js';
import { agentRows } from '../store/agent-rows.js';
import { parseSince } from './time-window.js';

export interface OutputDeps {
  store(): Promise<Database>;
}

function assertKnownHandle(db: Database, name: string): void {
  const known = agentRows(db, { handles: [name], includeClosed: true }).length > 0;
  const logged = lastOutputLines(db, { handle: name }, 1).length > 0;
  if (!known && !logged) throw new UsageError(`no agent tab named ${name}`, { hint: 'see the names with `workmux status --all`' });
}

/** The last `lines` output lines of one agent tab, oldest first. */
export async function agentLogs(deps: OutputDeps, name: string, options: { lines?: number } = {}): Promise<StoredLine[]> {
  const db = await deps.store();
  assertKnownHandle(db, name);
  return lastOutputLines(db, { handle: name }, options.lines ?? 50);
}

/** Calls `onLines` with every new batch of lines of one agent tab until `signal` aborts. */
export async function followAgentLogs(
  deps: OutputDeps,
  name: string,
  options: { signal: AbortSignal; onLines(lines: StoredLine[]): void; pollMs?: number },
): Promise<void> {
  const db = await deps.store();
  let after = newestChunkId(db, { handle: name });
  while (!options.signal.aborted) {
    const lines = outputLinesAfter(db, { handle: name }, after);
    if (lines.length) {
      after = lines[lines.length - 1]!.chunkId;
      options.onLines(lines);
    } else {
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
    }
  }
}

export interface SearchRequest {
  query: string;
  agent?: string;
  /** Duration or date, see parseSince. */
  since?: string;
  limit?: number;
}

export async function searchAgentOutput(deps: OutputDeps, request: SearchRequest): Promise<SearchHit[]> {
  if (!request.query.trim()) throw new UsageError('give something to search for');
  const since = request.since === undefined ? undefined : parseSince(request.since);
  return searchOutput(await deps.store(), request.query, { agent: request.agent, since, limit: request.limit });
}
