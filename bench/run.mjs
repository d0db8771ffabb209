// `npm run bench`: runs every bench/*.bench.mjs in turn and prints their results.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const scripts = fs.readdirSync(dir).filter((f) => f.endsWith('.bench.mjs')).filter((f) => !only.length || only.some((o) => f.includes(o))).sort();
const resultsDir = path.join(dir, 'results');
fs.mkdirSync(resultsDir, { recursive: true });
const resultsFile = path.join(resultsDir, 'latest.jsonl');
fs.writeFileSync(resultsFile, '');
let failed = 0;
for (const script of scripts) {
  console.log(`\n=== ${script}`);
  const result = spawnSync(process.execPath, [path.join(dir, script)], { stdio: 'inherit', env: { ...process.env, WORKMUX_BENCH_RESULTS: resultsFile } });
  if (result.status !== 0) {
    failed++;
    console.log(`(${script} exited with ${result.status})`);
  }
}
console.log(`\nresults: ${path.relative(process.cwd(), resultsFile)}${failed ? `; ${failed} script(s) failed` : ''}`);
process.exitCode = failed ? 1 : 0;
