import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UsageError } from '../core/errors.js';
import { reportError } from '../ui/output.js';
import { commands } from './commands/index.js';
import { GUIDE } from './guide.js';

/** `exitProcess: false`: --help and --version return instead of exiting (the snapshot's training runs). */
export async function main(argv: string[] = hideBin(process.argv), version = '0.0.0', options: { exitProcess?: boolean } = {}): Promise<void> {
  if (argv.length === 0) {
    process.stdout.write(GUIDE);
    return;
  }
  const json = argv.includes('--json');
  let parser = yargs(argv)
    .scriptName('workmux')
    .version(version)
    .strict()
    .demandCommand(1, 'name a command (see workmux --help)')
    .recommendCommands()
    // yargs' ESM build hard-wraps in the middle of words: let the terminal wrap whole lines instead.
    .wrap(null)
    .exitProcess(options.exitProcess ?? true)
    .fail((message, error) => {
      // yargs' own validation (unknown option, missing argument) → exit 2 with one line.
      throw error ?? new UsageError(message, { hint: 'see workmux --help' });
    });
  for (const command of commands) parser = parser.command(command);
  try {
    await parser.parseAsync();
  } catch (error) {
    process.exitCode = reportError(error, json);
  }
}
