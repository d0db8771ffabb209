/** The read-side workflows of the watch verbs against a real store: wait, logs --follow, --since parsing. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireWatcherLock, watcherPidFile, type WatcherLock } from '../src/engine/observe/watcher-lock.js';
import { recordAgentOpened } from '../src/store/agents.js';
import { openStore, type Database } from '../src/store/db.js';
import { recordStateChange } from '../src/store/events.js';
import { insertOutputChunks } from '../src/store/output.js';
import { agentStatus, waitForAgents } from '../src/workflows/agent-status.js';
import { followAgentLogs } from '../src/workflows/agent-output.js';
import { parseSince } from '../src/workflows/time-window.js';

let dir: string;
let db: Database;
let env: NodeJS.ProcessEnv;
let lock: WatcherLock | undefined;
const deps = () => ({ env, store: async () => db });

function openAgent(handle: string) {
  return recordAgentOpened(db, {
    project_root: '/p', handle, branch: handle, worktree_path: `/p/${handle}`, backend: 'tmux', scope: '$1', tab_id: '@1',
    tab_name: handle, pane_id: `%${handle.length}`, agent: 'claude',
  });
}
const setState = (agentId: string, state: 'working' | 'idle' | 'waiting') =>
  recordStateChange(db, { at: Date.now(), backend: 'tmux', paneId: '%1', agentId, agent: 'claude', state, reason: 'test' });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wm-wf-'));
  env = { HOME: dir, XDG_STATE_HOME: path.join(dir, 'state'), XDG_RUNTIME_DIR: path.join(dir, 'run') };
  db = openStore(path.join(dir, 'state', 'workmux.db'));
});
afterEach(() => {
  lock?.release();
  lock = undefined;
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('waitForAgents', () => {
  it('refuses unknown names and says when no watcher runs', async () => {
    openAgent('feat-a');
    await expect(waitForAgents(deps(), ['nope'])).rejects.toThrow(/no agent tab named nope/);
    await expect(waitForAgents(deps(), ['feat-a'])).rejects.toThrow(/no watcher is running/);
  });

  it('returns once all (or any) named agents reach the state, and times out otherwise', async () => {
    const a = openAgent('feat-a');
    const b = openAgent('feat-bb');
    lock = acquireWatcherLock(watcherPidFile(env));
    setState(a.id, 'working');
    setState(b.id, 'working');
    setTimeout(() => setState(a.id, 'idle'), 100);
    const any = await waitForAgents(deps(), ['feat-a', 'feat-bb'], { any: true, timeoutMs: 5_000, pollMs: 20 });
    expect(any.arrived).toEqual(['feat-a']);
    await expect(waitForAgents(deps(), ['feat-a', 'feat-bb'], { timeoutMs: 200, pollMs: 20 })).rejects.toThrow(
      /timed out after 0.2 s waiting for feat-a, feat-bb to be idle/,
    );
    setTimeout(() => setState(b.id, 'waiting'), 100);
    const all = await waitForAgents(deps(), ['feat-a', 'feat-bb', 'feat-a'], { states: ['idle', 'waiting'], timeoutMs: 5_000, pollMs: 20 });
    expect(all.arrived.sort()).toEqual(['feat-a', 'feat-bb']);
    expect((await agentStatus(deps())).watcher).toEqual({ running: true, pid: process.pid });
  });
});

describe('followAgentLogs', () => {
  it('delivers only lines stored after it started, in order', async () => {
    openAgent('feat-a');
    const chunk = (lines: string[]) => ({ at: Date.now(), backend: 'tmux', paneId: '%6', handle: 'feat-a', lines });
    insertOutputChunks(db, [chunk(['old line'])]);
    const controller = new AbortController();
    const seen: string[] = [];
    const following = followAgentLogs(deps(), 'feat-a', {
      signal: controller.signal,
      pollMs: 20,
      onLines: (lines) => {
        seen.push(...lines.map((l) => l.line));
        if (seen.length >= 3) controller.abort();
      },
    });
    setTimeout(() => insertOutputChunks(db, [chunk(['new 1', 'new 2']), chunk(['new 3'])]), 50);
    await following;
    expect(seen).toEqual(['new 1', 'new 2', 'new 3']);
  });
});

describe('parseSince', () => {
  it('reads durations back from now and dates', () => {
    const now = Date.parse('2026-11-21T12:00:00Z');
    expect(parseSince('90s', now)).toBe(now - 90_000);
    expect(parseSince('2h', now)).toBe(now - 7_200_000);
    expect(parseSince('1w', now)).toBe(now - 7 * 86_400_000);
    expect(parseSince('2026-11-20T00:00:00Z', now)).toBe(Date.parse('2026-11-20T00:00:00Z'));
    expect(() => parseSince('yesterday-ish', now)).toThrow(/cannot read --since/);
  });
});
