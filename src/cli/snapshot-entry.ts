import v8 from 'node:v8';
import { main } from './main.js';
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

// Node loads its URL machinery lazily; using it once here puts it in the snapshot instead of every run.
new URL('file:///workmux');

// A training run while the snapshot is built (an unknown command: yargs builds every command, parses,
// fails, reports): V8 then keeps the compiled code of that path instead of compiling it on every run.
const writeStderr = process.stderr.write;
process.stderr.write = () => true;
void main(['snapshot-training'], WORKMUX_VERSION).finally(() => {
  process.stderr.write = writeStderr;
  process.exitCode = undefined;
});

v8.startupSnapshot.setDeserializeMainFunction(() => {
  // `node --snapshot-blob <blob> -- args...` → argv is [node, ...args] (newer Node repeats argv[0] first).
  const args = process.argv.slice(process.argv[1] === process.argv[0] ? 2 : 1);
  if (process.env.WORKMUX_DEBUG === '1') process.stderr.write(`[workmux] +${performance.now().toFixed(0)} ms started from the start-up snapshot\n`);
  main(args, WORKMUX_VERSION).catch((error: unknown) => {
    process.stderr.write(`workmux: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
});
