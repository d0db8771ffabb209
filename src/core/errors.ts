/** Exit codes: 1 = the operation failed, 2 = usage or configuration error. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface WorkmuxErrorOptions {
  /** What the user can do about it, shown after the message. */
  hint?: string;
  exitCode?: number;
  cause?: unknown;
  /** Extra detail (a failed command's stderr, a hook's output) shown below the one-line message. */
  detail?: string;
}

/** An error a user can act on: one line naming the problem, plus the fix. */
export class WorkmuxError extends Error {
  readonly hint?: string;
  readonly exitCode: number;
  readonly detail?: string;

  constructor(message: string, options: WorkmuxErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'WorkmuxError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT_FAILURE;
    this.detail = options.detail;
  }
}

/** A usage or configuration problem (exit code 2). */
export class UsageError extends WorkmuxError {
  constructor(message: string, options: Omit<WorkmuxErrorOptions, 'exitCode'> = {}) {
    super(message, { ...options, exitCode: EXIT_USAGE });
    this.name = 'UsageError';
  }
}

/** An external command failed. Carries argv, exit code and stderr for debug output. */
export class CommandError extends WorkmuxError {
  readonly argv: readonly string[];
  readonly exitCodeOfCommand: number | undefined;
  readonly stderr: string;
  readonly stdout: string;
  readonly timedOut: boolean;
  /** The executable itself was not found. */
  readonly notFound: boolean;

  constructor(
    argv: readonly string[],
    result: { exitCode?: number; stderr: string; stdout: string; timedOut?: boolean; notFound?: boolean; message?: string },
  ) {
    const firstLine = result.notFound
      ? `${argv[0]}: command not found`
      : (result.stderr.trim().split('\n').filter(Boolean).pop() ?? result.message ?? 'failed');
    const what = result.timedOut ? 'timed out' : `failed (exit ${result.exitCode ?? '?'})`;
    super(`${argv[0]} ${what}: ${firstLine}`, { detail: `command: ${formatArgv(argv)}\n${result.stderr}`.trim() });
    this.notFound = result.notFound ?? false;
    this.name = 'CommandError';
    this.argv = argv;
    this.exitCodeOfCommand = result.exitCode;
    this.stderr = result.stderr;
    this.stdout = result.stdout;
    this.timedOut = result.timedOut ?? false;
  }
}

/** Renders argv for a human (debug output), quoting what a shell would split. Never executed. */
export function formatArgv(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
