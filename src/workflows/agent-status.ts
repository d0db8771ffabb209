/**
 * `workmux status` and `workmux wait`: agent states as the watcher recorded them in the store.
 */
import { UsageError, WorkmuxError } from '../core/errors.js';
import type { AgentState } from '../engine/events.js';
import { runningWatcherPid, watcherPidFile } from '../engine/observe/watcher-lock.js';
import type { AgentRecord } from '../store/agents.js';
import { agentRows, newestPerHandle } from '../store/agent-rows.js';
import type { Database } from '../store/db.js';

/** What the status verbs need (no git repository, no multiplexer). */
export interface StatusDeps {
  env: NodeJS.ProcessEnv;
  store(): Promise<Database>;
}

export interface AgentStatusRow {
  handle: string;
  branch: string;
  backend: string;
  pane: string;
  tab: string;
  /** Agent kind (claude, codex, ...) or the command workmux started. */
  agent: string;
  status: string;
  /** Epoch ms of the last state change. */
  since: number;
  worktree: string;
  closed: boolean;
}

export interface StatusReport {
  watcher: { running: boolean; pid: number | null };
  agents: AgentStatusRow[];
}

export const AGENT_STATES: readonly AgentState[] = ['starting', 'working', 'waiting', 'idle', 'exited'];

function toStatusRow(row: AgentRecord): AgentStatusRow {
  return {
    handle: row.handle,
    branch: row.branch,
    backend: row.backend,
    pane: row.pane_id,
    tab: row.tab_name,
    agent: row.agent,
    status: row.status,
    since: row.status_since,
    worktree: row.worktree_path,
    closed: row.closed_at !== null,
  };
}

export function watcherInfo(env: NodeJS.ProcessEnv): StatusReport['watcher'] {
  const pid = runningWatcherPid(watcherPidFile(env));
  return { running: pid !== undefined, pid: pid ?? null };
}

/** Open agent tabs (with `all`, closed ones too), one row per handle, newest first. */
export async function agentStatus(deps: StatusDeps, options: { all?: boolean } = {}): Promise<StatusReport> {
  const db = await deps.store();
  const rows = agentRows(db, { includeClosed: options.all });
  return { watcher: watcherInfo(deps.env), agents: newestPerHandle(rows).map(toStatusRow) };
}

export interface WaitOptions {
  /** States that count as arrived (default: idle). */
  states?: readonly AgentState[];
  timeoutMs?: number;
  /** Return as soon as one agent arrived (default: all of them). */
  any?: boolean;
  pollMs?: number;
  signal?: AbortSignal;
}

export interface WaitResult {
  /** Every named agent with the status it was last seen in. */
  agents: AgentStatusRow[];
  /** Names that reached one of the states. */
  arrived: string[];
}

export class WaitTimeoutError extends WorkmuxError {
  constructor(names: readonly string[], states: readonly string[], timeoutMs: number) {
    super(`timed out after ${timeoutMs / 1000} s waiting for ${names.join(', ')} to be ${states.join(' or ')}`, {
      hint: 'see where they are with `workmux status`',
    });
    this.name = 'WaitTimeoutError';
  }
}

/** Waits until the named agents (all, or `any` one) are in one of the states, as the watcher records them. */
export async function waitForAgents(deps: StatusDeps, requested: readonly string[], options: WaitOptions = {}): Promise<WaitResult> {
  const names = [...new Set(requested)];
  if (names.length === 0) throw new UsageError('name at least one agent to wait for');
  const states = options.states?.length ? options.states : (['idle'] as const);
  const db = await deps.store();
  const known = newestPerHandle(agentRows(db, { handles: names, includeClosed: true }));
  const missing = names.filter((name) => !known.some((row) => row.handle === name));
  if (missing.length) throw new UsageError(`no agent tab named ${missing.join(', ')}`, { hint: 'see the names with `workmux status --all`' });
  if (!watcherInfo(deps.env).running) {
    throw new WorkmuxError('no watcher is running, so agent states do not change', { hint: 'start one with `workmux watch --daemon`' });
  }
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  for (;;) {
    const agents = newestPerHandle(agentRows(db, { handles: names, includeClosed: true })).map(toStatusRow);
    const arrived = agents.filter((row) => (states as readonly string[]).includes(row.status)).map((row) => row.handle);
    if (options.any ? arrived.length > 0 : arrived.length === names.length) return { agents, arrived };
    if (Date.now() >= deadline) throw new WaitTimeoutError(names, states, options.timeoutMs!);
    if (options.signal?.aborted) throw new WorkmuxError('interrupted while waiting');
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollMs ?? 250, Math.max(0, deadline - Date.now()))));
  }
}
