import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { packageRoot } from '../../core/paths.js';
import { jsonOption, runCommand } from '../run-command.js';
import { renderWatchEvent } from '../../ui/watch-render.js';

interface WatchArgs {
  daemon?: boolean;
  stop?: boolean;
  allPanes?: boolean;
  interval?: number;
  dryRun?: boolean;
  json?: boolean;
}

/** The foreground command line a `--daemon` start runs detached (same flags, minus --daemon/--json). */
function foregroundArgv(args: WatchArgs): string[] {
  // The launcher, not process.argv[1]: under the start-up snapshot argv[1] is the first argument.
  const argv = [path.join(packageRoot(), 'bin', 'workmux'), 'watch'];
  if (args.allPanes) argv.push('--all-panes');
  if (args.interval !== undefined) argv.push('--interval', String(args.interval));
  if (args.dryRun) argv.push('--dry-run');
  return argv;
}

/** Aborts on the first SIGINT/SIGTERM so the watcher flushes the store and clears its lock. */
function abortOnSignals(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

export const watchCommand: CommandModule<object, WatchArgs> = {
  command: 'watch',
  describe: 'observe every agent tab: states (working/waiting/idle/exited), output into the store, tab status marks',
  builder: (yargs: Argv) =>
    yargs
      .options({
        daemon: { type: 'boolean', describe: 'run in the background (one watcher per user; log in $XDG_STATE_HOME/workmux/watch.log)' },
        stop: { type: 'boolean', describe: 'stop the background watcher' },
        'all-panes': { type: 'boolean', describe: 'observe every pane, not only the tabs workmux opened' },
        'dry-run': { type: 'boolean', describe: 'run the rules without acting: log and audit what they would do' },
        interval: { type: 'number', describe: 'ms between observations while agents change (default 300; quiet panes are looked at less often)' },
        ...jsonOption,
      })
      .conflicts('daemon', 'stop')
      .example('workmux watch --daemon', 'start watching in the background')
      .example('workmux watch --stop', 'stop it') as unknown as Argv<WatchArgs>,
  handler: (args) =>
    runCommand(
      args,
      async (ctx) => {
        if (args.stop) return (await import('../../workflows/watch-daemon.js')).stopWatchDaemon(ctx.env);
        if (args.daemon) {
          const { startWatchDaemon } = await import('../../workflows/watch-daemon.js');
          return startWatchDaemon(foregroundArgv(args), { env: ctx.env, cwd: ctx.cwd });
        }
        const { runWatch } = await import('../../workflows/watch.js');
        const { ruleSetOf } = await import('../../engine/rules/parse.js');
        const { ruleEngineExtension } = await import('../../engine/rules-runtime.js');
        const { assertProjectCommandsTrusted } = await import('../../config/load.js');
        const ruleSet = ruleSetOf(ctx.config); // invalid rules stop here with a one-line error (exit 2)
        if (ruleSet.rules.length > 0) assertProjectCommandsTrusted(ctx.config);
        const log = (line: string) => process.stderr.write(`workmux watch: ${line}\n`);
        return runWatch(ctx, {
          extensions: ruleSet.rules.length > 0 ? [ruleEngineExtension(ruleSet, { dryRun: args.dryRun, log, env: ctx.env })] : [],
          signal: abortOnSignals(),
          allPanes: args.allPanes,
          intervalMs: args.interval,
          // --json streams one event per line; humans get state changes only.
          onEvent: (event) => {
            const line = args.json ? JSON.stringify(event) : renderWatchEvent(event);
            if (line) process.stdout.write(`${line}\n`);
          },
          log,
        });
      },
      (result) => {
        if ('log' in result) return `watcher started (pid ${result.pid}); log: ${result.log}`;
        if ('stopped' in result) return result.stopped ? `watcher stopped (pid ${result.pid})` : 'no watcher is running';
        return `watched ${result.panes} panes, ${result.events} events${result.droppedLines ? `; ${result.droppedLines} lines dropped while the store was locked` : ''}`;
      },
      { anywhere: true },
    ),
};
