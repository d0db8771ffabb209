import fs from 'node:fs';
import path from 'node:path';
import { WorkmuxError } from '../core/errors.js';
import { isProcessAlive } from '../core/pids.js';

const POLL_MS = 15;

function holderIsAlive(lockFile: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(lockFile, 'utf8').trim());
  } catch {
    return false; // released meanwhile
  }
  if (!Number.isInteger(pid) || pid <= 0) return true; // being written right now: treat as held
  return isProcessAlive(pid);
}

/**
 * Serialises writes to shared repository state (`.git/config`, `info/exclude`) between concurrent
 * workmux processes. git's own `config.lock` makes a second writer fail instead of wait; this waits.
 * A lock left by a dead process is taken over.
 */
export async function withFileLock<T>(lockFile: string, fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!holderIsAlive(lockFile)) {
        // Rename first so two waiters cannot both remove a fresh lock taken in between.
        const stale = `${lockFile}.stale-${process.pid}`;
        try {
          fs.renameSync(lockFile, stale);
          fs.rmSync(stale, { force: true });
        } catch {
          /* another waiter took it over first */
        }
        continue;
      }
      if (Date.now() > deadline) {
        throw new WorkmuxError(`timed out waiting for the lock ${lockFile}`, {
          hint: `another workmux process holds it; if none is running, delete ${path.basename(lockFile)}`,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}
