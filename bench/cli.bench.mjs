// CLI overhead against the floor a Node CLI cannot beat (issue 2):
//   --version  vs  node -e 0
//   add        vs  node -e 0 + git worktree add + tmux new-window + shell ready (wait-for handshake)
//   list       vs  node -e 0 + git worktree list --porcelain + tmux list-panes -a   (20 worktrees)
// Alternating runs in one process, medians. Not a test: nothing here can fail the suite.
import path from 'node:path';
import { BIN, makeBenchEnv, median, ratioLine, report, timeRun } from './lib.mjs';

const TRIALS = Number(process.env.BENCH_TRIALS || 15);
const bench = makeBenchEnv('cli');
const { env, repo, socket } = bench;
const node = process.execPath;
const tmux = (...args) => ['tmux', '-L', socket, ...args];
const opts = { cwd: repo, env };

try {
  // Warm up: the embedded server and session exist before timing, as they would after the first add.
  timeRun([BIN, 'add', 'warmup', '-b'], opts);

  const version = { tool: [], floor: [] };
  for (let i = 0; i < TRIALS; i++) {
    version.floor.push(timeRun([node, '-e', '0'], opts));
    version.tool.push(timeRun([BIN, '--version'], opts));
  }

  const add = { tool: [], floor: [] };
  for (let i = 0; i < TRIALS; i++) {
    add.tool.push(timeRun([BIN, 'add', `tool-${i}`, '-b'], opts));
    const worktree = path.join(bench.dir, 'raw', `raw-${i}`);
    const channel = `raw-ready-${i}`;
    let floor = timeRun([node, '-e', '0'], opts);
    floor += timeRun(['git', 'worktree', 'add', '-q', '-b', `raw-${i}`, worktree, 'main'], opts);
    floor += timeRun(tmux('wait-for', '-L', channel), opts);
    floor += timeRun(tmux('new-window', '-d', '-t', '=proj:', '-n', `raw-${i}`, '-c', worktree, '--', 'sh', '-c', `tmux wait-for -U ${channel}; exec "$SHELL" -l`), opts);
    floor += timeRun(tmux('wait-for', '-L', channel), opts);
    add.floor.push(floor);
    timeRun(tmux('wait-for', '-U', channel), opts);
  }

  // `list` with exactly 20 worktrees and their 20 tabs: the floor's raw worktrees and windows go, and
  // workmux worktrees are added (or removed) until warmup + tool-* make 20.
  for (let i = 0; i < TRIALS; i++) {
    timeRun(tmux('kill-window', '-t', `=proj:raw-${i}`), opts);
    timeRun(['git', 'worktree', 'remove', '--force', path.join(bench.dir, 'raw', `raw-${i}`)], opts);
  }
  for (let i = TRIALS; i < 19; i++) timeRun([BIN, 'add', `tool-${i}`, '-b'], opts);
  for (let i = 19; i < TRIALS; i++) timeRun([BIN, 'remove', '--force', `tool-${i}`], opts);
  // Steady state: worktrees untouched for longer than the status cache's 2 s "in flight" window, and one
  // list already run (it learns each worktree's fingerprint). The cold path — every worktree asked
  // (WORKMUX_STATUS_CACHE=0, or all 20 changed since the last list) — is reported beside it.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  timeRun([BIN, 'list'], opts);
  const list = { tool: [], floor: [], floorWithStatus: [], cold: [] };
  const coldOpts = { ...opts, env: { ...env, WORKMUX_STATUS_CACHE: '0' } };
  // For reference: the dirty column needs one `git status` per worktree, which the floor does not run.
  const worktreePaths = bench.git('worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice(9)).slice(1);
  if (worktreePaths.length !== 20) throw new Error(`list bench: expected 20 worktrees, found ${worktreePaths.length}`);
  const statusAll = ['git', ...worktreePaths.flatMap((p) => ['-c', `bench.wt=${p}`]), 'for-each-repo', '--config=bench.wt', 'status', '--porcelain=v2', '-z', '--branch'];
  for (let i = 0; i < TRIALS; i++) {
    list.tool.push(timeRun([BIN, 'list'], opts));
    list.cold.push(timeRun([BIN, 'list'], coldOpts));
    const floor = timeRun([node, '-e', '0'], opts) + timeRun(['git', 'worktree', 'list', '--porcelain'], opts) + timeRun(tmux('list-panes', '-a'), opts);
    list.floor.push(floor);
    list.floorWithStatus.push(floor + timeRun(statusAll, opts));
  }

  const rows = [
    ['workmux --version', version, 1.5],
    ['workmux add (worktree + tab + shell ready)', add, 1.3],
    ['workmux list (20 worktrees)', list, 1.5],
  ];
  console.log(`CLI overhead (${TRIALS} alternating trials, medians)`);
  for (const [label, samples, target] of rows) {
    const tool = median(samples.tool);
    const floor = median(samples.floor);
    console.log(ratioLine(label, tool, floor, target));
    report({ bench: 'cli', label, tool_ms: tool, floor_ms: floor, ratio: tool / floor, target });
  }
  const withStatus = median(list.floorWithStatus);
  const cold = median(list.cold);
  console.log(ratioLine('  list, no status cache (info)', cold, median(list.floor)));
  console.log(ratioLine(`  list, no status cache vs floor + ${worktreePaths.length} git status`, cold, withStatus));
  report({ bench: 'cli', label: 'workmux list without the status cache vs floor + git status per worktree (info)', tool_ms: cold, floor_ms: withStatus, ratio: cold / withStatus });
} finally {
  bench.cleanup();
}
