import type { Argv, CommandModule } from 'yargs';
import { jsonOption, runCommand } from '../run-command.js';
import { renderTable } from '../../ui/output.js';
import type { WorktreeListing } from '../../workflows/list.js';

export function renderListing(rows: WorktreeListing[]): string {
  if (rows.length === 0) return 'no worktrees yet — create one with `workmux add <branch>`';
  return renderTable(
    ['HANDLE', 'BRANCH', 'BASE', 'DIRTY', 'TAB', 'AGENT', 'PATH'],
    rows.map((r) => [r.handle, r.branch ?? '(detached)', r.base ?? '-', r.dirty ? 'yes' : '-', r.tab ? `${r.tab} (${r.backend})` : '-', r.agent ?? '-', r.path]),
  );
}

export const listCommand: CommandModule<object, { json?: boolean }> = {
  command: ['list', 'ls'],
  describe: 'list worktrees with branch, base, dirty state, open tab and agent',
  builder: (yargs: Argv) => yargs.options(jsonOption).example('workmux list --json', 'machine-readable listing') as unknown as Argv<{ json?: boolean }>,
  handler: (args) =>
    runCommand(args, async (ctx) => (await import('../../workflows/list.js')).listWorktrees(ctx), renderListing),
};
