import type { Argv, CommandModule } from 'yargs';
import { jsonOption, runCommand } from '../run-command.js';
import { renderTable } from '../../ui/output.js';
import { colors } from '../../ui/colors.js';
import type { WorktreeListing } from '../../workflows/list.js';

export function renderListing(rows: WorktreeListing[]): string {
  if (rows.length === 0) return 'no worktrees yet — create one with `workmux add <branch>`';
  const c = colors();
  return renderTable(
    ['HANDLE', 'BRANCH', 'BASE', 'DIRTY', 'TAB', 'AGENT', 'PATH'],
    rows.map((r) => [
      c.bold(r.handle), r.branch ?? '(detached)', r.base ?? '-', r.dirty ? c.yellow('yes') : '-',
      r.tab ? c.green(`${r.tab} (${r.backend})`) : c.dim('-'), r.agent ?? '-', c.dim(r.path),
    ]),
  );
}

export const listCommand: CommandModule<object, { json?: boolean; all?: boolean }> = {
  command: ['list', 'ls'],
  describe: 'list worktrees with branch, base, dirty state, open tab and agent',
  builder: (yargs: Argv) =>
    yargs
      .options({ all: { type: 'boolean', describe: 'look for tabs in every session/workspace/window, not only the current one' }, ...jsonOption })
      .example('workmux list --json', 'machine-readable listing') as unknown as Argv<{ json?: boolean; all?: boolean }>,
  handler: (args) =>
    runCommand(args, async (ctx) => (await import('../../workflows/list.js')).listWorktrees(ctx, { allScopes: args.all }), renderListing),
};
