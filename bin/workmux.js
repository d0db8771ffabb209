#!/usr/bin/env node
// Launcher: `--version` is answered before anything else loads, so it costs little more than `node -e 0`.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${version}\n`);
} else {
  if (process.env.WORKMUX_DEBUG === '1') process.stderr.write(`[workmux] +${performance.now().toFixed(0)} ms started from bin/workmux.js (no usable start-up snapshot)\n`);
  const { main } = await import('../dist/bundle/main.js');
  await main(args, version);
}
