/**
 * Watches a real-agent harness session the way `workmux watch` would: the real tmux backend on the session's
 * private socket, a store in the throwaway HOME with an `agents` row for the pane, and `runWatch` collecting
 * every bus event for the test to wait on.
 */
import path from 'node:path';
import { createBackend } from '../../backends/index.js';
import { openTmuxOutputStream } from '../../backends/tmux-control.js';
import type { Backend } from '../../backends/types.js';
import type { AgentStateEvent, WatchEvent } from '../../src/engine/events.js';
import { recordAgentOpened } from '../../src/store/agents.js';
import { openStore, type Database } from '../../src/store/db.js';
import { runWatch, type WatchSummary } from '../../src/workflows/watch.js';
import type { AgentSession } from './agent-session.js';

export const STATUS_ICONS = { working: '[W]', waiting: '[?]', done: '[D]' } as const;

export interface WatchedSession {
  readonly backend: Backend;
  readonly db: Database;
  readonly dbFile: string;
  readonly events: WatchEvent[];
  readonly log: string[];
  /** Records an `agents` row for a pane of the session's tmux server, as `workmux add` would. */
  recordPane(pane: string, handle: string, agent: string): Promise<void>;
  /** The first event after index `from` that matches, polling until `timeoutMs`. */
  nextEvent<T extends WatchEvent>(from: number, match: (event: WatchEvent) => event is T, what: string, timeoutMs?: number): Promise<T>;
  /** The first `agent.state` event with this state on the pane after index `from`. */
  waitState(from: number, state: string, pane: string): Promise<AgentStateEvent>;
  stop(): Promise<WatchSummary | undefined>;
}

export const isState = (event: WatchEvent): event is AgentStateEvent => event.type === 'agent.state';
export const stateOf = (paneId: string, state: string) => (event: WatchEvent): event is AgentStateEvent =>
  isState(event) && event.paneId === paneId && event.state === state;

export async function watchSession(
  session: AgentSession<unknown>,
  options: { callTimeoutMs?: number; idleAfterMs?: number; push?: boolean } = {},
): Promise<WatchedSession> {
  const env = { ...session.tmux.env, WORKMUX_TMUX_SOCKET: session.tmux.socket, XDG_RUNTIME_DIR: path.join(session.home, 'run') };
  const backend = await createBackend('tmux', { env, projectName: 'e2e', settings: {}, statusIcons: { ...STATUS_ICONS } });
  if (options.push) {
    // What TmuxBackend.openOutputStream would do (see backends/tmux-control.ts).
    Object.assign(backend, {
      openOutputStream: (onOutput: (paneId: string, data: string) => void) =>
        openTmuxOutputStream({ socketArgs: ['-L', session.tmux.socket], env, onOutput }),
    });
  }
  const dbFile = path.join(session.home, '.local/state/workmux/workmux.db');
  const db = openStore(dbFile);
  const events: WatchEvent[] = [];
  const log: string[] = [];
  const abort = new AbortController();
  const watching = runWatch(
    { env, backend: async () => backend, store: async () => db },
    {
      signal: abort.signal,
      callTimeoutMs: options.callTimeoutMs ?? 1_000,
      idleAfterMs: options.idleAfterMs ?? 800,
      onEvent: (event) => void events.push(event),
      log: (line) => void log.push(line),
    },
  );

  const nextEvent: WatchedSession['nextEvent'] = async (from, match, what, timeoutMs = 45_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline) {
        const states = events.filter(isState).map((e) => `${e.paneId} ${e.state} (${e.reason})`);
        throw new Error(`no ${what} within ${timeoutMs} ms; states so far: ${states.join(', ')}; log: ${log.join(' | ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  return {
    backend,
    db,
    dbFile,
    events,
    log,
    async recordPane(pane, handle, agent) {
      const windowId = await session.tmux.tmux('display-message', '-p', '-t', pane, '#{window_id}');
      recordAgentOpened(db, {
        project_root: session.cwd, handle, branch: handle, worktree_path: path.join(session.cwd, handle), backend: 'tmux',
        scope: handle, tab_id: windowId, tab_name: handle, pane_id: pane, agent,
      });
    },
    nextEvent,
    waitState: (from, state, pane) => nextEvent(from, stateOf(pane, state), `${state} on ${pane}`),
    async stop() {
      abort.abort();
      const summary = await watching.catch(() => undefined);
      db.close();
      return summary;
    },
  };
}
