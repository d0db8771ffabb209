import type { Argv, CommandModule } from 'yargs';
import { jsonOption, runCommand } from '../run-command.js';
import { renderLogLines } from '../../ui/watch-render.js';

interface LogsArgs {
  name: string;
  lines?: number;
  follow?: boolean;
  json?: boolean;
}

export const logsCommand: CommandModule<object, LogsArgs> = {
  command: 'logs <name>',
  describe: "an agent's output as the watcher stored it",
  builder: (yargs: Argv) =>
    yargs
      .positional('name', { type: 'string', demandOption: true, describe: 'handle of the agent tab' })
      .options({
        lines: { alias: 'n', type: 'number', default: 50, describe: 'how many lines' },
        follow: { alias: 'f', type: 'boolean', describe: 'keep printing new output (Ctrl-C ends; --json prints one line per output line)' },
        ...jsonOption,
      })
      .example('workmux logs feature-login -n 200', 'last 200 lines')
      .example('workmux logs feature-login -f', 'follow') as unknown as Argv<LogsArgs>,
  handler: (args) =>
    runCommand(
      args,
      async (ctx) => {
        const { agentLogs, followAgentLogs } = await import('../../workflows/agent-output.js');
        const lines = await agentLogs(ctx, args.name, { lines: args.lines });
        if (!args.follow) return lines;
        const print = (batch: typeof lines) =>
          process.stdout.write(`${args.json ? batch.map((l) => JSON.stringify(l)).join('\n') : renderLogLines(batch)}\n`);
        if (lines.length) print(lines);
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        await followAgentLogs(ctx, args.name, { signal: controller.signal, onLines: print });
        return undefined;
      },
      (lines) => (lines ? renderLogLines(lines) : undefined),
      { anywhere: true },
    ),
};
