import type { Argv, CommandModule } from 'yargs';
import { jsonOption, runCommand } from '../run-command.js';

export const trustCommand: CommandModule<object, { revoke?: boolean; json?: boolean }> = {
  command: 'trust',
  describe: 'allow the commands in this project\'s config (agents, hooks, pane commands) to run',
  builder: (yargs: Argv) =>
    yargs
      .options({ revoke: { type: 'boolean', describe: 'forget the trust' }, ...jsonOption })
      .example('workmux trust', 'after reviewing workmux.config.yaml') as unknown as Argv<{ revoke?: boolean }>,
  handler: (args) =>
    runCommand(
      args,
      async (ctx) => {
        const { recordTrust } = await import('../../config/trust.js');
        const { projectFile, projectCommandKeys, projectCommandsFingerprint } = ctx.config.sources;
        if (!projectFile) return { file: null, keys: [], trusted: false };
        recordTrust(projectFile, args.revoke ? undefined : projectCommandsFingerprint, ctx.env);
        return { file: projectFile, keys: projectCommandKeys, trusted: !args.revoke };
      },
      (r) =>
        !r.file ? 'no project config here: nothing to trust'
        : r.keys.length === 0 ? `${r.file} runs no commands: nothing to trust`
        : `${r.trusted ? 'trusted' : 'no longer trusted'}: ${r.file} (${r.keys.join(', ')})`,
    ),
};
