import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { jsonOption, runCommand } from '../run-command.js';
import type { BulkRemovePlan, RemoveResult, SkippedWorktree } from '../../workflows/remove.js';

interface RemoveArgs {
  names: string[];
  force?: boolean;
  keepBranch?: boolean;
  gone?: boolean;
  all?: boolean;
  yes?: boolean;
  json?: boolean;
}

interface BulkOutcome {
  removed: RemoveResult[];
  skipped: SkippedWorktree[];
  cancelled: boolean;
}

const describeRemoved = (r: RemoveResult) =>
  `removed ${r.handle}: worktree${r.tabClosed ? (r.tabCloseDeferred ? ', tab (closing now)' : ', tab') : ''}${r.branchDeleted ? `, branch ${r.branch}` : ''}`;

const describeSkipped = (s: SkippedWorktree) => `skipped ${s.handle}: ${s.reason} (--force removes it anyway)`;

/** y/N on the terminal (stderr, so --json output stays clean). */
async function confirmed(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function confirmationQuestion(plan: BulkRemovePlan): string {
  const lines = [`remove ${plan.remove.length} worktree${plan.remove.length === 1 ? '' : 's'} with their tabs and branches:`];
  for (const wt of plan.remove) lines.push(`  ${wt.handle}  ${wt.path}`);
  for (const skipped of plan.skipped) lines.push(`  (${describeSkipped(skipped)})`);
  return `${lines.join('\n')}\nproceed? [y/N] `;
}

function renderBulk(outcome: BulkOutcome, what: string): string {
  const lines = outcome.cancelled ? ['cancelled: nothing was removed'] : outcome.removed.map(describeRemoved);
  lines.push(...outcome.skipped.map(describeSkipped));
  return lines.length ? lines.join('\n') : `no ${what}: nothing to remove`;
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
        gone: { type: 'boolean', describe: 'after `git fetch --prune`: every worktree whose upstream branch was deleted (a merged PR)' },
        all: { type: 'boolean', describe: 'every worktree (asks first on a terminal); dirty or unmerged ones are skipped' },
        yes: { alias: 'y', type: 'boolean', describe: 'do not ask before --all' },
        ...jsonOption,
      })
      .conflicts('gone', 'all')
      .example('workmux remove feature-login', 'after merging: tab, worktree and branch go')
      .example('workmux rm spike-1 spike-2 --force', 'discard experiments')
      .example('workmux remove --gone', 'clean up after pull requests were merged and their branches deleted')
      .example('workmux remove --all --yes', 'everything that would not lose work') as unknown as Argv<RemoveArgs>,
  handler: (args) => {
    if (!args.gone && !args.all) {
      return runCommand(
        args,
        async (ctx) => (await import('../../workflows/remove.js')).removeWorktrees(ctx, { names: args.names ?? [], force: args.force, keepBranch: args.keepBranch }),
        (results) => results.map(describeRemoved).join('\n'),
      );
    }
    return runCommand(
      args,
      async (ctx): Promise<BulkOutcome> => {
        if (args.names?.length) throw new UsageError(`name worktrees or use --${args.gone ? 'gone' : 'all'}, not both`);
        const remove = await import('../../workflows/remove.js');
        const options = { force: args.force, keepBranch: args.keepBranch };
        const plan = args.gone ? await remove.planRemoveGone(ctx, options) : await remove.planRemoveAll(ctx, options);
        const ask = args.all && !args.yes && plan.remove.length > 0 && process.stdin.isTTY;
        if (ask && !(await confirmed(confirmationQuestion(plan)))) return { removed: [], skipped: plan.skipped, cancelled: true };
        return { ...(await remove.removePlanned(ctx, plan, options)), cancelled: false };
      },
      (outcome) => renderBulk(outcome, args.gone ? 'worktrees with a deleted upstream' : 'worktrees'),
    );
  },
};
