// Rule engine benchmarks (issue 7), on compiled code in dist/ (`npm run build` first):
//  1. rule scan throughput over captured agent output with 40 rules (target ≥ 100 MB/s);
//  2. reaction latency on tmux: a fake agent prints a trigger line → the rule's text arrives on the agent's
//     stdin (paste, submit pause, Enter), median and p95 over 50 trials (target ≤ 250 ms median).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, median, percentile } from './lib.mjs';

const dist = (p) => import(path.join(ROOT, 'dist', p));
const { parseRuleConfig } = await dist('src/engine/rules/parse.js');
const { RuleScanner } = await dist('src/engine/rules/scanner.js');

const results = [];
const report = (name, value, unit, target, ok) => {
  console.log(`${name}: ${value.toFixed(1)} ${unit}  ${ok ? '✓' : '✗'} target ${target}`);
  results.push({ bench: 'rules', name, value, unit, target, ok });
};

// ---------- 1. scan throughput ----------
const SIGNAL_LINES = [
  'Conversation compacted · ctrl+o for history',
  "You've hit your limit · resets 5pm (America/Chicago)",
  '■ You’ve hit your usage limit. … try again at 4:57 PM.',
  'Token usage: total=100,117 input=90,506 (+ 3,008,512 cached) output=9,611',
  'To continue this session, run codex resume 019bcea5-acb4-7370-a50d-8a2b59553cf6',
  'Usage limit reached for all Pro models',
];

/** 30 user rules of the kinds people write: literals, anchored regexes, case-insensitive ones. */
function userRules() {
  const words = ['panic', 'Segmentation fault', 'npm ERR!', 'FAILED', 'Traceback (most recent call last)', 'merge conflict', 'permission denied', 'rate limit', 'OOMKilled', 'deadlock'];
  const rules = [];
  words.forEach((w, i) => rules.push({ id: `lit-${i}`, match: w, actions: [{ notify: w }] }));
  for (let i = 0; i < 10; i++) rules.push({ id: `re-${i}`, match: `/error\\[E0${i}(?<code>\\d{2})\\]: (?<msg>.+)$/`, actions: [{ notify: '{{msg}}' }] });
  for (let i = 0; i < 5; i++) rules.push({ id: `ci-${i}`, match: `/build step ${i} (?<result>passed|failed)/i`, actions: [{ notify: '{{result}}' }] });
  for (let i = 0; i < 5; i++) rules.push({ id: `ws-${i}`, agent: 'codex', match: `/Worker ${i} finished in (?<ms>\\d+)ms/`, actions: [{ record: 'metric' }] });
  return rules;
}

function corpus(targetBytes) {
  const fixtures = path.join(ROOT, 'test/fixtures/claude');
  const captured = fs.existsSync(fixtures)
    ? fs.readdirSync(fixtures).filter((f) => f.endsWith('.txt')).flatMap((f) => fs.readFileSync(path.join(fixtures, f), 'utf8').split('\n'))
    : [];
  const code = [
    '  const result = await scanner.scan(lines, agent);',
    '⏺ Update(src/engine/rules/scanner.ts)',
    '  ⎿  Updated src/engine/rules/scanner.ts with 12 additions and 3 removals',
    '• Ran npm test -- --run test/rules.test.ts',
    '  └ ✓ test/rules.test.ts (11 tests) 32ms',
    '✻ Worked for 8s',
    '⠼ Thinking... (esc to cancel, 2s)',
    '────────────────────────────────────────────────────────────────────────────',
    '❯ ',
    '  ? for shortcuts · ← for agents',
    'diff --git a/src/engine/gate.ts b/src/engine/gate.ts',
    '+    if (TYPING_ACTIONS.has(kind)) this.options.input.noteSent(request.paneId, now);',
  ];
  const pool = [...captured, ...code];
  const lines = [];
  let bytes = 0;
  for (let i = 0; bytes < targetBytes; i++) {
    const line = i % 5000 === 4999 ? SIGNAL_LINES[(i / 5000) % SIGNAL_LINES.length | 0] : pool[(i * 7919) % pool.length];
    lines.push(line);
    bytes += Buffer.byteLength(line) + 1;
  }
  return { lines, bytes };
}

function scanBench() {
  const { rules } = parseRuleConfig({ rule_packs: ['claude', 'codex', 'gemini'], rules: userRules() });
  const { lines, bytes } = corpus(32 * 1024 * 1024);
  const chunks = [];
  for (let i = 0; i < lines.length; i += 40) chunks.push(lines.slice(i, i + 40)); // ~ one text.appended event
  const scanner = new RuleScanner(rules);
  const agents = ['claude', 'codex', 'gemini'];
  let matches = 0;
  const run = () => {
    matches = 0;
    for (let i = 0; i < chunks.length; i++) matches += scanner.scan(chunks[i], agents[i % 3]).length;
  };
  run(); // warm-up
  const times = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  const mbps = bytes / 1024 / 1024 / (median(times) / 1000);
  // The same rules run the naive way (every regex on every line), for scale.
  const regexes = rules.filter((r) => r.trigger.kind === 'text').map((r) => r.trigger.matcher.regex);
  const t0 = performance.now();
  let naive = 0;
  for (const chunk of chunks.slice(0, chunks.length / 8)) for (const line of chunk) for (const re of regexes) if (re.test(line)) naive++;
  const naiveMbps = bytes / 8 / 1024 / 1024 / ((performance.now() - t0) / 1000);
  console.log(`scan: ${rules.length} rules, ${(bytes / 1024 / 1024).toFixed(0)} MB in ${chunks.length} chunks of 40 lines, ${matches} matches; naive every-regex-every-line: ${naiveMbps.toFixed(0)} MB/s`);
  report(`rule scan, ${rules.length} rules`, mbps, 'MB/s', '≥ 100 MB/s', mbps >= 100 && rules.length >= 40);
}

// ---------- 2. reaction latency on tmux ----------
async function latencyBench(trials = 50) {
  const { EventBus } = await dist('src/engine/events.js');
  const { attachRuleEngine } = await dist('src/engine/rules-runtime.js');
  const { openStore } = await dist('src/store/db.js');
  const { createBackend } = await dist('backends/tmux.js');

  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wm-rules-bench-')));
  const socket = `wm-rules-bench-${process.pid}`;
  const env = { HOME: dir, PATH: process.env.PATH, TERM: 'xterm-256color', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', SHELL: '/bin/bash' };
  const tmux = (...args) => {
    const r = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', '-u', ...args], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args[0]}: ${r.stderr}`);
    return r.stdout.replace(/\n$/, '');
  };
  const log = path.join(dir, 'stdin.jsonl');
  const ctl = path.join(dir, 'ctl');
  fs.writeFileSync(ctl, '');
  const agent = path.join(ROOT, 'test/rules-support/fake-agent.mjs');
  const pane = tmux('new-session', '-d', '-s', 'bench', '-x', '120', '-y', '30', '-P', '-F', '#{pane_id}',
    `FAKE_AGENT_LOG='${log}' FAKE_AGENT_CTL='${ctl}' '${process.execPath}' '${agent}'`);
  let store;
  let engine;
  let polling = true;
  try {
    const entries = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
    const until = async (check, ms, what) => {
      const deadline = Date.now() + ms;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await until(() => entries().some((e) => e.event === 'started'), 10_000, 'fake agent start');

    store = openStore(path.join(dir, 'wm.db'));
    const backend = createBackend({ env: { ...env, WORKMUX_TMUX_SOCKET: socket }, projectName: 'bench', settings: {}, statusIcons: { working: 'W', waiting: '?', done: 'D' } });
    const bus = new EventBus();
    const { rules, gate } = parseRuleConfig({ rules: [{ id: 'ack', match: '/TRIGGER (?<n>\\d+)/', actions: [{ send: 'ack {{n}}' }] }], gate: { rate_limit: { per_pane: 1000, global: 1000 } } });
    engine = await attachRuleEngine({ bus, backend, store, rules, gate, log: () => {} });

    // Stand-in for the watcher's fast tick: capture the screen every 50 ms, emit the new lines.
    const POLL_MS = 50;
    let previous = [];
    const poller = (async () => {
      while (polling) {
        const lines = tmux('capture-pane', '-p', '-J', '-t', pane).replace(/\s+$/, '').split('\n');
        const seen = new Set(previous);
        const fresh = lines.filter((l) => !seen.has(l));
        previous = lines;
        if (fresh.length) bus.emit({ type: 'text.appended', paneId: pane, handle: 'bench', agent: 'codex', at: Date.now(), lines: fresh });
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    })();

    const latencies = [];
    for (let n = 1; n <= trials; n++) {
      fs.appendFileSync(ctl, `${JSON.stringify({ print: `TRIGGER ${n}` })}\n`);
      await until(() => entries().some((e) => e.line === `ack ${n}`), 10_000, `ack ${n}`);
      const all = entries();
      const printed = all.find((e) => e.event === 'printed' && e.text === `TRIGGER ${n}`);
      const acked = all.find((e) => e.line === `ack ${n}`);
      latencies.push(acked.at - printed.at);
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 100)); // de-phase from the poll tick
    }
    polling = false;
    await poller;
    console.log(`latency: ${trials} trials, capture poll every ${POLL_MS} ms, submit pause ${gate.submitDelayMs} ms; p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`);
    report('reaction latency median (text appears → action typed + Enter)', median(latencies), 'ms', '≤ 250 ms', median(latencies) <= 250);
    report('reaction latency p95', percentile(latencies, 95), 'ms', '(reported)', true);
  } finally {
    polling = false;
    engine?.detach();
    store?.close();
    spawnSync('tmux', ['-L', socket, 'kill-server'], { env });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

scanBench();
await latencyBench();
if (process.env.WORKMUX_BENCH_RESULTS) for (const r of results) fs.appendFileSync(process.env.WORKMUX_BENCH_RESULTS, `${JSON.stringify(r)}\n`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
