import type { Argv, CommandModule } from 'yargs';
import { jsonOption, runCommand } from '../run-command.js';

/** open / close / path: commands about one worktree's tab. */

interface NameArgs {
  name?: string;
  json?: boolean;
}

export const openCommand: CommandModule<object, NameArgs & { agent?: string; prompt?: string; background?: boolean }> = {
  command: 'open [name]',
  describe: 'focus the worktree\'s tab, or open it again (and start the agent) when it is closed',
  builder: (yargs: Argv) =>
    yargs
      .positional('name', { type: 'string', describe: 'handle or branch (default: the worktree you are in)' })
      .options({
        agent: { alias: 'a', type: 'string', describe: 'agent to start when the tab is re-created' },
        prompt: { alias: 'p', type: 'string', describe: 'prompt for a re-created agent' },
        background: { alias: 'b', type: 'boolean', describe: 'do not switch to the tab' },
        ...jsonOption,
      })
      .example('workmux open feature-login', 'jump to (or re-create) the tab') as unknown as Argv<NameArgs>,
  handler: (args) =>
    runCommand(
      args,
      async (ctx) => {
        const { resolveWorktree } = await import('../../workflows/worktrees.js');
        const { openWorktree } = await import('../../workflows/open.js');
        const worktree = await resolveWorktree(ctx, args.name);
        const started = await openWorktree(ctx, worktree, { agent: args.agent, prompt: args.prompt, background: args.background });
        return { handle: worktree.handle, tab: started.tab.name, attachHint: started.attachHint ?? null };
      },
      (r) => [`opened ${r.tab}`, r.attachHint].filter(Boolean).join('\n'),
    ),
};

export const closeCommand: CommandModule<object, NameArgs> = {
  command: 'close [name]',
  describe: 'close the worktree\'s tab and keep the worktree',
  builder: (yargs: Argv) =>
    yargs.positional('name', { type: 'string', describe: 'handle or branch (default: the worktree you are in)' }).options(jsonOption)
      .example('workmux close feature-login', 'close the tab; `workmux open` brings it back') as unknown as Argv<NameArgs>,
  handler: (args) =>
    runCommand(
      args,
      async (ctx) => {
        const { resolveWorktree } = await import('../../workflows/worktrees.js');
        const { closeWorktreeTab } = await import('../../workflows/cleanup.js');
        const worktree = await resolveWorktree(ctx, args.name);
        const closed = await closeWorktreeTab(ctx, worktree);
        return { handle: worktree.handle, closed: closed.tab !== undefined, deferred: closed.deferred };
      },
      (r) => (r.closed ? `closed the tab of ${r.handle}${r.deferred ? ' (as soon as this command exits)' : ''}` : `${r.handle} had no open tab`),
    ),
};

export const pathCommand: CommandModule<object, NameArgs> = {
  command: 'path [name]',
  describe: 'print the worktree\'s path',
  builder: (yargs: Argv) =>
    yargs.positional('name', { type: 'string', describe: 'handle or branch' }).options(jsonOption)
      .example('cd "$(workmux path feature-login)"', 'go to a worktree') as unknown as Argv<NameArgs>,
  handler: (args) =>
    runCommand(
      args,
      async (ctx) => (await (await import('../../workflows/worktrees.js')).resolveWorktree(ctx, args.name)).path,
      (path) => path,
    ),
};
