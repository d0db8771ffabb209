import type { Argv, CommandModule } from 'yargs';
import { jsonOption, runCommand } from '../run-command.js';
import type { MergeSummary } from '../../workflows/merge.js';

interface MergeArgs {
  name?: string;
  into?: string;
  rebase?: boolean;
  squash?: boolean;
  keep?: boolean;
  verify?: boolean;
  hooks?: boolean;
  ignoreUncommitted?: boolean;
  message?: string;
  json?: boolean;
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge [name]',
  describe: 'land a worktree\'s branch on its base (merge, rebase or squash), then remove tab, worktree and branch',
  builder: (yargs: Argv) =>
    yargs
      .positional('name', { type: 'string', describe: 'handle or branch (default: the worktree you are in)' })
      .options({
        into: { type: 'string', describe: 'target branch (default: the branch it was created from, else the main branch)' },
        rebase: { type: 'boolean', describe: 'rebase onto the target, then fast-forward it' },
        squash: { type: 'boolean', describe: 'one commit on the target listing the squashed subjects' },
        keep: { alias: 'k', type: 'boolean', describe: 'keep tab, worktree and branch afterwards' },
        verify: { type: 'boolean', default: true, describe: 'run git commit hooks (--no-verify skips them)' },
        hooks: { type: 'boolean', default: true, describe: 'run workmux pre_merge/pre_remove hooks (--no-hooks skips them)' },
        'ignore-uncommitted': { type: 'boolean', describe: 'land what is committed even if the worktree has uncommitted changes (the worktree is then kept)' },
        message: { alias: 'm', type: 'string', describe: 'message of the merge or squash commit' },
        ...jsonOption,
      })
      .conflicts('rebase', 'squash')
      .example('workmux merge', 'from inside the worktree: land it on its base and clean up')
      .example('workmux merge feature-login --squash -m "Add login"', 'one commit on the base')
      .example('workmux merge fix-1 --into release --rebase --keep', 'rebase onto release, keep the worktree')
      .epilog(
        'The merge runs in the worktree that has the target checked out; when none has, in a temporary checkout ' +
          '(rebase: the target is fast-forwarded with update-ref), so no checkout of yours switches branches. ' +
          'On a conflict everything is put back as it was and the conflicting files are named (exit 1).',
      ) as unknown as Argv<MergeArgs>,
  handler: (args) =>
    runCommand(
      args,
      async (ctx): Promise<MergeSummary & { notes?: string[] }> => {
        const { mergeWorktree } = await import('../../workflows/merge.js');
        const outcome = await mergeWorktree(ctx, {
          name: args.name,
          into: args.into,
          strategy: args.rebase ? 'rebase' : args.squash ? 'squash' : undefined,
          keep: args.keep,
          noVerify: args.verify === false,
          noHooks: args.hooks === false,
          ignoreUncommitted: args.ignoreUncommitted,
          message: args.message,
        });
        const { branch, target, strategy, commits, cleaned } = outcome;
        return args.json ? { branch, target, strategy, commits, cleaned } : outcome;
      },
      (r) =>
        [
          `${r.commits ? `landed ${r.branch} on ${r.target} (${r.strategy}, ${r.commits} commit${r.commits === 1 ? '' : 's'})` : `${r.branch} was already in ${r.target}`}` +
            (r.cleaned ? '; removed its tab, worktree and branch' : ''),
          ...(r.notes ?? []),
        ].join('\n'),
    ),
};
