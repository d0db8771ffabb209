import type { Argv, CommandModule } from 'yargs';
import { jsonOption, runCommand } from '../run-command.js';

export const stopCommand: CommandModule<object, { name?: string; json?: boolean }> = {
  command: 'stop [name]',
  describe: 'make the agent exit (its exit command, then Ctrl-C, then Ctrl-D); the tab stays with its shell',
  builder: (yargs: Argv) =>
    yargs
      .positional('name', { type: 'string', describe: 'handle or branch (default: the worktree you are in)' })
      .options(jsonOption)
      .example('workmux stop feature-login', 'Claude gets /exit, Codex Ctrl-C, Gemini /quit') as unknown as Argv<{ name?: string }>,
  handler: (args) =>
    runCommand(
      args,
      async (ctx) => (await import('../../workflows/stop.js')).stopAgent(ctx, args.name),
      (r) => (r.stopped ? `stopped the agent of ${r.handle} (${r.tier})` : `${r.handle} runs no agent started by workmux`),
    ),
};
