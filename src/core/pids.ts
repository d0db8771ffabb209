import fs from 'node:fs';

/**
 * Whether a process with this pid is running. A zombie (exited, not yet reaped) is not: a detached watcher
 * is reparented to init, and an init that reaps slowly (containers, microVMs) would otherwise keep an exited
 * process "alive" for seconds — or for good. EPERM means it exists but belongs to someone else.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** Linux: the state field of /proc/<pid>/stat (after the command name, which may hold spaces and parens). */
function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false; // no /proc (macOS): kill(0) has the last word
  }
}
