/**
 * Test harness for the `wezterm cli` emulator: a private tmux server at a temp socket path playing the
 * WezTerm mux, with one window in workspace `default` (or `opts.workspace`), isolated HOME/XDG dirs and
 * test/emulators/bin first on PATH so `wezterm` is the emulator.
 *
 *   const wez = await startWeztermEmulator();
 *   try { run workmux or the backend with wez.env } finally { await wez.cleanup(); }
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error -- plain .mjs without type declarations; shapes are documented in bootstrap.mjs.
import { startServer, stopServer } from './bootstrap.mjs';

export const EMULATOR_BIN_DIR = fileURLToPath(new URL('../bin', import.meta.url));

export interface WeztermEmulatorOptions {
  /** Workspace of the first window (default `default`). */
  workspace?: string;
  /** Working directory of the first pane (default: the temp HOME). */
  cwd?: string;
  /** Login shell of every pane (default /bin/sh, so no user rc file interferes). */
  shell?: string;
  /** Extra variables merged last (e.g. HOME, XDG_RUNTIME_DIR of a larger fixture). */
  env?: NodeJS.ProcessEnv;
}

export interface WeztermEmulator {
  /** Environment of a process running "inside" the first pane: PATH, WEZTERM_UNIX_SOCKET, WEZTERM_PANE, HOME, XDG_*. */
  env: NodeJS.ProcessEnv;
  /** The mux socket ($WEZTERM_UNIX_SOCKET), which is also the tmux socket. */
  socket: string;
  firstPaneId: string;
  /** Temp dir holding the socket and the isolated HOME/XDG dirs. */
  dir: string;
  /** Runs the emulated `wezterm` synchronously with this env (plus `env` overrides). */
  wezterm(args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): { stdout: string; stderr: string; status: number };
  /** Kills the tmux server and removes the temp dir. Safe to call twice. */
  cleanup(): Promise<void>;
}

const STRIPPED = ['TMUX', 'TMUX_PANE', 'WEZTERM_PANE', 'WEZTERM_UNIX_SOCKET', 'CMUX_WORKSPACE_ID', 'CMUX_SURFACE_ID', 'WORKMUX_BACKEND'];

export async function startWeztermEmulator(opts: WeztermEmulatorOptions = {}): Promise<WeztermEmulator> {
  // Short path: unix socket paths are limited to ~104 bytes.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wez-'));
  const socket = path.join(dir, 'sock');
  const home = path.join(dir, 'home');
  const runtime = path.join(dir, 'run');
  fs.mkdirSync(home);
  fs.mkdirSync(runtime, { mode: 0o700 });

  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of STRIPPED) delete base[name];
  const env: NodeJS.ProcessEnv = {
    ...base,
    PATH: `${EMULATOR_BIN_DIR}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    XDG_RUNTIME_DIR: runtime,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_STATE_HOME: path.join(home, '.local/state'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    SHELL: opts.shell ?? '/bin/sh',
    ...opts.env,
    WEZTERM_UNIX_SOCKET: socket,
  };
  let firstPaneId: string;
  try {
    firstPaneId = startServer({ socket, env, cwd: opts.cwd ?? env.HOME, workspace: opts.workspace ?? 'default' });
  } catch (error) {
    stopServer({ socket, env });
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  env.WEZTERM_PANE = firstPaneId;

  let cleaned = false;
  return {
    env,
    socket,
    firstPaneId,
    dir,
    wezterm(args, runOpts = {}) {
      const result = spawnSync('wezterm', args, { env: { ...env, ...runOpts.env }, input: runOpts.input ?? '', encoding: 'utf8', timeout: 20_000 });
      return { stdout: result.stdout ?? '', stderr: result.stderr ?? '', status: result.status ?? -1 };
    },
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      stopServer({ socket, env });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns something truthy (its value is returned) or throws after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
