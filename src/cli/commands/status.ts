import type { Argv, CommandModule } from 'yargs';
import { jsonOption, runCommand } from '../run-command.js';
import { renderStatusReport } from '../../ui/watch-render.js';

export const statusCommand: CommandModule<object, { all?: boolean; json?: boolean }> = {
  command: 'status',
  describe: 'agent tabs with their state (working/waiting/idle/exited) as the watcher sees them',
  builder: (yargs: Argv) =>
    yargs
      .options({ all: { type: 'boolean', describe: 'include closed tabs' }, ...jsonOption })
      .example('workmux status --json', 'for scripts and agents') as unknown as Argv<{ all?: boolean; json?: boolean }>,
  handler: (args) =>
    runCommand(args, async (ctx) => (await import('../../workflows/agent-status.js')).agentStatus(ctx, { all: args.all }), (report) =>
      renderStatusReport(report),
      { anywhere: true },
    ),
};
