/**
 * Starts a private cmux emulator "app" (a real tmux server at a temp socket) holding one window with one
 * workspace, and returns an environment that looks like a shell inside that workspace.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const emulatorBinDir = fileURLToPath(new URL('../bin', import.meta.url));
export const cmuxEmulatorPath = path.join(emulatorBinDir, 'cmux');

export interface CmuxEmulator {
  /** PATH with the emulator first, isolated HOME/XDG dirs, CMUX_SOCKET_PATH and the first workspace's CMUX_* ids. */
  env: NodeJS.ProcessEnv;
  socket: string;
  dir: string;
  windowId: string;
  workspaceId: string;
  surfaceId: string;
  /** Runs the emulator with `env` (plus `extraEnv`) and returns stdout; rejects on a non-zero exit. */
  cmux(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<string>;
  /** Runs tmux against the emulator's private server. */
  tmux(args: string[]): Promise<string>;
  cleanup(): Promise<void>;
}

export interface CmuxEmulatorOptions {
  /** The app's socket access mode (`cmuxOnly` = the real default; the harness defaults to `automation`). */
  socketMode?: 'cmuxOnly' | 'automation';
  /** Extra variables for `env` (emulator knobs such as CMUX_EMULATOR_DROP_BACKGROUND_SENDS). */
  env?: NodeJS.ProcessEnv;
}

export async function startCmuxEmulator(options: CmuxEmulatorOptions = {}): Promise<CmuxEmulator> {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'workmux-cmux-')));
  const socket = path.join(dir, 'cmux.sock');
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${emulatorBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_STATE_HOME: path.join(home, '.local/state'),
    XDG_RUNTIME_DIR: path.join(dir, 'run'),
    SHELL: '/bin/sh',
    PS1: '$ ',
    CMUX_SOCKET_PATH: socket,
    ...options.env,
  };
  for (const name of ['TMUX', 'TMUX_PANE', 'WEZTERM_PANE', 'CMUX_WORKSPACE_ID', 'CMUX_SURFACE_ID', 'CMUX_EMULATOR_LOG']) {
    if (!options.env || !(name in options.env)) delete env[name];
  }
  fs.mkdirSync(env.XDG_RUNTIME_DIR!, { recursive: true, mode: 0o700 });
  const cmux = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    (await execFileAsync(cmuxEmulatorPath, args, { env: { ...env, ...extraEnv }, timeout: 15_000 })).stdout;
  const tmux = async (args: string[]) => (await execFileAsync('tmux', ['-S', socket, ...args], { env, timeout: 15_000 })).stdout;

  const booted = JSON.parse(await cmux(['__boot', '--cwd', home], { CMUX_EMULATOR_SOCKET_MODE: options.socketMode ?? 'automation' }));
  env.CMUX_WORKSPACE_ID = booted.workspace_id;
  env.CMUX_SURFACE_ID = booted.surface_id;
  return {
    env, socket, dir, cmux, tmux,
    windowId: booted.window_id,
    workspaceId: booted.workspace_id,
    surfaceId: booted.surface_id,
    async cleanup() {
      await tmux(['kill-server']).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
