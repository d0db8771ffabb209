// Classification accuracy on the captured real-agent fixtures (test/fixtures/<agent>/samples.json, made by
// test/agents/capture-fixtures.mjs): the samples are replayed in order through the classifier (compiled, from
// dist/: `npm run build` first) and compared with the phase the harness drove the agent into. Prints the
// confusion table, and the same with titles alone to show what the screen adds.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, report } from './lib.mjs';

const { classifyPane } = await import(path.join(ROOT, 'dist/src/agents/classify.js'));
const { signalsFor } = await import(path.join(ROOT, 'dist/src/agents/signals.js'));

const STATES = ['starting', 'working', 'waiting', 'idle', 'exited'];
const fixturesDir = path.join(ROOT, 'test/fixtures');
const agents = fs.readdirSync(fixturesDir).filter((name) => fs.existsSync(path.join(fixturesDir, name, 'samples.json')));

/** Samples are taken once a phase has settled, so the screen counts as still. */
const SETTLED_MS = 5_000;

function confusion(samples, predict) {
  const table = Object.fromEntries(STATES.map((actual) => [actual, Object.fromEntries(STATES.map((p) => [p, 0]))]));
  let previous;
  let correct = 0;
  for (const sample of samples) {
    const result = predict(sample, previous);
    previous = result;
    table[sample.phase][result.state] += 1;
    if (result.state === sample.phase) correct += 1;
  }
  return { table, accuracy: correct / samples.length };
}

function printTable(title, { table, accuracy }, count) {
  console.log(`${title}: ${(accuracy * 100).toFixed(1)}% of ${count} samples`);
  console.log(`  ${'actual \\ seen'.padEnd(14)}${STATES.map((s) => s.padStart(10)).join('')}`);
  for (const actual of STATES) {
    const row = STATES.map((seen) => String(table[actual][seen] || '·').padStart(10)).join('');
    if (STATES.some((seen) => table[actual][seen])) console.log(`  ${actual.padEnd(14)}${row}`);
  }
}

for (const agent of agents) {
  const { samples, version } = JSON.parse(fs.readFileSync(path.join(fixturesDir, agent, 'samples.json'), 'utf8'));
  console.log(`\n${agent} ${version}`);
  const full = confusion(samples, (s, previous) =>
    classifyPane({ title: s.title, screen: s.screen, command: s.command, agentHint: agent, screenStillMs: SETTLED_MS }, previous),
  );
  printTable('  title + screen + process', full, samples.length);
  const signals = signalsFor(agent);
  const titleOnly = confusion(samples, (s, previous) =>
    classifyPane({ title: s.title, screen: '', command: s.command, agentHint: agent, screenStillMs: SETTLED_MS }, previous),
  );
  printTable('  title + process only (no screen)', titleOnly, samples.length);
  report({ bench: 'classify-accuracy', agent, name: `${agent} accuracy`, value: full.accuracy * 100, unit: '%', titleOnly: titleOnly.accuracy * 100, titleRules: signals?.titleRules.length });
}
