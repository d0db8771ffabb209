/**
 * The observation pipeline: new-text extraction on real Claude Code screens, the watcher loop against an
 * in-memory backend (hung calls, closed panes), the store sink against a locked database, and tmux control mode.
 */
import { execFileSync } from 'node:child_process';
import { killTmuxServer } from './helpers/env.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PaneInfo } from '../backends/types.js';
import { EventBus, type WatchEvent } from '../src/engine/events.js';
import { RecentLines, extractNewText, snapshotLines } from '../src/engine/observe/new-text.js';
import { isStatusLine } from '../src/agents/classify.js';
import { Watcher } from '../src/engine/observe/watcher.js';
import { StoreSink } from '../src/engine/observe/store-sink.js';
import { acquireWatcherLock } from '../src/engine/observe/watcher-lock.js';
import { Osc7501Reader } from '../src/engine/observe/raw-output.js';
import { decodeControlEscapes, parseControlLine } from '../backends/tmux-control.js';
import { openStore, type Database } from '../src/store/db.js';
import { lastOutputLines } from '../src/store/output.js';
import { listEvents } from '../src/store/events.js';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures/claude', `${name}.txt`), 'utf8');
const claudeStatus = (line: string) => isStatusLine('claude', line);

describe('extractNewText on real Claude Code screens', () => {
  it('reports the prompt and the answer once, and no footer or spinner line', () => {
    const recent = new RecentLines();
    const idle = snapshotLines(fixture('idle'));
    const working = snapshotLines(fixture('working'));
    const finished = snapshotLines(fixture('finished'));
    const first = extractNewText(idle, working, recent, claudeStatus);
    expect(first.gap).toBe(false);
    expect(first.lines).toContain('❯ say hello');
    expect(first.lines.some((line) => /esc to interrupt|Stewing|…$/.test(line))).toBe(false);
    const second = extractNewText(working, finished, recent, claudeStatus);
    expect(second.lines).toEqual(expect.arrayContaining(['● Mock answer: done.']));
    expect(second.lines.some((line) => /^✻ \w+ for \d+s$/.test(line))).toBe(true);
    expect(second.lines).not.toContain('❯ say hello');
    // The same screen again is nothing new.
    expect(extractNewText(finished, finished, recent, claudeStatus).lines).toEqual([]);
  });

  it('reports a gap when two snapshots share no line', () => {
    const recent = new RecentLines();
    const result = extractNewText(['a', 'b'], ['c', 'd'], recent);
    expect(result).toEqual({ lines: ['c', 'd'], gap: true });
  });

  it('keeps repeated lines that are really new and drops a footer flipping back', () => {
    const recent = new RecentLines();
    expect(extractNewText(['ok'], ['ok', 'ok'], recent).lines).toEqual(['ok']);
    extractNewText([], ['footer A'], recent);
    extractNewText(['footer A'], ['footer B'], recent);
    expect(extractNewText(['footer B'], ['footer A'], recent).lines).toEqual([]);
  });
});

/** An in-memory multiplexer: panes with a title, a command and a screen; calls can be made to hang. */
class FakeBackend {
  panes = new Map<string, { title: string; command: string; screen: string; dead: boolean }>();
  hangCapture = new Set<string>();
  hangListing = false;
  listings = 0;

  listPanes(): Promise<PaneInfo[]> {
    this.listings += 1;
    if (this.hangListing) return new Promise(() => {});
    return Promise.resolve(
      [...this.panes].map(([id, p]) => ({
        id, tabId: `@${id}`, tabName: id, scope: { id: 's', name: 's' }, title: p.title, cwd: '/', currentCommand: p.command, dead: p.dead,
      })),
    );
  }

  capture(pane: string): Promise<string> {
    if (this.hangCapture.has(pane)) return new Promise(() => {});
    const p = this.panes.get(pane);
    return p ? Promise.resolve(p.screen) : Promise.reject(new Error(`no pane ${pane}`));
  }
}

function watcherOn(backend: FakeBackend, now: { t: number }) {
  const bus = new EventBus();
  const events: WatchEvent[] = [];
  bus.on('*', (event) => void events.push(event));
  const watcher = new Watcher({
    backend,
    bus,
    targets: () => [{ paneId: '%1', handle: 'feat-a', agentHint: 'claude' }, { paneId: '%2', handle: 'feat-b', agentHint: 'claude' }],
    callTimeoutMs: 50,
    intervals: { fastMs: 0, slowMs: 0 },
    classify: { idleAfterMs: 1000 },
    now: () => now.t,
  });
  return { watcher, events };
}

describe('Watcher', () => {
  it('emits title, state and text events, and exited + pane.closed when a pane disappears', async () => {
    const backend = new FakeBackend();
    const now = { t: 1_000 };
    const { watcher, events } = watcherOn(backend, now);
    backend.panes.set('%1', { title: '⠂ Claude Code', command: 'claude', screen: fixture('working'), dead: false });
    await watcher.tick();
    expect(events.map((e) => e.type)).toEqual(['title.changed', 'text.appended', 'agent.state']);
    expect(events[2]).toMatchObject({ state: 'working', agent: 'claude', handle: 'feat-a' });

    backend.panes.set('%1', { title: '✳ Claude Code', command: 'claude', screen: fixture('finished'), dead: false });
    now.t += 100;
    await watcher.tick();
    // Screen just changed: idle is not believed yet.
    expect(events.filter((e) => e.type === 'agent.state')).toHaveLength(1);
    now.t += 1500;
    await watcher.tick();
    expect(events.filter((e) => e.type === 'agent.state').at(-1)).toMatchObject({ state: 'idle', previous: 'working' });

    backend.panes.delete('%1');
    now.t += 100;
    await watcher.tick();
    expect(events.slice(-2).map((e) => [e.type, (e as { state?: string }).state])).toEqual([
      ['agent.state', 'exited'],
      ['pane.closed', undefined],
    ]);
    expect(watcher.observedPanes()).toEqual([]);
  });

  it('survives a hung capture: the other pane is still observed and calls do not pile up', async () => {
    const backend = new FakeBackend();
    const now = { t: 1_000 };
    const { watcher, events } = watcherOn(backend, now);
    backend.panes.set('%1', { title: '✳ Claude Code', command: 'claude', screen: fixture('idle'), dead: false });
    backend.panes.set('%2', { title: '⠂ Claude Code', command: 'claude', screen: fixture('working'), dead: false });
    backend.hangCapture.add('%1');
    await watcher.tick();
    await watcher.tick();
    expect(events.some((e) => e.type === 'agent.state' && e.paneId === '%2')).toBe(true);
    expect(watcher.tracker('%1')!.inFlight).toBe(true);
    expect(events.some((e) => e.type === 'agent.state' && e.paneId === '%1')).toBe(false);
  });

  it('does not take a pane in another tab (a reused pane id) for the target', async () => {
    const backend = new FakeBackend();
    const bus = new EventBus();
    const events: WatchEvent[] = [];
    bus.on('*', (event) => void events.push(event));
    const watcher = new Watcher({ backend, bus, targets: () => [{ paneId: '%1', tabId: '@other', agentHint: 'claude' }], now: () => 0 });
    backend.panes.set('%1', { title: '✳ Claude Code', command: 'claude', screen: fixture('idle'), dead: false });
    await watcher.tick();
    expect(events).toEqual([]);
    expect(watcher.observedPanes()).toEqual([]);
  });

  it('skips a round while the listing hangs instead of starting another one', async () => {
    const backend = new FakeBackend();
    const { watcher } = watcherOn(backend, { t: 0 });
    backend.hangListing = true;
    await watcher.tick();
    await watcher.tick();
    await watcher.tick();
    expect(backend.listings).toBe(1);
  });
});

describe('StoreSink', () => {
  let dir: string;
  let db: Database;
  afterEach(() => {
    db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the batch while another process holds the database and writes it afterwards', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wm-sink-'));
    const file = path.join(dir, 'workmux.db');
    db = openStore(file);
    db.pragma('busy_timeout = 50');
    const logs: string[] = [];
    const sink = new StoreSink(db, { backend: 'tmux', agentIdFor: () => undefined, log: (line) => logs.push(line) });
    const other = openStore(file);
    other.exec('BEGIN EXCLUSIVE');
    sink.accept({ type: 'text.appended', paneId: '%1', handle: 'feat-a', at: 1, lines: ['first line'] });
    sink.accept({ type: 'agent.state', paneId: '%1', at: 2, state: 'working', agent: 'claude', reason: 'title:spinner' });
    sink.accept({ type: 'title.changed', paneId: '%1', at: 2, title: '⠂ Claude Code', previous: '✳ Claude Code' });
    expect(sink.flush()).toBe(false);
    expect(logs[0]).toMatch(/store write failed/);
    other.exec('COMMIT');
    other.close();
    expect(sink.flush()).toBe(true);
    expect(lastOutputLines(db, { handle: 'feat-a' }, 10).map((l) => l.line)).toEqual(['first line']);
    expect(listEvents(db).map((e) => e.type)).toEqual(['agent.state']);
  });
});

describe('watcher lock', () => {
  it('lets one watcher hold the lock and takes over a stale pid file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wm-lock-'));
    try {
      const file = path.join(dir, 'watch.pid');
      const lock = acquireWatcherLock(file);
      expect(() => acquireWatcherLock(file, process.pid + 1)).toThrow(/already running \(pid/);
      lock.release();
      expect(fs.existsSync(file)).toBe(false);
      fs.writeFileSync(file, '999999999\n');
      const taken = acquireWatcherLock(file);
      expect(fs.readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
      taken.release();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tmux control mode output', () => {
  it('parses %output lines and decodes octal escapes', () => {
    expect(parseControlLine('%output %12 hi\\033]0;title\\007\\134done')).toEqual({
      kind: 'output',
      paneId: '%12',
      data: 'hi\x1b]0;title\x07\\done',
    });
    expect(parseControlLine('%exit')).toEqual({ kind: 'exit', reason: '' });
    expect(parseControlLine('%begin 1 2 0')).toBeUndefined();
    expect(decodeControlEscapes('a\\015\\012b')).toBe('a\r\nb');
  });

  it('reports windows and panes coming or going as structure changes (the watcher re-lists then)', () => {
    expect(parseControlLine('%window-add @4')).toEqual({ kind: 'structure', notification: '%window-add' });
    expect(parseControlLine('%window-close @4')).toEqual({ kind: 'structure', notification: '%window-close' });
    expect(parseControlLine('%layout-change @2 b25d,80x24,0,0,2 b25d,80x24,0,0,2 *')).toEqual({ kind: 'structure', notification: '%layout-change' });
    expect(parseControlLine('%session-renamed $1 x')).toBeUndefined();
  });

  it('wakes on a killed pane through control mode, without waiting for the quiet round', async () => {
    const { openTmuxOutputStream } = await import('../backends/tmux-control.js');
    const socket = `wm-ctl-${process.pid}`;
    const tmuxRun = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' }).trim();
    tmuxRun('-f', '/dev/null', 'new-session', '-d', '-s', 'ctl', 'sleep 60');
    try {
      const pane = tmuxRun('split-window', '-d', '-t', 'ctl', '-P', '-F', '#{pane_id}', 'sleep 60');
      let changes = 0;
      const stream = openTmuxOutputStream({ socketArgs: ['-L', socket], env: process.env, onOutput: () => {}, onStructureChange: () => changes++ });
      stream.follow([tmuxRun('display-message', '-p', '-t', 'ctl', '#{session_id}')]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const before = changes;
      tmuxRun('kill-pane', '-t', pane);
      const deadline = Date.now() + 5000;
      while (changes === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      stream.close();
      expect(changes).toBeGreaterThan(before);
    } finally {
      await killTmuxServer(socket);
    }
  });

  it('reads Codex OSC 7501 states, also when a sequence is split between two chunks', () => {
    const reader = new Osc7501Reader();
    expect(reader.feed('%1', 'text \x1b]7501;state=working:app=codex\x1b\\ more')).toBe('working');
    expect(reader.feed('%1', 'no state here')).toBeUndefined();
    expect(reader.feed('%1', 'x\x1b]7501;state=blocked:app=codex:kind=per')).toBeUndefined();
    expect(reader.feed('%1', 'mission:app=codex\x1b\\')).toBe('blocked:app=codex:kind=permission');
    expect(reader.feed('%2', '\x1b]7501;state=idle:app=codex\x07\x1b]7501;state=clear:app=codex\x07')).toBe('clear');
  });
});
