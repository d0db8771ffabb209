/**
 * End to end: the REAL Claude Code CLI (dev dependency) offline against the loopback Messages API mock, in a
 * pane of a private tmux server, observed by `runWatch` through the real tmux backend into a real store.
 * Drives: prompt → working while the mock delays → idle; a tool call → waiting at the permission prompt;
 * /exit → exited; and the watcher's resilience: a locked database, a hung (SIGSTOPped) tmux server, a killed
 * pane, and a new tmux server on the same socket.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchEvent } from '../src/engine/events.js';
import { openStore } from '../src/store/db.js';
import { searchOutput } from '../src/store/output.js';
import { stateHistory } from '../src/store/events.js';
import { startClaudeSession, type ClaudeSession } from './agents/claude-harness.js';
import { STATUS_ICONS as ICONS, isState, stateOf, watchSession, type WatchedSession } from './agents/watched-session.js';

let session: ClaudeSession;
let watched: WatchedSession;
let pane: string;
const events = () => watched.events;
const waitState = (from: number, state: string, paneId = pane) => watched.waitState(from, state, paneId);
const windowStatus = () => session.tmux.tmux('show-options', '-w', '-v', '-t', pane, '@workmux_status').catch(() => '');

beforeAll(async () => {
  session = await startClaudeSession({ mock: { delayMs: 0 } });
  pane = session.pane;
  watched = await watchSession(session);
  await watched.recordPane(pane, 'feat-claude', 'claude');
});

afterAll(async () => {
  await watched?.stop();
  await session?.dispose();
});

describe('workmux watch on the real Claude Code CLI', () => {
  it('sees the agent start and settle idle', async () => {
    await session.launch();
    const idle = await waitState(0, 'idle');
    expect(idle).toMatchObject({ agent: 'claude', handle: 'feat-claude' });
    expect(events().find(isState)).toMatchObject({ state: 'starting' });
    // Keys typed before the input box is drawn are lost: wait for its footer.
    await expect.poll(() => session.tmux.capture(pane, 50), { timeout: 30_000 }).toMatch(/\? for shortcuts/);
  });

  it('reports working while the API answer is delayed, then idle, and logs the answer', async () => {
    session.mock.options.delayMs = 5_000;
    const from = events().length;
    await session.tmux.typeLine(pane, 'say hello');
    const working = await waitState(from, 'working');
    // The mock is now holding the answer back: the agent is still working.
    await session.mock.waitForRequest('text', 1);
    expect(await windowStatus()).toBe(ICONS.working);
    const idle = await waitState(events().indexOf(working), 'idle');
    expect(idle.previous).toBe('working');
    await watched.nextEvent(from, (e): e is WatchEvent => e.type === 'text.appended' && e.lines.some((l) => l.includes('Mock answer: done.')), 'the answer text');
    expect(await windowStatus()).toBe(ICONS.done);
    await expect.poll(() => searchOutput(watched.db, 'Mock answer').length, { timeout: 5_000 }).toBeGreaterThan(0);
  });

  it('keeps observing while another process holds the database locked, and stores it all afterwards', async () => {
    const other = openStore(watched.dbFile);
    other.exec('BEGIN EXCLUSIVE');
    const from = events().length;
    try {
      session.mock.options.answerText = 'Answer written while the store was locked.';
      session.mock.options.delayMs = 1_500;
      await session.tmux.typeLine(pane, 'say it while locked');
      await waitState(from, 'working');
      await waitState(from, 'idle');
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    await expect.poll(() => searchOutput(watched.db, 'while the store was locked').length, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(watched.log.some((line) => /store write failed/.test(line))).toBe(true);
  });

  it('sees a permission prompt as waiting although the title stays idle', async () => {
    session.mock.options.delayMs = 0;
    const target = path.join(session.cwd, 'made-by-claude.txt');
    const from = events().length;
    await session.tmux.typeLine(pane, `run: touch ${target}`);
    const waiting = await waitState(from, 'waiting');
    expect(waiting.reason).toMatch(/^screen:/);
    expect((await session.tmux.title(pane)).startsWith('✳')).toBe(true);
    expect(await windowStatus()).toBe(ICONS.waiting);
    await session.tmux.tmux('send-keys', '-t', pane, 'Enter');
    await waitState(events().indexOf(waiting), 'idle');
    expect(fs.existsSync(target)).toBe(true);
  });

  it('survives a hung tmux server: calls time out, observation resumes when it answers again', async () => {
    const serverPid = Number(await session.tmux.tmux('display-message', '-p', '#{pid}'));
    process.kill(serverPid, 'SIGSTOP');
    try {
      await expect.poll(() => watched.log.some((line) => /did not answer within/.test(line)), { timeout: 10_000 }).toBe(true);
    } finally {
      process.kill(serverPid, 'SIGCONT');
    }
    session.mock.options.delayMs = 2_000;
    const from = events().length;
    await session.tmux.typeLine(pane, 'say hello after the hang');
    await waitState(from, 'working');
    await waitState(from, 'idle');
  });

  it('reports exited after /exit, when the shell is back in the foreground', async () => {
    const from = events().length;
    await session.tmux.typeLine(pane, '/exit');
    const exited = await waitState(from, 'exited');
    expect(exited.reason).toBe('process:shell');
    expect(await windowStatus()).toBe('');
    // The store sink writes in batches: the row follows within a flush.
    await expect.poll(() => watched.db.prepare('SELECT status, agent FROM agents WHERE pane_id = ?').get(pane), { timeout: 5_000 }).toEqual({
      status: 'exited',
      agent: 'claude',
    });
    const history = stateHistory(watched.db, 'tmux', pane).map((entry) => entry.state);
    expect(history).toEqual(expect.arrayContaining(['starting', 'idle', 'working', 'waiting', 'exited']));
  });

  it('reports exited and pane.closed when the pane is killed, and keeps watching a new tmux server', async () => {
    let from = events().length;
    await session.launch();
    await waitState(from, 'idle');
    from = events().length;
    await session.tmux.tmux('kill-pane', '-t', pane);
    const exited = await waitState(from, 'exited');
    expect(exited.reason).toBe('pane:gone');
    await watched.nextEvent(from, (e): e is WatchEvent => e.type === 'pane.closed' && e.paneId === pane, 'pane.closed');

    // The server exited with its last pane; a new one on the same socket is watched like the first.
    from = events().length;
    const newPane = await session.tmux.newSession('again', session.cwd);
    await watched.recordPane(newPane, 'feat-again', 'claude');
    const started = await watched.nextEvent(from, stateOf(newPane, 'starting'), 'the new pane starting');
    expect(started.reason).toBe('process:shell');
  });
});
