import { CommandError, formatArgv } from './errors.js';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Merge env over process.env (default) or replace it. */
  extendEnv?: boolean;
  input?: string;
  /** Milliseconds; every external call has one. */
  timeout?: number;
  /** Return the result instead of throwing on a non-zero exit. */
  reject?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  timedOut: boolean;
  /** The executable was not found (ENOENT): the tool is not installed or not on PATH. */
  notFound: boolean;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

const debugEnabled = () => process.env.WORKMUX_DEBUG === '1';

type ExecaModule = typeof import('execa');
let execaModule: Promise<ExecaModule> | undefined;
const loadExeca = () => (execaModule ??= import('execa'));

/**
 * The one runner every external command goes through: argv only (never a shell), a timeout,
 * argv logged when WORKMUX_DEBUG=1, failures as CommandError carrying argv, exit code and stderr.
 */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error('run: empty argv');
  const started = debugEnabled() ? performance.now() : 0;
  const { execa } = await loadExeca();
  const result = await execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: options.extendEnv ?? true,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
    reject: false,
    stripFinalNewline: false,
  });
  const out: RunResult = {
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    exitCode: result.exitCode ?? (result.timedOut ? 124 : 1),
    timedOut: Boolean(result.timedOut),
    notFound: (result as { code?: string }).code === 'ENOENT',
  };
  if (debugEnabled()) {
    const ms = (performance.now() - started).toFixed(1);
    process.stderr.write(`[workmux] ${formatArgv(argv)} → ${out.exitCode} (${ms} ms)\n`);
  }
  if ((out.exitCode !== 0 || out.timedOut) && options.reject !== false) {
    throw new CommandError(argv, { ...out, message: out.notFound ? `${file}: command not found` : result.message });
  }
  return out;
}

/** Runs and returns stdout without the final newline. */
export async function output(argv: readonly string[], options: RunOptions = {}): Promise<string> {
  return (await run(argv, options)).stdout.replace(/\n$/, '');
}
