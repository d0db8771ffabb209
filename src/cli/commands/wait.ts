import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';
import type { AgentState } from '../../engine/events.js';
import { jsonOption, runCommand } from '../run-command.js';

interface WaitArgs {
  names: string[];
  status: string;
  timeout?: number;
  any?: boolean;
  json?: boolean;
}

export const waitCommand: CommandModule<object, WaitArgs> = {
  command: 'wait <names...>',
  describe: 'wait until agents reach a state (default idle); exit 1 on timeout',
  builder: (yargs: Argv) =>
    yargs
      .positional('names', { type: 'string', array: true, demandOption: true, describe: 'handles of agent tabs' })
      .options({
        status: { type: 'string', default: 'idle', describe: 'state(s) to wait for, comma-separated: idle, waiting, working, exited' },
        timeout: { type: 'number', describe: 'give up after this many seconds' },
        any: { type: 'boolean', describe: 'return when the first agent gets there (default: all)' },
        ...jsonOption,
      })
      .example('workmux wait feature-a feature-b --timeout 1800', 'both idle within 30 minutes')
      .example('workmux wait feature-a --status waiting,idle --any', 'needs attention or done') as unknown as Argv<WaitArgs>,
  handler: (args) =>
    runCommand(
      args,
      async (ctx) => {
        const { AGENT_STATES, waitForAgents } = await import('../../workflows/agent-status.js');
        const states = args.status.split(',').map((s) => s.trim()).filter(Boolean);
        const unknown = states.filter((s) => !(AGENT_STATES as readonly string[]).includes(s));
        if (unknown.length) throw new UsageError(`unknown state ${unknown.join(', ')}`, { hint: `use ${AGENT_STATES.join(', ')}` });
        return waitForAgents(ctx, args.names, {
          states: states as AgentState[],
          timeoutMs: args.timeout === undefined ? undefined : args.timeout * 1000,
          any: args.any,
        });
      },
      (result) => result.agents.map((a) => `${a.handle} ${a.status}`).join('\n'),
      { anywhere: true },
    ),
};
