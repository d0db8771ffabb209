import type { Argv, CommandModule } from 'yargs';
import { jsonOption, runCommand } from '../run-command.js';

export const initCommand: CommandModule<object, { force?: boolean; json?: boolean }> = {
  command: 'init',
  describe: 'write a commented workmux.config.yaml skeleton into this project',
  builder: (yargs: Argv) =>
    yargs
      .options({ force: { type: 'boolean', describe: 'overwrite an existing workmux.config.yaml' }, ...jsonOption })
      .example('workmux init', 'start a project config') as unknown as Argv<{ force?: boolean }>,
  handler: (args) =>
    runCommand(
      args,
      async (ctx) => (await import('../../workflows/init.js')).initProjectConfig(ctx, { force: args.force }),
      (r) => `wrote ${r.file} — uncomment what you need; \`workmux trust\` once it runs commands`,
    ),
};
