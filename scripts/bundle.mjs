// Bundles the compiled CLI (dist/src, from tsc) into dist/bundle/ so start-up reads a few files instead of
// resolving a hundred modules: module loading was the largest cost of `workmux add`/`list` after Node itself
// (see bench/cli.bench.mjs). Code splitting keeps what a command does not use (watch, rules, merge) in chunks
// that load only when that command runs. cosmiconfig stays external (it requires its loaders dynamically);
// better-sqlite3's JavaScript is bundled and its native addon loaded by path (src/store/db.ts).
import { build } from 'esbuild';
import fs from 'node:fs';

fs.rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: ['dist/src/cli/main.js'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['cosmiconfig'],
  // Bundled CommonJS (better-sqlite3) calls require(): give ES-module output one.
  banner: { js: "import { createRequire as __workmuxCreateRequire } from 'node:module'; const require = __workmuxCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
