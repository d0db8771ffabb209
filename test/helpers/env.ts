import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach } from 'vitest';

/** Repository root of workmux itself (for bin/workmux). */
export const WORKMUX_ROOT = path.resolve(import.meta.dirname, '../..');
export const WORKMUX_BIN = path.join(WORKMUX_ROOT, 'bin', 'workmux');

export interface TestEnv {
  dir: string;
  home: string;
  /** Unique tmux socket name (`tmux -L`) of this test's embedded workmux server. */
  socket: string;
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

const MULTIPLEXER_VARS = ['TMUX', 'TMUX_PANE', 'WEZTERM_PANE', 'WEZTERM_UNIX_SOCKET', 'CMUX_WORKSPACE_ID', 'CMUX_SURFACE_ID', 'CMUX_SOCKET_PATH', 'WORKMUX_BACKEND'];

/**
 * An isolated world for one test: temp dir, its own HOME and XDG dirs, a git identity, and a unique tmux
 * socket for workmux's embedded server. cleanup() kills that server and deletes everything.
 */
export async function makeTestEnv(): Promise<TestEnv> {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wm-test-')));
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(path.join(home, '.gitconfig'), '[user]\n\tname = Test\n\temail = test@example.invalid\n[init]\n\tdefaultBranch = main\n');
  // A quiet, predictable login shell: no distro profile noise in captured screens.
  fs.writeFileSync(path.join(home, '.bash_profile'), 'PS1="$ "\n');
  const socket = `wm-${process.pid}-${path.basename(dir).slice(-6)}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of MULTIPLEXER_VARS) delete env[name];
  Object.assign(env, {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    XDG_RUNTIME_DIR: path.join(dir, 'run'),
    SHELL: '/bin/bash',
    GIT_CONFIG_NOSYSTEM: '1',
    WORKMUX_TMUX_SOCKET: socket,
    NO_COLOR: '1',
    HISTFILE: '/dev/null',
  });
  fs.mkdirSync(env.XDG_RUNTIME_DIR!, { recursive: true, mode: 0o700 });
  return {
    dir,
    home,
    socket,
    env,
    async cleanup() {
      await killTmuxServer(socket, env);
      // Shells killed with the server may still be exiting (writing history): retry the delete.
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/** A git repository with one commit on main. */
export async function makeRepo(t: TestEnv, name = 'proj'): Promise<string> {
  const repo = path.join(t.dir, name);
  fs.mkdirSync(repo);
  await git(t, repo, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(repo, 'README.md'), '# test\n');
  await git(t, repo, 'add', '.');
  await git(t, repo, 'commit', '-q', '-m', 'initial');
  return repo;
}

export async function git(t: TestEnv, cwd: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd, env: t.env })).stdout;
}

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs the built CLI through its launcher (bin/workmux: start-up snapshot, else bin/workmux.js) as a user would. */
export async function workmux(t: TestEnv, cwd: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  const result = await execa(WORKMUX_BIN, args, {
    cwd,
    env: { ...t.env, ...options.env },
    extendEnv: false,
    input: options.input,
    reject: false,
    timeout: 60_000,
  });
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? -1 };
}

/** tmux on this test's private socket. */
export async function tmux(t: TestEnv, ...args: string[]): Promise<string> {
  return (await execa('tmux', ['-L', t.socket, ...args], { env: t.env })).stdout;
}

/** Polls until `check` returns a truthy value, or throws with the last value after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, intervalMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${lastError}` : ''}`);
}

/** Gives every test of the file a fresh isolated world with a repository, and tears it down after. */
export function useTestRepo(receive: (world: { t: TestEnv; repo: string }) => void): void {
  let current: TestEnv | undefined;
  beforeEach(async () => {
    current = await makeTestEnv();
    receive({ t: current, repo: await makeRepo(current) });
  });
  afterEach(async () => current?.cleanup());
}

/** Kills a private tmux server (`-L socket`) and removes its socket file, which tmux leaves behind. */
export async function killTmuxServer(socket: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await execa('tmux', ['-L', socket, 'kill-server'], { reject: false, env });
  fs.rmSync(path.join(env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
}
