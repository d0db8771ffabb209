import type { Argv, CommandModule } from 'yargs';
import { jsonOption, runCommand } from '../run-command.js';
import { renderSearchHits } from '../../ui/watch-render.js';

interface SearchArgs {
  query: string;
  agent?: string;
  since?: string;
  limit?: number;
  json?: boolean;
}

export const searchCommand: CommandModule<object, SearchArgs> = {
  command: 'search <query>',
  describe: 'full-text search over all stored agent output, newest first',
  builder: (yargs: Argv) =>
    yargs
      .positional('query', { type: 'string', demandOption: true, describe: 'words, "a phrase", prefix*, a AND/OR/NOT b' })
      .options({
        agent: { type: 'string', describe: 'only output of this agent kind (claude, codex, gemini, ...)' },
        since: { type: 'string', describe: 'only output since a duration ago (30m, 2h, 7d) or a date' },
        limit: { type: 'number', default: 50, describe: 'most lines shown' },
        ...jsonOption,
      })
      .example('workmux search "usage limit" --since 1d', 'limits hit today') as unknown as Argv<SearchArgs>,
  handler: (args) =>
    runCommand(
      args,
      async (ctx) => (await import('../../workflows/agent-output.js')).searchAgentOutput(ctx, args),
      (hits) => renderSearchHits(hits),
      { anywhere: true },
    ),
};
