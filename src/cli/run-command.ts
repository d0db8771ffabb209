import type { WorkmuxContext } from '../workflows/context.js';
import { printJson, reportError } from '../ui/output.js';

export interface CommonArgs {
  json?: boolean;
}

/**
 * Shared body of every command handler: build the collaborators, run the workflow, render the result
 * (JSON envelope with --json), turn errors into one line and an exit code. Heavy modules load here, lazily,
 * so `workmux --help` and `--version` stay fast.
 */
export async function runCommand<T>(
  args: CommonArgs,
  work: (ctx: WorkmuxContext) => Promise<T>,
  render: (result: T) => string | undefined,
  options: { anywhere?: boolean } = {},
): Promise<void> {
  const json = Boolean(args.json);
  if (process.env.WORKMUX_DEBUG === '1') process.stderr.write(`[workmux] +${performance.now().toFixed(1)} ms arguments parsed, command starts\n`);
  try {
    const { createContext } = await import('../workflows/context.js');
    const ctx = await createContext({ anywhere: options.anywhere, progress: json ? undefined : (line) => process.stderr.write(`· ${line}\n`) });
    const result = await work(ctx);
    if (json) printJson(result);
    else {
      const text = render(result);
      if (text) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  } catch (error) {
    process.exitCode = reportError(error, json);
  }
}

export const jsonOption = { json: { type: 'boolean', describe: 'print a JSON envelope {ok, data} for scripts and agents' } } as const;
