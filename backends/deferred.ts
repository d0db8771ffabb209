import { spawn } from 'node:child_process';
import path from 'node:path';

/** A command calls closeTabDeferred as its last step, so it is gone well within this. */
export const DEFERRED_MAX_WAIT_MS = 3_000;

/**
 * Runs `argv` from a detached process once `pid` has exited (or after `maxWaitMs`, whichever comes first), so a
 * command can close the very tab it runs in without cutting itself off. Detached: a new session, so the tab's
 * hangup does not reach it. argv goes to sh as positional parameters, never into the script text.
 */
export function runAfterExit(argv: readonly string[], env: NodeJS.ProcessEnv, options: { pid?: number; maxWaitMs?: number } = {}): void {
  const ticks = Math.ceil((options.maxWaitMs ?? DEFERRED_MAX_WAIT_MS) / 100);
  const script =
    'pid=$1; ticks=$2; shift 2; n=0; ' +
    'while kill -0 "$pid" 2>/dev/null && [ "$n" -lt "$ticks" ]; do sleep 0.1; n=$((n + 1)); done; ' +
    'exec "$@"';
  const child = spawn('/bin/sh', ['-c', script, 'sh', String(options.pid ?? process.pid), String(ticks), ...argv], {
    env,
    detached: true,
    stdio: 'ignore',
    cwd: path.parse(process.cwd()).root,
  });
  child.unref();
}
