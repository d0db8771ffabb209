import { spawn } from 'node:child_process';
import fs from 'node:fs';
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
/** After a timeout's SIGTERM, how long a process gets before SIGKILL. */
const KILL_GRACE_MS = 2_000;

const debugEnabled = () => process.env.WORKMUX_DEBUG === '1';

/**
 * The one runner every external command goes through: argv only (never a shell), a timeout, argv logged
 * when WORKMUX_DEBUG=1, failures as CommandError carrying argv, exit code and stderr.
 *
 * Built on node:child_process rather than execa: importing execa costs about as much CPU as starting Node
 * itself, which alone would break the start-up targets of `add` and `list` (see bench/cli.bench.mjs); this
 * runner needs none of what execa adds beyond spawn + timeout + collected output.
 */
export function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error('run: empty argv'));
  const started = debugEnabled() ? performance.now() : 0;
  const env = options.extendEnv === false ? options.env : options.env ? { ...process.env, ...options.env } : process.env;
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    const timeoutMs = options.timeout ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
    }, timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    if (options.input !== undefined) {
      child.stdin!.on('error', () => {}); // a process that exits without reading stdin is not our failure
      child.stdin!.end(options.input);
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: RunResult = {
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        exitCode: spawnError ? (spawnError.code === 'ENOENT' ? 127 : 126) : (code ?? (timedOut ? 124 : signal ? 128 : 1)),
        timedOut,
        notFound: spawnError?.code === 'ENOENT',
      };
      if (debugEnabled()) {
        const ms = (performance.now() - started).toFixed(1);
        // +N ms: when the command started, counted from process start (shows what waits on what).
        process.stderr.write(`[workmux] +${started.toFixed(0)} ms ${formatArgv(argv)} → ${result.exitCode}${timedOut ? ' (timed out)' : ''} (${ms} ms)\n`);
      }
      if ((result.exitCode !== 0 || timedOut) && options.reject !== false) {
        reject(new CommandError(argv, { ...result, message: spawnError?.message }));
      } else {
        resolve(result);
      }
    });
  });
}

/** Runs and returns stdout without the final newline. */
export async function output(argv: readonly string[], options: RunOptions = {}): Promise<string> {
  return (await run(argv, options)).stdout.replace(/\n$/, '');
}

/**
 * Whether `command` resolves to an executable on PATH, answered in-process (no `tool --version` round trip):
 * how backends tell "not installed" apart before anything is created.
 */
export function isOnPath(command: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const candidates = command.includes('/') ? [command] : (env.PATH ?? '').split(':').filter(Boolean).map((dir) => `${dir}/${command}`);
  return candidates.some((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
}
