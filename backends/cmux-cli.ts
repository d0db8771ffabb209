/**
 * The `cmux` CLI as the cmux backend uses it: binary resolution, one runner with a timeout, and `ERROR:` /
 * `Error:` answers turned into one-line WorkmuxErrors that say how to fix the problem.
 */
import fs from 'node:fs';
import path from 'node:path';
import { run, type RunResult } from '../src/core/exec.js';
import { WorkmuxError, formatArgv } from '../src/core/errors.js';
import { expandHome } from '../src/core/paths.js';

export const DEFAULT_CMUX_BINARY = '/Applications/cmux.app/Contents/Resources/bin/cmux';
export const CMUX_CALL_TIMEOUT_MS = 10_000;

const isExecutableFile = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

function findOnPath(name: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    if (dir && isExecutableFile(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/**
 * The configured path when set (no fallback: the user asked for it); otherwise the app bundle's CLI, then `cmux`
 * on PATH. `shown` is the path an error message names.
 */
export function resolveCmuxBinary(configured: string | undefined, env: NodeJS.ProcessEnv): { binary?: string; shown: string } {
  if (configured) {
    const file = expandHome(configured, env);
    return { binary: isExecutableFile(file) ? file : undefined, shown: file };
  }
  if (isExecutableFile(DEFAULT_CMUX_BINARY)) return { binary: DEFAULT_CMUX_BINARY, shown: DEFAULT_CMUX_BINARY };
  return { binary: findOnPath('cmux', env.PATH), shown: DEFAULT_CMUX_BINARY };
}

export function binaryNotFound(shown: string, detail?: string): WorkmuxError {
  return new WorkmuxError(`cmux binary not found at ${shown}; set cmux.binary_path`, {
    hint: 'install cmux (https://cmux.com), or point cmux.binary_path at its CLI (cmux.app/Contents/Resources/bin/cmux)',
    detail,
  });
}

export function accessDenied(detail: string): WorkmuxError {
  return new WorkmuxError('cmux refused the connection: its socket only admits processes started inside cmux', {
    hint: 'run workmux from a cmux terminal, or set the cmux socket access mode to "automation" in cmux settings',
    detail,
  });
}

/** The `Error:`/`ERROR:` line of a failed answer (else its first line), without those prefixes. */
export function cmuxErrorMessage(result: Pick<RunResult, 'stdout' | 'stderr'>): string {
  const lines = `${result.stderr}\n${result.stdout}`.split('\n').map((line) => line.trim()).filter(Boolean);
  const line = lines.find((l) => /^(Error|ERROR):/.test(l)) ?? lines[0] ?? 'no output';
  return line.replace(/^(Error:\s*)?(ERROR:\s*)?/, '');
}

const GLOBAL_WITH_VALUE = new Set(['--id-format', '--socket', '--password', '--window']);

/** The command of an argv for messages: `set-status`, `workspace create`. */
function verbOf(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (GLOBAL_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg === 'workspace' && args[i + 1] ? `${arg} ${args[i + 1]}` : arg;
  }
  return args[0] ?? '';
}

export class CmuxCli {
  constructor(
    private readonly binary: () => string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly timeoutMs = CMUX_CALL_TIMEOUT_MS,
  ) {}

  /** Runs `cmux ...args`; returns stdout (final newline removed) or throws a one-line WorkmuxError. */
  async call(args: readonly string[]): Promise<string> {
    const argv = [this.binary(), ...args];
    const result = await run(argv, { env: { ...this.env, CMUX_QUIET: '1' }, extendEnv: false, timeout: this.timeoutMs, reject: false });
    const failed = result.exitCode !== 0 || result.timedOut || /^ERROR:/.test(result.stdout.trimStart());
    if (!failed) return result.stdout.replace(/\n$/, '');
    const detail = `command: ${formatArgv(argv)}\n${result.stderr}${result.stdout}`.trim();
    if (result.timedOut) {
      throw new WorkmuxError(`cmux ${verbOf(args)} timed out after ${this.timeoutMs} ms`, {
        hint: 'check that the cmux app is running and responsive', detail,
      });
    }
    const message = cmuxErrorMessage(result);
    if (/access denied|broken pipe/i.test(message)) throw accessDenied(detail);
    if (/(workspace|surface|window|pane) not found/i.test(message)) {
      throw new WorkmuxError(`cmux ${verbOf(args)}: ${message}`, {
        hint: 'it was closed outside workmux; `workmux list` shows what is left, `workmux open <name>` reopens a tab', detail,
      });
    }
    throw new WorkmuxError(`cmux ${verbOf(args)} failed: ${message}`, { detail });
  }

  async json<T>(args: readonly string[]): Promise<T> {
    const text = await this.call(args);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new WorkmuxError(`cmux ${verbOf(args)} returned something that is not JSON`, { detail: text.slice(0, 2000) });
    }
  }
}
