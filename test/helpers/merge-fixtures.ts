/**
 * Fixtures for merge and bulk-remove tests, on top of env.ts (isolated env, repo, CLI runner): branches
 * with commits, plain worktrees, and an independent capture of repository state — taken with raw git
 * here, not with the code under test, so "nothing changed" is proven by a second opinion.
 */
import fs from 'node:fs';
import path from 'node:path';
import { git, tmux, type TestEnv } from './env.js';

/** Writes `content` to `file` in `cwd` and commits it with `subject`. */
export async function commitFile(t: TestEnv, cwd: string, file: string, content: string, subject = `edit ${file}`): Promise<string> {
  fs.mkdirSync(path.dirname(path.join(cwd, file)), { recursive: true });
  fs.writeFileSync(path.join(cwd, file), content);
  await git(t, cwd, 'add', '--', file);
  await git(t, cwd, 'commit', '-q', '-m', subject);
  return git(t, cwd, 'rev-parse', 'HEAD');
}

/** A worktree for a new branch made with plain git (no tab), beside the repo as workmux would place it. */
export async function plainWorktree(t: TestEnv, repo: string, branch: string, base = 'main'): Promise<string> {
  const dir = path.join(path.dirname(repo), `${path.basename(repo)}__worktrees`, branch.replace(/\//g, '-'));
  await git(t, repo, 'worktree', 'add', '-q', '-b', branch, dir, base);
  return dir;
}

/** `count` commits on the worktree's branch, each touching its own file (`<prefix>-<i>.txt`). */
export async function commitSeries(t: TestEnv, cwd: string, count: number, prefix = 'work'): Promise<void> {
  for (let i = 1; i <= count; i++) await commitFile(t, cwd, `${prefix}-${i}.txt`, `${prefix} ${i}\n`, `${prefix} commit ${i}`);
}

export interface CapturedState {
  refs: Record<string, string>;
  worktrees: Record<string, { head: string; symbolic: string; index: string; status: string; gitDirEntries: string[] }>;
}

const OPERATION_FILES = ['MERGE_HEAD', 'MERGE_MSG', 'SQUASH_MSG', 'REBASE_HEAD', 'CHERRY_PICK_HEAD', 'AUTO_MERGE', 'rebase-merge', 'rebase-apply'];

/** Branch tips, and per worktree HEAD, `git ls-files -s`, `git status --porcelain` and operation leftovers. */
export async function captureState(t: TestEnv, repo: string, branches: string[], worktrees: string[]): Promise<CapturedState> {
  const state: CapturedState = { refs: {}, worktrees: {} };
  for (const branch of branches) state.refs[branch] = await git(t, repo, 'rev-parse', `refs/heads/${branch}`);
  for (const wt of worktrees) {
    const gitDir = await git(t, wt, 'rev-parse', '--absolute-git-dir');
    state.worktrees[wt] = {
      head: await git(t, wt, 'rev-parse', 'HEAD'),
      symbolic: await git(t, wt, 'rev-parse', '--symbolic-full-name', 'HEAD'),
      index: await git(t, wt, 'ls-files', '-s'),
      status: await git(t, wt, 'status', '--porcelain', '--untracked-files=all'),
      gitDirEntries: OPERATION_FILES.filter((name) => fs.existsSync(path.join(gitDir, name))),
    };
  }
  return state;
}

/** Window names of every session on the test's private tmux server. */
export async function windowNames(t: TestEnv): Promise<string[]> {
  const out = await tmux(t, 'list-windows', '-a', '-F', '#{window_name}').catch(() => '');
  return out.split('\n').filter(Boolean);
}

export async function paneOfWindow(t: TestEnv, windowName: string): Promise<string> {
  const out = await tmux(t, 'list-panes', '-a', '-F', '#{window_name}\t#{pane_id}');
  const line = out.split('\n').find((l) => l.startsWith(`${windowName}\t`));
  if (!line) throw new Error(`no window ${windowName}: ${out}`);
  return line.split('\t')[1]!;
}

/** Types a command line into a pane (literally) and presses Enter. */
export async function typeInPane(t: TestEnv, pane: string, line: string): Promise<void> {
  await tmux(t, 'send-keys', '-t', pane, '-l', line);
  await tmux(t, 'send-keys', '-t', pane, 'Enter');
}

/** The workmux global config (trusted: hooks there need no `workmux trust`). */
export function writeGlobalConfig(t: TestEnv, yaml: string): void {
  const dir = path.join(t.env.XDG_CONFIG_HOME!, 'workmux');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.yaml'), yaml);
}

export const branchExists = async (t: TestEnv, repo: string, branch: string) =>
  (await git(t, repo, 'branch', '--list', branch)).trim().length > 0;
