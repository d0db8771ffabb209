import { run } from './exec.js';
import { WorkmuxError } from './errors.js';

export interface HookEnv {
  WM_HANDLE: string;
  WM_BRANCH: string;
  WM_WORKTREE_PATH: string;
  WM_PROJECT_ROOT: string;
  [key: string]: string;
}

const HOOK_TIMEOUT_MS = 15 * 60_000;

/**
 * Runs configured hook commands one by one through `sh -c` — hooks are the one place where a shell is the
 * point. Stops at the first failure with its output.
 */
export async function runHooks(
  stage: string,
  commands: readonly string[],
  options: { cwd: string; env: HookEnv; baseEnv?: NodeJS.ProcessEnv; progress?: (line: string) => void },
): Promise<void> {
  for (const command of commands) {
    options.progress?.(`${stage}: ${command}`);
    const result = await run(['sh', '-c', command], {
      cwd: options.cwd,
      env: { ...(options.baseEnv ?? process.env), ...options.env },
      extendEnv: false,
      timeout: HOOK_TIMEOUT_MS,
      reject: false,
    });
    if (result.exitCode !== 0) {
      const output = `${result.stdout}${result.stderr}`.trim();
      throw new WorkmuxError(`${stage} hook failed (exit ${result.exitCode}${result.timedOut ? ', timed out' : ''}): ${command}`, {
        detail: output ? `--- hook output ---\n${output}` : undefined,
      });
    }
  }
}
