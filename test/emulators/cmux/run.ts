/** Small helpers for tests that drive the cmux emulator directly. */
import { execFile } from 'node:child_process';
import { cmuxEmulatorPath } from './harness.js';

export interface CmuxAnswer {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the emulator and returns its exit code and output (never rejects on a non-zero exit). */
export function runCmux(env: NodeJS.ProcessEnv, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CmuxAnswer> {
  return new Promise((resolve) => {
    execFile(cmuxEmulatorPath, args, { env: { ...env, ...extraEnv }, timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Polls `probe` until it returns a truthy value (returned) or `timeoutMs` passes (throws with the last value). */
export async function waitFor<T>(probe: () => Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
