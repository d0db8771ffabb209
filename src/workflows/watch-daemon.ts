/**
 * `watch --daemon` / `watch --stop`: the watcher as a detached background process with its pid in the lock
 * file (one per user) and its output in $XDG_STATE_HOME/workmux/watch.log.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stateDir } from '../core/paths.js';
import { WorkmuxError } from '../core/errors.js';
import { isProcessAlive } from '../core/pids.js';
import { runningWatcherPid, watcherPidFile } from '../engine/observe/watcher-lock.js';

export function watchLogFile(env: NodeJS.ProcessEnv): string {
  return path.join(stateDir(env), 'watch.log');
}

export interface DaemonStarted {
  pid: number;
  log: string;
}

/**
 * Starts `argv` (the foreground `workmux watch ...` command line) detached and waits until it holds the lock.
 * Not through core/exec's runner: that one is for commands that finish; this process is meant to outlive us.
 */
export async function startWatchDaemon(
  argv: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; readyTimeoutMs?: number },
): Promise<DaemonStarted> {
  const pidFile = watcherPidFile(options.env);
  const running = runningWatcherPid(pidFile);
  if (running !== undefined) throw new WorkmuxError(`a watcher is already running (pid ${running})`, { hint: 'stop it with `workmux watch --stop`' });
  const log = watchLogFile(options.env);
  fs.mkdirSync(path.dirname(log), { recursive: true, mode: 0o700 });
  const logFd = fs.openSync(log, 'a', 0o600);
  const [file, ...args] = argv;
  const child = spawn(file!, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  let exitCode: number | null = null;
  child.on('exit', (code) => (exitCode = code ?? 1));
  child.unref();
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    if (runningWatcherPid(pidFile) === child.pid) return { pid: child.pid!, log };
    if (exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
  throw new WorkmuxError('the background watcher did not start', { hint: `see ${log}`, detail: lastLines(log, 10) });
}

export interface DaemonStopped {
  stopped: boolean;
  pid: number | null;
}

/** Sends SIGTERM to the running watcher and waits for it to go. */
export async function stopWatchDaemon(env: NodeJS.ProcessEnv, timeoutMs = 10_000): Promise<DaemonStopped> {
  const pid = runningWatcherPid(watcherPidFile(env));
  if (pid === undefined) return { stopped: false, pid: null };
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) throw new WorkmuxError(`the watcher (pid ${pid}) did not stop within ${timeoutMs / 1000} s`, { hint: `kill ${pid}` });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { stopped: true, pid };
}

function lastLines(file: string, count: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '';
  }
}
