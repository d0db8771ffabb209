/**
 * Real tmux for rule-engine tests: fake agents (fake-agent.mjs, installed as `codex` on PATH) in panes of a
 * private tmux server, the lead's tmux backend pointed at that socket, a small capture-pane observer that
 * feeds the EventBus the way the watcher does, and a temp store with the rule tables.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend } from '../../backends/tmux.js';
import type { Backend } from '../../backends/types.js';
import { EventBus, type AgentState } from '../../src/engine/events.js';
import { openStore, type Database } from '../../src/store/db.js';
import { isolatedEnv, makeTempDir, startPrivateTmux, type PrivateTmux } from '../agents/private-tmux.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FAKE_AGENT = path.join(here, 'fake-agent.mjs');

export interface FakeAgentEnv {
  readonly dir: string;
  readonly tmux: PrivateTmux;
  readonly backend: Backend;
  readonly store: Database;
  readonly storeFile: string;
  /** Starts a shell pane and types `codex` into it (the fake agent). */
  openAgent(name: string, prompt?: string): Promise<FakeAgent>;
  dispose(): Promise<void>;
}

export interface FakeAgent {
  readonly pane: string;
  /** Makes the agent print lines / repaint its screen (JSON commands on its control file). */
  control(command: Record<string, unknown>): void;
  print(...lines: string[]): void;
  /** What arrived on the agent's stdin, one entry per line (all sessions in this pane). */
  received(): { session: string; line?: string; event?: string }[];
  screen(): Promise<string>;
}

export async function startFakeAgentEnv(label: string): Promise<FakeAgentEnv> {
  const dir = makeTempDir(`wm-${label}-`);
  const home = path.join(dir, 'home');
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'codex'), `#!/bin/sh\nexec "${process.execPath}" "${FAKE_AGENT}" "$@"\n`, { mode: 0o755 });
  const env = isolatedEnv(home, { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` });
  const tmux = startPrivateTmux(env, label);
  await tmux.newSession('rules', dir, { cols: 120, rows: 30 });
  // tmux 3.3a crashes creating a window while the global window-size is manual: keep it per window instead.
  await tmux.tmux('set-option', '-w', '-t', 'rules:', 'window-size', 'manual');
  await tmux.tmux('set-option', '-g', '-u', 'window-size');
  let sessions = 0;
  const backend = createBackend({ env: { ...env, WORKMUX_TMUX_SOCKET: tmux.socket }, projectName: 'rules', settings: {}, statusIcons: { working: 'W', waiting: '?', done: 'D' } });
  const storeFile = path.join(dir, 'state', 'workmux.db');
  const store = openStore(storeFile);
  return {
    dir,
    tmux,
    backend,
    store,
    storeFile,
    async openAgent(name, prompt = '› ') {
      const log = path.join(dir, `${name}.stdin.jsonl`);
      const ctl = path.join(dir, `${name}.ctl`);
      fs.writeFileSync(ctl, '');
      // The first session's pane is reused for the first agent; later agents get a session each.
      const pane =
        sessions++ === 0
          ? await tmux.tmux('display-message', '-p', '-t', 'rules:', '#{pane_id}')
          : await tmux.tmux('new-session', '-d', '-s', `agent${sessions}`, '-x', '120', '-y', '30', '-c', dir, '-P', '-F', '#{pane_id}', 'bash --noprofile --norc');
      await tmux.tmux('send-keys', '-t', pane, '-l', `export FAKE_AGENT_LOG='${log}' FAKE_AGENT_CTL='${ctl}' FAKE_PROMPT='${prompt}'; clear; codex`);
      await tmux.tmux('send-keys', '-t', pane, 'Enter');
      await eventually(async () => (await tmux.capture(pane)).includes('fake agent'), 10_000, 'the fake agent did not start');
      return {
        pane,
        control: (command) => fs.appendFileSync(ctl, `${JSON.stringify(command)}\n`),
        print(...lines) {
          for (const line of lines) fs.appendFileSync(ctl, `${JSON.stringify({ print: line })}\n`);
        },
        received: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []),
        screen: () => tmux.capture(pane, 0),
      };
    },
    async dispose() {
      store.close();
      await tmux.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` is true. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, message = 'condition not met'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${message} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lines of new text in `current` relative to `previous` (scroll overlap), or all of it as a gap. */
export function newLines(previous: readonly string[], current: readonly string[]): { lines: string[]; gap: boolean } {
  for (let drop = 0; drop <= Math.min(1, previous.length); drop++) {
    const prev = previous.slice(0, previous.length - drop);
    for (let k = Math.min(prev.length, current.length); k > 0; k--) {
      let same = true;
      for (let i = 0; i < k && same; i++) same = prev[prev.length - k + i] === current[i];
      if (same) return { lines: current.slice(k), gap: false };
    }
  }
  return { lines: [...current], gap: previous.length > 0 };
}

export interface ObservedPane {
  pane: string;
  agent: string;
  handle: string;
}

/**
 * A stand-in for the watcher: polls each pane's screen, emits `text.appended` with new lines and
 * `agent.state` as `classify` tells it.
 */
export type Classify = (lines: readonly string[], command: string) => AgentState;

/** The fake agent: idle while its prompt is the last line, exited once the shell is back. */
export const fakeAgentState = (prompt: string): Classify => (lines, command) =>
  command === 'node' ? ((lines.at(-1) ?? '').startsWith(prompt) ? 'idle' : 'working') : 'exited';

export function observePanes(
  tmux: PrivateTmux,
  bus: EventBus,
  panes: readonly ObservedPane[],
  intervalMs = 50,
  prompt: string | Classify = '›',
): { stop(): Promise<void> } {
  const classify = typeof prompt === 'string' ? fakeAgentState(prompt) : prompt;
  const previous = new Map<string, string[]>();
  const states = new Map<string, AgentState>();
  let stopped = false;
  const tick = async () => {
    for (const { pane, agent, handle } of panes) {
      const [screen, command] = await Promise.all([tmux.capture(pane, 0), tmux.currentCommand(pane)]).catch(() => ['', '']);
      const lines = screen.replace(/\s+$/, '').split('\n').map((l) => l.replace(/\s+$/, ''));
      const { lines: fresh, gap } = newLines(previous.get(pane) ?? [], lines);
      previous.set(pane, lines);
      const at = Date.now();
      if (fresh.length > 0) bus.emit({ type: 'text.appended', paneId: pane, handle, agent, at, lines: fresh, ...(gap ? { gap } : {}) });
      const state = classify(lines, command);
      if (states.get(pane) !== state) {
        bus.emit({ type: 'agent.state', paneId: pane, handle, agent, at, state, previous: states.get(pane), reason: 'test-observer' });
        states.set(pane, state);
      }
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await tick();
      await sleep(intervalMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
