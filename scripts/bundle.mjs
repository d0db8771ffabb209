// Bundles the compiled CLI (dist/src, from tsc) into dist/bundle/ so start-up reads a few files instead of
// resolving a hundred modules: module loading was the largest cost of `workmux add`/`list` after Node itself
// (see bench/cli.bench.mjs). Code splitting keeps what a command does not use (watch, rules, merge) in chunks
// that load only when that command runs. Packages with native code or dynamic requires stay external.
import { build } from 'esbuild';
import fs from 'node:fs';

fs.rmSync('dist/bundle', { recursive: true, force: true });
await build({
  // discovery: the launcher starts `git rev-parse` through it before main loads (see src/git/discovery.ts).
  entryPoints: { main: 'dist/src/cli/main.js', discovery: 'dist/src/git/discovery.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', 'cosmiconfig'],
  logLevel: 'warning',
});
