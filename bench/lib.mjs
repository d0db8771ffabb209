// Shared helpers for the benchmark scripts: isolated environments, timing, medians, ratio lines.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
/** The launcher users run (start-up snapshot when built, else bin/workmux.js). */
export const BIN = path.join(ROOT, 'bin', 'workmux');

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs argv synchronously and returns wall milliseconds; throws on failure. */
export function timeRun(argv, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`);
  return ms;
}

/** An isolated HOME/XDG + private tmux socket + git repo with one commit. */
export function makeBenchEnv(name = 'bench') {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `wm-${name}-`)));
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  fs.writeFileSync(path.join(home, '.gitconfig'), '[user]\n\tname = Bench\n\temail = bench@example.invalid\n');
  fs.writeFileSync(path.join(home, '.bash_profile'), 'PS1="$ "\n');
  const socket = `wm-${name}-${process.pid}`;
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_STATE_HOME: path.join(home, '.state'),
    XDG_RUNTIME_DIR: path.join(dir, 'run'), SHELL: '/bin/bash', WORKMUX_TMUX_SOCKET: socket, HISTFILE: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  for (const key of ['TMUX', 'TMUX_PANE', 'WEZTERM_PANE', 'CMUX_WORKSPACE_ID', 'WORKMUX_BACKEND', 'WORKMUX_DEBUG']) delete env[key];
  fs.mkdirSync(env.XDG_RUNTIME_DIR, { mode: 0o700 });
  const repo = path.join(dir, 'proj');
  fs.mkdirSync(repo);
  const git = (...args) => execFileSync('git', args, { cwd: repo, env, stdio: 'pipe' }).toString();
  git('init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(repo, 'README.md'), '# bench\n');
  git('add', '.');
  git('commit', '-q', '-m', 'initial');
  return {
    dir, home, env, repo, socket, git,
    cleanup() {
      spawnSync('tmux', ['-L', socket, 'kill-server'], { env });
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

export function ratioLine(label, measured, floor, target) {
  const ratio = measured / floor;
  const verdict = target === undefined ? '' : ratio <= target ? `  ✓ target ≤ ${target}×` : `  ✗ target ≤ ${target}×`;
  return `${label.padEnd(44)} ${measured.toFixed(1).padStart(8)} ms vs floor ${floor.toFixed(1).padStart(8)} ms  = ${ratio.toFixed(2)}×${verdict}`;
}

/** Records a result line for the summary that bench/run.mjs prints and writes to bench/results/. */
export function report(result) {
  const file = process.env.WORKMUX_BENCH_RESULTS;
  if (file) fs.appendFileSync(file, `${JSON.stringify(result)}\n`);
}
