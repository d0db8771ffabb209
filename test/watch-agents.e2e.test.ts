/**
 * End to end with the other agents that run offline here (dev dependencies, loopback API mocks, private tmux):
 * the REAL Gemini CLI and Codex CLI observed by `runWatch` — working while the mock delays, idle after, Gemini
 * waiting at its permission dialog, and exited when the agent quits.
 */
import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchEvent } from '../src/engine/events.js';
import { startGeminiSession, type GeminiSession } from './agents/gemini-harness.js';
import { startCodexSession, type CodexSession } from './agents/codex-harness.js';
import { isState, watchSession, type WatchedSession } from './agents/watched-session.js';

/** Typing before an agent's input box is up loses the keys: wait for it on screen. */
async function untilScreen(session: GeminiSession | CodexSession, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(await session.tmux.capture(session.pane, 50))) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} on screen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}

const textSeen = (text: string) => (e: WatchEvent): e is WatchEvent => e.type === 'text.appended' && e.lines.some((l) => l.includes(text));

describe('workmux watch on the real Gemini CLI', () => {
  let session: GeminiSession;
  let watched: WatchedSession;
  beforeAll(async () => {
    session = await startGeminiSession();
    watched = await watchSession(session);
    await watched.recordPane(session.pane, 'feat-gemini', 'gemini');
  });
  afterAll(async () => {
    await watched?.stop();
    await session?.dispose();
  });

  it('goes idle → working → idle, waits at the permission dialog, and exits', async () => {
    const pane = session.pane;
    await session.launch();
    await watched.waitState(0, 'idle', pane);
    await untilScreen(session, /Type your message/);

    session.mock.options.delayMs = 4_000;
    let from = watched.events.length;
    await session.tmux.typeLine(pane, 'say hello');
    const working = await watched.waitState(from, 'working', pane);
    expect(working.agent).toBe('gemini');
    await watched.waitState(watched.events.indexOf(working), 'idle', pane);
    await watched.nextEvent(from, textSeen('Mock answer: done.'), 'the answer text');

    session.mock.options.delayMs = 0;
    const target = path.join(session.cwd, 'made-by-gemini.txt');
    from = watched.events.length;
    await session.tmux.typeLine(pane, `run: touch ${target}`);
    const waiting = await watched.waitState(from, 'waiting', pane);
    await session.tmux.tmux('send-keys', '-t', pane, 'Enter');
    await watched.waitState(watched.events.indexOf(waiting), 'idle', pane);
    expect(fs.existsSync(target)).toBe(true);

    from = watched.events.length;
    await session.tmux.typeLine(pane, '/quit');
    const exited = await watched.waitState(from, 'exited', pane);
    expect(exited.reason).toBe('process:shell');
  });
});

describe('workmux watch on the real Codex CLI, with tmux control mode', () => {
  let session: CodexSession;
  let watched: WatchedSession;
  beforeAll(async () => {
    session = await startCodexSession();
    watched = await watchSession(session, { push: true });
    await watched.recordPane(session.pane, 'feat-codex', 'codex');
  });
  afterAll(async () => {
    await watched?.stop();
    await session?.dispose();
  });

  it('goes idle → working → idle and exits on Ctrl-C, logging the resume command', async () => {
    const pane = session.pane;
    await session.launch();
    await watched.waitState(0, 'idle', pane);
    await untilScreen(session, /^› /m);

    session.mock.options.delayMs = 4_000;
    let from = watched.events.length;
    await session.tmux.typeLine(pane, 'say hello');
    const working = await watched.waitState(from, 'working', pane);
    expect(working.agent).toBe('codex');
    await watched.waitState(watched.events.indexOf(working), 'idle', pane);
    // Codex's OSC 7501 state sequence, visible only in the raw output control mode pushes.
    const states = watched.events.filter(isState).filter((e) => e.paneId === pane);
    expect(states.some((e) => e.reason === 'osc:7501')).toBe(true);

    from = watched.events.length;
    await session.tmux.tmux('send-keys', '-t', pane, 'C-c');
    await watched.waitState(from, 'exited', pane);
    await watched.nextEvent(from, textSeen('codex resume '), 'the resume hint');
  });
});
