import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run, type RunResult } from '../core/exec.js';
import { CommandError, WorkmuxError } from '../core/errors.js';
import type { Git } from './repo.js';

/**
 * The three ways `workmux merge` lands a branch, as git-layer steps. Each one, when git fails, undoes its
 * own half-done operation (`merge --abort`, `rebase --abort`, `reset --merge`) before throwing; the
 * workflow additionally checks the result against a snapshot (repo-state.ts).
 */

export type MergeStrategy = 'merge' | 'rebase' | 'squash';

/** Commit hooks may run a test suite: far longer than the runner's default timeout. */
const LANDING_TIMEOUT_MS = 15 * 60_000;
/** No git step may stop for an editor: stdin is not a terminal here. */
const NO_EDITOR_ENV = { GIT_EDITOR: 'true', GIT_SEQUENCE_EDITOR: 'true', GIT_MERGE_AUTOEDIT: 'no' };

function gitIn(cwd: string, args: readonly string[]): Promise<RunResult> {
  return run(['git', ...args], { cwd, env: NO_EDITOR_ENV, timeout: LANDING_TIMEOUT_MS, reject: false });
}

async function gitOk(cwd: string, args: readonly string[]): Promise<string> {
  const result = await gitIn(cwd, args);
  if (result.exitCode !== 0) throw new CommandError(['git', ...args], result);
  return result.stdout;
}

/** A merge, rebase or squash stopped on conflicts; it was undone before this was thrown. */
export class MergeConflictError extends WorkmuxError {
  constructor(
    readonly strategy: MergeStrategy,
    readonly branch: string,
    readonly target: string,
    readonly files: string[],
    hint: string,
  ) {
    const shown = files.slice(0, 10).join(', ') + (files.length > 10 ? `, and ${files.length - 10} more` : '');
    const verb = strategy === 'rebase' ? `rebasing ${branch} onto ${target}` : `${strategy === 'squash' ? 'squashing' : 'merging'} ${branch} into ${target}`;
    super(`${verb} conflicts in ${shown}; it was aborted and nothing changed`, { hint });
    this.name = 'MergeConflictError';
  }
}

export interface LandingStep {
  branch: string;
  target: string;
  noVerify: boolean;
  /** What to do next after a conflict (the workflow knows the worktree's handle). */
  conflictHint: string;
}

/** Unmerged paths of a worktree (during a conflicted merge or rebase). */
export async function conflictingFiles(cwd: string): Promise<string[]> {
  const out = await gitIn(cwd, ['diff', '--name-only', '--diff-filter=U', '-z']);
  return [...new Set(out.stdout.split('\0').filter(Boolean))];
}

const verifyArgs = (noVerify: boolean) => (noVerify ? ['--no-verify'] : []);

/** After git failed: undo with `undo`, then throw a conflict error naming the files, or git's own error. */
async function undoAndThrow(cwd: string, step: LandingStep, strategy: MergeStrategy, failed: { argv: string[]; result: RunResult }, undo: string[]): Promise<never> {
  const files = await conflictingFiles(cwd);
  await gitIn(cwd, undo);
  if (files.length) throw new MergeConflictError(strategy, step.branch, step.target, files, step.conflictHint);
  // Not a conflict (a git hook refused, an untracked file was in the way): show git's whole output.
  const output = `${failed.result.stdout}${failed.result.stderr}`.trim();
  throw new WorkmuxError(`${failed.argv.slice(0, 2).join(' ')} failed (exit ${failed.result.exitCode}); it was undone and nothing changed`, {
    detail: output ? `--- git output ---\n${output}` : undefined,
  });
}

/** `git merge` of the branch, run in the worktree that has the target checked out. */
export async function mergeBranch(cwd: string, step: LandingStep & { noFf: boolean; message?: string }): Promise<void> {
  const argv = ['merge', '--no-edit', ...(step.noFf ? ['--no-ff'] : []), ...verifyArgs(step.noVerify),
    ...(step.message === undefined ? [] : ['-m', step.message]), '--', step.branch];
  const result = await gitIn(cwd, argv);
  if (result.exitCode !== 0) await undoAndThrow(cwd, step, 'merge', { argv: ['git', ...argv], result }, ['merge', '--abort']);
}

/** Rebases the branch onto the target inside the branch's own worktree. */
export async function rebaseBranch(cwd: string, step: LandingStep): Promise<void> {
  const argv = ['rebase', ...verifyArgs(step.noVerify), step.target];
  const result = await gitIn(cwd, argv);
  if (result.exitCode !== 0) await undoAndThrow(cwd, step, 'rebase', { argv: ['git', ...argv], result }, ['rebase', '--abort']);
}

/**
 * Moves the target to the (rebased) branch tip: `merge --ff-only` where the target is checked out, else a
 * compare-and-swap update-ref, so no worktree has to switch branches.
 */
export async function fastForward(git: Git, step: { branch: string; target: string; targetPath?: string }): Promise<void> {
  if (step.targetPath) {
    await gitOk(step.targetPath, ['merge', '--ff-only', '--', step.branch]);
    return;
  }
  const [tip = '', old = ''] = (await gitOk(git.mainRoot, ['rev-parse', `refs/heads/${step.branch}`, `refs/heads/${step.target}`])).trim().split('\n');
  await gitOk(git.mainRoot, ['update-ref', '-m', `workmux merge: fast-forward to ${step.branch}`, `refs/heads/${step.target}`, tip, old]);
}

/** The squash commit's message: a title, then every squashed subject (oldest first). Pure. */
export function squashMessage(branch: string, target: string, subjects: readonly string[]): string {
  const count = `${subjects.length} commit${subjects.length === 1 ? '' : 's'}`;
  return `Squash branch '${branch}' into ${target} (${count})\n\n${subjects.map((subject) => `- ${subject}`).join('\n')}\n`;
}

/** Subjects of the commits on `branch` that `target` lacks, oldest first. */
export async function subjectsToLand(git: Git, branch: string, target: string): Promise<string[]> {
  // -z: NUL-terminated, so a commit with an empty subject still counts.
  const out = (await run(['git', 'log', '-z', '--reverse', '--format=%s', `refs/heads/${target}..refs/heads/${branch}`], { cwd: git.mainRoot })).stdout;
  return out.split('\0').slice(0, -1);
}

/**
 * `git merge --squash` + one commit, in the worktree that has the target checked out. Returns false when the
 * branch's changes are already all in the target (nothing to commit). A failure resets the squash.
 */
export async function squashBranch(cwd: string, step: LandingStep & { message: string }): Promise<boolean> {
  const argv = ['merge', '--squash', '--', step.branch];
  const merged = await gitIn(cwd, argv);
  if (merged.exitCode !== 0) await undoAndThrow(cwd, step, 'squash', { argv: ['git', ...argv], result: merged }, ['reset', '--merge']);
  const commit = ['commit', '--quiet', ...verifyArgs(step.noVerify), '-F', '-'];
  const committed = await run(['git', ...commit], { cwd, env: NO_EDITOR_ENV, timeout: LANDING_TIMEOUT_MS, reject: false, input: step.message });
  if (committed.exitCode === 0) return true;
  if ((await gitIn(cwd, ['diff', '--cached', '--quiet'])).exitCode === 0) {
    await gitIn(cwd, ['reset', '--merge']); // nothing was staged: just clear SQUASH_MSG
    return false;
  }
  return undoAndThrow(cwd, step, 'squash', { argv: ['git', ...commit], result: committed }, ['reset', '--merge']);
}

/**
 * Runs `fn` in a throwaway worktree that has `target` checked out, for when no worktree has it: the user's
 * own checkouts never switch branches behind their back. Removed afterwards whatever happens.
 */
export async function withTemporaryCheckout<T>(git: Git, target: string, fn: (worktreePath: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workmux-merge-'));
  try {
    await gitOk(git.mainRoot, ['worktree', 'add', '--quiet', dir, target]);
    return await fn(dir);
  } finally {
    await git.removeWorktree(dir);
  }
}

/** True when `ancestor` is reachable from `descendant`. */
export async function isAncestor(git: Git, ancestor: string, descendant: string): Promise<boolean> {
  return (await gitIn(git.mainRoot, ['merge-base', '--is-ancestor', ancestor, descendant])).exitCode === 0;
}

/**
 * True when merging `branch` into `target` would change nothing: its changes already landed there, also by a
 * squash or rebase merge elsewhere (a forge). Uses `git merge-tree --write-tree` (git ≥ 2.38), touching no worktree.
 */
export async function changesAlreadyIn(git: Git, branch: string, target: string): Promise<boolean> {
  const merged = await gitIn(git.mainRoot, ['merge-tree', '--write-tree', `refs/heads/${target}`, `refs/heads/${branch}`]);
  if (merged.exitCode !== 0) return false; // conflicts (1) or an old git: not provably contained
  const tree = merged.stdout.split('\n')[0]?.trim();
  const targetTree = (await gitIn(git.mainRoot, ['rev-parse', `refs/heads/${target}^{tree}`])).stdout.trim();
  return tree !== undefined && tree === targetTree;
}
