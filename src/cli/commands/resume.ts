import type { Argv, CommandModule } from 'yargs';
import { jsonOption, runCommand } from '../run-command.js';

export const resumeCommand: CommandModule<object, { name: string; json?: boolean }> = {
  command: 'resume <name>',
  describe: 'restart a stopped agent (e.g. after a usage limit) with the resume id a rule recorded',
  builder: (yargs: Argv) =>
    yargs
      .positional('name', { type: 'string', demandOption: true })
      .options(jsonOption)
      .example('workmux resume feature-login', 'types `codex resume <id>` into the tab the agent ran in') as unknown as Argv<{ name: string }>,
  handler: (args) =>
    runCommand(
      args,
      async (ctx) => {
        const { agentPaneOf } = await import('../../workflows/tab-io.js');
        const { resumeAgent } = await import('../../engine/resume.js');
        const paneId = await agentPaneOf(ctx, args.name);
        const record = await resumeAgent({ backend: await ctx.backend(), store: await ctx.store(), paneId, handle: args.name });
        return { resumed: true, pane: paneId, session: record.session, command: record.command };
      },
      (r) => `resumed in ${r.pane}: ${r.command}`,
    ),
};
