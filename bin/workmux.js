#!/usr/bin/env node
// Launcher: `--version` is answered before anything else loads, so it costs little more than `node -e 0`.
// Anything else starts repository discovery (a git process) first, so git works while Node loads the CLI.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${version}\n`);
} else {
  const { prefetchRepoDiscovery } = await import('../dist/bundle/discovery.js');
  prefetchRepoDiscovery(process.cwd());
  const { main } = await import('../dist/bundle/main.js');
  await main(args, version);
}
