import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UsageError } from '../core/errors.js';
import { reportError } from '../ui/output.js';
import { commands, earlyStarts } from './commands/index.js';
import { GUIDE } from './guide.js';

/** `exitProcess: false`: --help and --version return instead of exiting (the snapshot's training runs). */
export async function main(argv: string[] = hideBin(process.argv), version = '0.0.0', options: { exitProcess?: boolean } = {}): Promise<void> {
  if (argv.length === 0) {
    process.stdout.write(GUIDE);
    return;
  }
  if (Object.hasOwn(earlyStarts, argv[0]!)) earlyStarts[argv[0]!]!(argv.slice(1));
  const json = argv.includes('--json');
  const exitProcess = options.exitProcess ?? true;
  const parser = takePrebuiltParser(version, exitProcess) ?? buildParser(version, exitProcess);
  try {
    await parser.parseAsync(argv);
  } catch (error) {
    process.exitCode = reportError(error, json);
  }
}

function buildParser(version: string, exitProcess: boolean): Argv {
  let parser = yargs([])
    .scriptName('workmux')
    .version(version)
    .strict()
    .demandCommand(1, 'name a command (see workmux --help)')
    .recommendCommands()
    // yargs' ESM build hard-wraps in the middle of words: let the terminal wrap whole lines instead.
    .wrap(null)
    .exitProcess(exitProcess)
    .fail((message, error) => {
      // yargs' own validation (unknown option, missing argument) → exit 2 with one line.
      throw error ?? new UsageError(message, { hint: 'see workmux --help' });
    });
  for (const command of commands) parser = parser.command(command);
  skipHelpCache(parser);
  return parser;
}

/**
 * A parser built while the start-up snapshot is made, never used there: a run from the snapshot parses
 * with it instead of building its own (~2.5 ms: yargs' set-up and 20 command registrations). It holds
 * nothing about the build's environment that parsing reads — arguments are passed to `parseAsync`, the
 * locale is read when parsing, and the script name and version are set explicitly. Used once; a yargs
 * parser keeps state between parses.
 */
let prebuilt: { parser: Argv; version: string } | undefined;

export function prebuildParser(version: string): void {
  prebuilt = { parser: buildParser(version, true), version };
}

/** The prebuilt parser, once, for a run that exits when done (not the training runs). */
function takePrebuiltParser(version: string, exitProcess: boolean): Argv | undefined {
  const ready = prebuilt;
  prebuilt = undefined;
  return ready && exitProcess && ready.version === version ? ready.parser : undefined;
}

/**
 * yargs renders a command's whole help text right after starting its handler (`cacheHelpMessage`), to show
 * it should the handler fail later. Ours never shows help on a failure (`.fail` above throws, and
 * `reportError` prints one line), so that rendering — ~2.5 ms on every command, before the handler's first
 * process can even start — is skipped. `--help` renders on demand as before.
 */
function skipHelpCache(parser: unknown): void {
  const internal = (parser as { getInternalMethods?: () => { getUsageInstance(): { cacheHelpMessage: () => void } } }).getInternalMethods?.();
  if (internal) internal.getUsageInstance().cacheHelpMessage = () => undefined;
}
