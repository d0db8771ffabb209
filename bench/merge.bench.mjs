// `workmux merge` (issue 3) against its floor, `node -e 0` plus raw git commands, read two ways:
//   essential floor: the commands you would type to land the branch by hand
//     --squash  git merge --squash + git commit                       (main worktree)
//     --rebase  git rebase main (branch worktree) + git merge --ff-only (main worktree)
//   replay floor: every git command `workmux merge` itself runs (recorded once through a PATH shim with
//     its cwd, replayed one after another — workmux runs some side by side, so this floor is generous)
// Every trial gets fresh branches with 10 commits and a main that moved one commit ahead, built untimed;
// tool and floors alternate. `--keep`: the tab/worktree cleanup is not part of the comparison.
// Also prints the CLI's fixed start-up cost (`workmux path` − `node -e 0`, same trials).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, makeBenchEnv, median, ratioLine, report, timeRun } from './lib.mjs';

const TRIALS = Number(process.env.BENCH_TRIALS || 15);
const COMMITS = 10;
const bench = makeBenchEnv('merge');
const { env, repo } = bench;
const node = process.execPath;
const inRepo = { cwd: repo, env };
const worktreeOf = (branch) => path.join(bench.dir, 'wt', branch);

/** A worktree for `branch` with COMMITS commits; then main moves ahead by one. */
function fixture(branch) {
  bench.git('worktree', 'add', '-q', '-b', branch, worktreeOf(branch), 'main');
  const script = `for i in $(seq ${COMMITS}); do echo "$i" > "$0-$i.txt"; git add -A; git commit -q -m "$0 commit $i"; done`;
  spawnSync('sh', ['-c', script, branch], { cwd: worktreeOf(branch), env, stdio: 'ignore' });
  bench.git('commit', '-q', '--allow-empty', '-m', `main moves past ${branch}`);
}

const essentialCommands = {
  squash: (branch) => [
    { cwd: repo, argv: ['git', 'merge', '--squash', '-q', branch] },
    { cwd: repo, argv: ['git', 'commit', '-q', '-m', `Squash ${branch}`] },
  ],
  rebase: (branch) => [
    { cwd: worktreeOf(branch), argv: ['git', 'rebase', '-q', 'main'] },
    { cwd: repo, argv: ['git', 'merge', '--ff-only', '-q', branch] },
  ],
};

/** Runs `workmux merge` once with a `git` shim first on PATH that logs cwd and argv; returns the commands. */
function recordGitCommands(strategy) {
  const branch = `rec-${strategy}`;
  fixture(branch);
  const shimDir = path.join(bench.dir, 'shim');
  const logDir = path.join(bench.dir, `git-${strategy}`);
  fs.mkdirSync(logDir);
  const realGit = spawnSync('sh', ['-c', 'command -v git'], { env, encoding: 'utf8' }).stdout.trim();
  fs.mkdirSync(shimDir, { recursive: true });
  // One file per call, named by start time: calls workmux makes side by side must not interleave.
  fs.writeFileSync(path.join(shimDir, 'git'), `#!/bin/sh\nprintf '%s\\0' "$PWD" "$@" > "$WM_GIT_LOG/$(date +%s%N)-$$"\nexec ${realGit} "$@"\n`, { mode: 0o755 });
  const shimEnv = { ...env, PATH: `${shimDir}:${env.PATH}`, WM_GIT_LOG: logDir };
  const result = spawnSync(BIN, ['merge', branch, `--${strategy}`, '--keep'], { cwd: repo, env: shimEnv, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`recording failed: ${result.stderr}`);
  return fs.readdirSync(logDir).sort().map((file) => {
    const [cwd, ...argv] = fs.readFileSync(path.join(logDir, file), 'utf8').split('\0').slice(0, -1);
    return { cwd, argv: ['git', ...argv] };
  });
}

/** The recorded commands, re-aimed at another fixture branch (names and worktree paths substituted). */
function replayCommands(recorded, strategy, branch) {
  const swap = (text) => text.replaceAll(worktreeOf(`rec-${strategy}`), worktreeOf(branch)).replaceAll(`rec-${strategy}`, branch);
  return recorded.map(({ cwd, argv }) => ({ cwd: swap(cwd), argv: argv.map(swap) }));
}

/**
 * node -e 0, then the commands one after another. Exit codes are not checked: workmux itself runs some
 * queries that answer "no" with exit 1 (`git config --get-regexp` with no match). A `-F -` commit gets its
 * message on stdin.
 */
function timeFloor(commands) {
  let ms = timeRun([node, '-e', '0'], inRepo);
  for (const { cwd, argv } of commands) {
    const started = process.hrtime.bigint();
    spawnSync(argv[0], argv.slice(1), { cwd, env, input: argv.includes('-F') ? 'Squash\n' : '', stdio: ['pipe', 'pipe', 'pipe'] });
    ms += Number(process.hrtime.bigint() - started) / 1e6;
  }
  return ms;
}

try {
  console.log(`workmux merge, ${COMMITS} commits (${TRIALS} alternating trials, medians)`);
  for (const strategy of ['squash', 'rebase']) {
    const recorded = recordGitCommands(strategy);
    if (process.env.BENCH_SHOW_REPLAY) for (const { cwd, argv } of recorded) console.log(`  [${strategy}] (${cwd}) ${argv.join(' ')}`);
    const samples = { tool: [], essential: [], replay: [], startup: [] };
    for (let i = 0; i < TRIALS; i++) {
      const [tool, essential, replay] = ['tool', 'raw', 'replay'].map((kind) => `${kind}-${strategy}-${i}`);
      for (const branch of [tool, essential, replay]) fixture(branch);
      const runs = [
        () => samples.tool.push(timeRun([BIN, 'merge', tool, `--${strategy}`, '--keep'], inRepo)),
        () => samples.essential.push(timeFloor(essentialCommands[strategy](essential))),
        () => samples.replay.push(timeFloor(replayCommands(recorded, strategy, replay))),
        () => samples.startup.push(timeRun([BIN, 'path', tool], inRepo) - timeRun([node, '-e', '0'], inRepo)),
      ];
      for (let k = 0; k < runs.length; k++) runs[(k + i) % runs.length](); // rotate the order every trial
    }
    const tool = median(samples.tool);
    for (const [floorName, floorSamples] of [['essential', samples.essential], [`replay (${recorded.length} git)`, samples.replay]]) {
      const floor = median(floorSamples);
      const label = `merge --${strategy} vs ${floorName}`;
      console.log(ratioLine(label, tool, floor, 1.3));
      report({ bench: 'merge', label, tool_ms: tool, floor_ms: floor, ratio: tool / floor, target: 1.3 });
    }
    console.log(`  CLI start-up every command pays (workmux path − node -e 0): ${median(samples.startup).toFixed(1)} ms`);
  }
} finally {
  bench.cleanup();
}
