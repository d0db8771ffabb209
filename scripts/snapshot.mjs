// Builds Node's start-up snapshot of the CLI (dist/snapshot/workmux.blob): the whole CLI bundled into one
// script (a snapshot cannot load files), run once under `node --build-snapshot`, so a command starts with
// every module already loaded and compiled. bin/workmux uses it only with the node binary that built it
// (recorded in dist/snapshot/node, unchanged since: dist/snapshot/node.stamp) and falls back to the ESM
// bundle otherwise. A failed build is not fatal:
// the snapshot is a start-up optimisation, the fallback is complete.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { leanerHeap } from './lean-heap.mjs';

const outDir = 'dist/snapshot';
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
const script = path.join(outDir, 'entry.cjs');
const blob = path.join(outDir, 'workmux.blob');

// `import.meta.url` has no meaning in one classic script: it becomes a lookup of the blob's own location at
// run time (what packageRoot() and the native addon's require need), never the build machine's path.
const banner = `Object.defineProperty(globalThis, '__workmuxModuleUrl', { get() {
  const at = process.execArgv.indexOf('--snapshot-blob');
  return require('node:url').pathToFileURL(require('node:path').resolve(at >= 0 ? process.execArgv[at + 1] : __filename)).href;
} });`;

// A snapshot has no module loader, so a dynamic `import('node:…')` would fail at run time ("A dynamic import
// callback was not specified"): route each such import through a one-line CommonJS shim that require()s it.
const builtinsThroughRequire = {
  name: 'builtins-through-require',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, namespace: 'builtin' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

await build({
  entryPoints: ['dist/src/cli/snapshot-entry.js'],
  outfile: script,
  bundle: true,
  format: 'iife',
  platform: 'node',
  target: 'node20',
  external: ['cosmiconfig'],
  define: { 'import.meta.url': '__workmuxModuleUrl', WORKMUX_VERSION: JSON.stringify(JSON.parse(fs.readFileSync('package.json', 'utf8')).version) },
  banner: { js: banner },
  plugins: [builtinsThroughRequire],
  logLevel: 'warning',
});

fs.writeFileSync(script, leanerHeap(fs.readFileSync(script, 'utf8')));

// V8 flags the blob is built with; every run must pass the same ones (bin/workmux reads them from
// dist/snapshot/flags). --no-rehash-snapshot: the hash tables in the blob keep the (random, per build) seed
// they were built with instead of being rehashed with a new one on every start — ~6 ms of every command.
// The seed is then fixed per installation rather than per process; nothing here hashes attacker-chosen
// keys where that would matter (hash flooding needs the seed, which stays on the user's disk).
const v8Flags = ['--no-rehash-snapshot'];
const made = spawnSync(process.execPath, [...v8Flags, '--snapshot-blob', blob, '--build-snapshot', script], { encoding: 'utf8' });
// Node warns that some built-ins (tty) are "not yet fully verified" in snapshots; the CLI only uses them at run time.
const problems = made.stderr.split('\n').filter((line) => line && !/not yet fully verified|may still work|To request support|--trace-warnings/.test(line));
if (made.status !== 0 || !fs.existsSync(blob)) {
  if (!process.env.WORKMUX_KEEP_SNAPSHOT_SCRIPT) fs.rmSync(outDir, { recursive: true, force: true });
  console.warn(`workmux: start-up snapshot not built (the CLI works without it): ${problems.join(' ').slice(0, 400)}`);
} else {
  // The binary the blob belongs to, and a stamp carrying its modification time: bin/workmux runs the
  // snapshot only with that binary while its mtime is the stamp's (package managers keep a release's own
  // mtime, which can be older than the blob, so "not newer" would not notice an upgrade; "not different" does).
  fs.writeFileSync(path.join(outDir, 'node'), `${process.execPath}\n`);
  fs.writeFileSync(path.join(outDir, 'flags'), `${v8Flags.join(' ')}\n`);
  const stamp = path.join(outDir, 'node.stamp');
  fs.writeFileSync(stamp, '');
  const copied = spawnSync('touch', ['-r', process.execPath, stamp]);
  if (copied.status !== 0) {
    const { atime, mtime } = fs.statSync(process.execPath);
    fs.utimesSync(stamp, atime, mtime);
  }
  if (!process.env.WORKMUX_KEEP_SNAPSHOT_SCRIPT) fs.rmSync(script);
}
