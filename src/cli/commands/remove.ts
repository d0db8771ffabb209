import type { Argv, CommandModule } from 'yargs';
import { jsonOption, runCommand } from '../run-command.js';

interface RemoveArgs {
  names: string[];
  force?: boolean;
  keepBranch?: boolean;
  json?: boolean;
}

export const removeCommand: CommandModule<object, RemoveArgs> = {
  command: ['remove [names..]', 'rm'],
  describe: 'remove worktrees with their tabs and branches (refuses to lose work without --force)',
  builder: (yargs: Argv) =>
    yargs
      .positional('names', { type: 'string', array: true, describe: 'handles or branches (default: the worktree you are in)' })
      .options({
        force: { alias: 'f', type: 'boolean', describe: 'remove even with uncommitted changes or unmerged commits' },
        'keep-branch': { alias: 'k', type: 'boolean', describe: 'keep the branch' },
        ...jsonOption,
      })
      .example('workmux remove feature-login', 'after merging: tab, worktree and branch go')
      .example('workmux rm spike-1 spike-2 --force', 'discard experiments') as unknown as Argv<RemoveArgs>,
  handler: (args) =>
    runCommand(
      args,
      async (ctx) => (await import('../../workflows/remove.js')).removeWorktrees(ctx, { names: args.names ?? [], force: args.force, keepBranch: args.keepBranch }),
      (results) =>
        results
          .map((r) => `removed ${r.handle}: worktree${r.tabClosed ? (r.tabCloseDeferred ? ', tab (closing now)' : ', tab') : ''}${r.branchDeleted ? `, branch ${r.branch}` : ''}`)
          .join('\n'),
    ),
};
