import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { jsonOption, runCommand } from '../run-command.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('no text given', { hint: 'pass the text as an argument or pipe it on stdin' });
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const sendCommand: CommandModule<object, { name: string; text?: string; json?: boolean }> = {
  command: 'send <name> [text]',
  describe: 'type text into the worktree\'s agent pane and submit it (stdin when no text)',
  builder: (yargs: Argv) =>
    yargs
      .positional('name', { type: 'string', demandOption: true })
      .positional('text', { type: 'string' })
      .options(jsonOption)
      .example('workmux send feature-login "run the tests"', 'talk to the agent')
      .example('git diff | workmux send review', 'send stdin') as unknown as Argv<{ name: string; text?: string }>,
  handler: (args) =>
    runCommand(
      args,
      async (ctx) => {
        const text = args.text ?? (await readStdin());
        if (!text.trim()) throw new UsageError('refusing to send empty text');
        await (await import('../../workflows/tab-io.js')).sendToAgent(ctx, args.name, text);
        return { sent: true, chars: text.length };
      },
      () => undefined,
    ),
};

export const captureCommand: CommandModule<object, { name: string; lines?: number; json?: boolean }> = {
  command: 'capture <name>',
  describe: 'print what the worktree\'s agent pane shows',
  builder: (yargs: Argv) =>
    yargs
      .positional('name', { type: 'string', demandOption: true })
      .options({ lines: { alias: 'n', type: 'number', describe: 'include this many lines of scrollback' }, ...jsonOption })
      .example('workmux capture feature-login -n 100', 'last 100 lines') as unknown as Argv<{ name: string; lines?: number }>,
  handler: (args) =>
    runCommand(args, async (ctx) => (await import('../../workflows/tab-io.js')).captureAgent(ctx, args.name, args.lines), (text) => text.replace(/\n+$/, '')),
};
