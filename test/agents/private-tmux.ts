/**
 * A tmux server on a private socket for agent tests: never the user's server, a clean environment,
 * and `kill()` in teardown ends it with everything it runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run, output } from '../../src/core/exec.js';

export interface PrivateTmux {
  readonly socket: string;
  readonly env: NodeJS.ProcessEnv;
  /** Runs `tmux -L <socket> ...args` and returns stdout without the final newline. */
  tmux(...args: string[]): Promise<string>;
  /** Starts a session whose first pane runs a plain bash (no rc files, so no title of its own). */
  newSession(name: string, cwd: string, size?: { cols: number; rows: number }): Promise<string>;
  title(pane: string): Promise<string>;
  currentCommand(pane: string): Promise<string>;
  capture(pane: string, lines?: number): Promise<string>;
  /** Types text literally, then Enter as a separate key (tmux-notes.md, "typing"). */
  typeLine(pane: string, text: string): Promise<void>;
  kill(): Promise<void>;
}

/** The environment panes get: a throwaway HOME and a UTF-8 locale (braille spinners live in titles). */
export function isolatedEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    HOME: home,
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    SHELL: '/bin/bash',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_STATE_HOME: path.join(home, '.local/state'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    ...extra,
  };
}

export function startPrivateTmux(env: NodeJS.ProcessEnv, label = 'agent'): PrivateTmux {
  const socket = `wm-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) =>
    output(['tmux', '-L', socket, '-f', '/dev/null', '-u', ...args], { env, extendEnv: false, timeout: 10_000 });
  const display = (pane: string, format: string) => tmux('display-message', '-p', '-t', pane, format);
  return {
    socket,
    env,
    tmux,
    async newSession(name, cwd, size = { cols: 120, rows: 40 }) {
      const pane = await tmux(
        'new-session', '-d', '-s', name, '-x', String(size.cols), '-y', String(size.rows), '-c', cwd,
        '-P', '-F', '#{pane_id}', 'bash --noprofile --norc',
      );
      // -x/-y set the session's default-size, which holds without a client attached. (Do not use
      // `window-size manual`: tmux 3.3a then crashes on the next `new-window -d`.)
      await tmux('set-option', '-g', 'history-limit', '10000');
      return pane;
    },
    title: (pane) => display(pane, '#{pane_title}'),
    currentCommand: (pane) => display(pane, '#{pane_current_command}'),
    capture: (pane, lines = 200) => tmux('capture-pane', '-p', '-J', '-t', pane, '-S', String(-lines)),
    async typeLine(pane, text) {
      await tmux('send-keys', '-t', pane, '-l', '--', text);
      await new Promise((resolve) => setTimeout(resolve, 150));
      await tmux('send-keys', '-t', pane, 'Enter');
    },
    async kill() {
      const panePids = (await run(['tmux', '-L', socket, 'list-panes', '-a', '-F', '#{pane_pid}'], { env, extendEnv: false, reject: false, timeout: 5_000 }))
        .stdout.split('\n').map(Number).filter((pid) => pid > 0);
      const processes = withDescendants(panePids);
      await run(['tmux', '-L', socket, 'kill-server'], { env, extendEnv: false, reject: false, timeout: 5_000 });
      // Agents keep writing into HOME while they shut down: wait until they are gone (then insist).
      await waitUntilGone(processes, 5_000);
      // tmux 3.3 can leave the socket file behind.
      fs.rmSync(path.join(env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
    },
  };
}

export function makeTempDir(prefix: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/** `pids` and all their descendants, from /proc (Linux; elsewhere just `pids`). */
function withDescendants(pids: number[]): number[] {
  let parentOf: Map<number, number>;
  try {
    parentOf = new Map(
      fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((name) => {
        try {
          const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
          return [[Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])] as [number, number]];
        } catch {
          return [];
        }
      }),
    );
  } catch {
    return pids;
  }
  const found = new Set(pids);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parentOf) {
      if (found.has(parent) && !found.has(pid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  return [...found];
}

async function waitUntilGone(pids: number[], timeoutMs: number): Promise<void> {
  const alive = () => pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
  const deadline = Date.now() + timeoutMs;
  while (alive().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const pid of alive()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
