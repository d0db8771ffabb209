import type { Argv, CommandModule } from 'yargs';
import { jsonOption, runCommand } from '../run-command.js';
import { renderStoredEvents } from '../../ui/watch-render.js';

interface EventsArgs {
  limit?: number;
  type?: string[];
  since?: string;
  name?: string;
  json?: boolean;
}

export const eventsCommand: CommandModule<object, EventsArgs> = {
  command: 'events',
  describe: 'what the watcher recorded: state changes, closed panes, rule matches',
  builder: (yargs: Argv) =>
    yargs
      .options({
        limit: { alias: 'n', type: 'number', default: 50, describe: 'the newest N events' },
        type: { type: 'string', array: true, describe: 'only these types (agent.state, pane.closed, pattern.matched, metric, limit)' },
        since: { type: 'string', describe: 'only events since a duration ago (30m, 2h) or a date' },
        name: { type: 'string', describe: 'only events of this agent tab (handle)' },
        ...jsonOption,
      })
      .example('workmux events --type agent.state --json', 'state changes for a script') as unknown as Argv<EventsArgs>,
  handler: (args) =>
    runCommand(
      args,
      async (ctx) =>
        (await import('../../workflows/watch-events.js')).watchEvents(ctx, { limit: args.limit, types: args.type, since: args.since, handle: args.name }),
      renderStoredEvents,
      { anywhere: true },
    ),
};
