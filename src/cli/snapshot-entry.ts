import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { main } from './main.js';
import { packageRoot } from '../core/paths.js';

/**
 * Entry of the start-up snapshot (scripts/snapshot.mjs bundles this file into one script and runs
 * `node --build-snapshot` on it). Everything the CLI imports is loaded and compiled while the snapshot is
 * built; `bin/workmux` then starts Node from the snapshot, and only this function runs per command.
 * Nothing here may read the environment, the terminal or the clock at import time: that would be frozen
 * into the snapshot (colours, for one, are decided per run in src/ui/colors.ts).
 */
v8.startupSnapshot.setDeserializeMainFunction(() => {
  // `node --snapshot-blob <blob> -- args...` → argv is [node, ...args] (newer Node repeats argv[0] first).
  const args = process.argv.slice(process.argv[1] === process.argv[0] ? 2 : 1);
  const { version } = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  main(args, version).catch((error: unknown) => {
    process.stderr.write(`workmux: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
});
