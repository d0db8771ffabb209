import v8 from 'node:v8';
import { webcrypto } from 'node:crypto';
import { main, prebuildParser } from './main.js';
import { commands } from './commands/index.js';
import { trainWorkflows } from './snapshot-training.js';
// Modules the commands import lazily: imported here so they are initialised while the snapshot is built,
// not on every run. (None of them does work at import time; that is a rule for everything in this bundle.)
import '../workflows/context.js';
import '../workflows/add.js';
import '../workflows/list.js';
import '../workflows/merge.js';
import '../workflows/remove.js';
import '../workflows/open.js';
import '../workflows/tab-io.js';
import '../../backends/tmux.js';
import '../store/db.js';
import '../store/agents.js';

/**
 * Entry of the start-up snapshot (scripts/snapshot.mjs bundles this file into one script and runs
 * `node --build-snapshot` on it). Everything the CLI imports is loaded and compiled while the snapshot is
 * built; `bin/workmux` then starts Node from the snapshot, and only this function runs per command.
 * Nothing may read the environment, the terminal or the clock at import time: that would be frozen into
 * the snapshot (colours, for one, are decided per run in src/ui/colors.ts).
 */
declare const WORKMUX_VERSION: string; // package.json's version, set by scripts/snapshot.mjs

// Node loads its URL machinery and Web Crypto (nanoid's random source) lazily; touching them here puts
// them in the snapshot instead of every run. (Web Crypto is only loaded, never called: random state must
// not be frozen into the snapshot.)
new URL('file:///workmux');
if (typeof webcrypto.getRandomValues !== 'function') throw new Error('snapshot: no Web Crypto');

// Training runs while the snapshot is built: every command's --help, and every command with an unknown
// option (yargs builds it, parses, validates, fails, we report). V8 then keeps the compiled code of those
// paths — most of what parsing costs — instead of compiling it again on every run. Output is discarded.
async function train(): Promise<void> {
  const quiet = () => true;
  const [writeStdout, writeStderr] = [process.stdout.write, process.stderr.write];
  process.stdout.write = quiet;
  process.stderr.write = quiet;
  try {
    for (const command of commands) {
      const name = ([] as string[]).concat(command.command ?? [])[0]!.split(' ')[0]!;
      await main([name, '--help'], WORKMUX_VERSION, { exitProcess: false });
      await main([name, '--snapshot-training-option'], WORKMUX_VERSION, { exitProcess: false });
    }
    await main(['snapshot-training'], WORKMUX_VERSION, { exitProcess: false });
  } finally {
    process.stdout.write = writeStdout;
    process.stderr.write = writeStderr;
    process.exitCode = undefined;
  }
}
void train().then(trainWorkflows).then(() => prebuildParser(WORKMUX_VERSION));

v8.startupSnapshot.setDeserializeMainFunction(() => {
  // `node --snapshot-blob <blob> -- args...` → argv is [node, ...args] (newer Node repeats argv[0] first).
  const args = process.argv.slice(process.argv[1] === process.argv[0] ? 2 : 1);
  if (process.env.WORKMUX_DEBUG === '1') {
    process.stderr.write(`[workmux] +${performance.now().toFixed(0)} ms started from the start-up snapshot\n`);
    process.on('exit', () => process.stderr.write(`[workmux] +${performance.now().toFixed(0)} ms exiting\n`));
  }
  // Once nothing is left to do, exit at once: Node would otherwise tear the heap down first (~2 ms).
  process.once('beforeExit', () => process.exit());
  main(args, WORKMUX_VERSION).catch((error: unknown) => {
    process.stderr.write(`workmux: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
});
