/**
 * One watcher per user: a pid file in the runtime dir, created exclusively. A pid file whose process is gone
 * (a crash, a reboot) is stale and taken over.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runtimeDir } from '../../core/paths.js';
import { WorkmuxError } from '../../core/errors.js';
import { isProcessAlive } from '../../core/pids.js';

export function watcherPidFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(runtimeDir(env), 'watch.pid');
}

/** The pid of the running watcher, or undefined (a stale file is ignored). */
export function runningWatcherPid(file: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) ? pid : undefined;
}

/** SIGUSR1 asks a running watcher to look at the panes now (a new tab was opened). */
export const WAKE_SIGNAL = 'SIGUSR1';

/**
 * Tells the running watcher, if any, that a tab was opened, so it does not wait for its next quiet round.
 * SIGUSR1 would end an unrelated process that reused a stale pid, so the pid is only signalled when its
 * command line shows a workmux watcher (Linux /proc; elsewhere the watcher finds the tab on its own).
 */
export function wakeWatcher(env: NodeJS.ProcessEnv = process.env): void {
  const pid = runningWatcherPid(watcherPidFile(env));
  if (pid === undefined) return;
  let commandLine: string;
  try {
    commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return;
  }
  if (!/workmux/.test(commandLine) || !/\bwatch\b/.test(commandLine)) return;
  try {
    process.kill(pid, WAKE_SIGNAL);
  } catch {
    /* it exited meanwhile */
  }
}

export interface WatcherLock {
  readonly file: string;
  release(): void;
}

export function acquireWatcherLock(file: string, pid: number = process.pid): WatcherLock {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, `${pid}\n`);
      fs.closeSync(fd);
      return {
        file,
        release() {
          if (runningWatcherPid(file) === pid || readPid(file) === pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = runningWatcherPid(file);
      if (owner !== undefined && owner !== pid) {
        throw new WorkmuxError(`a watcher is already running (pid ${owner})`, { hint: 'stop it with `workmux watch --stop`' });
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new WorkmuxError(`cannot create the watcher lock ${file}`, { hint: 'remove the file if no watcher runs' });
}

function readPid(file: string): number | undefined {
  try {
    return Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
  } catch {
    return undefined;
  }
}
