import path from 'node:path';
import { WorkmuxError } from '../core/errors.js';
import { commitsOnlyOn, mainBranchOf } from '../git/repo.js';
import { changesAlreadyIn } from '../git/merge.js';
import { branchesWithGoneUpstream, fetchAndPrune } from '../git/upstream.js';
import type { WorkmuxContext } from './context.js';
import { cleanUpWorktree, type CleanupResult } from './cleanup.js';
import { managedWorktrees, resolveWorktree, type ManagedWorktree } from './worktrees.js';

export interface RemoveOptions {
  names: string[];
  force?: boolean;
  keepBranch?: boolean;
}

export interface RemoveResult extends CleanupResult {
  handle: string;
  branch?: string;
  path: string;
}

/** A worktree a bulk remove (--gone, --all) leaves alone, and why. */
export interface SkippedWorktree {
  handle: string;
  path: string;
  reason: string;
}

export interface BulkRemovePlan {
  remove: ManagedWorktree[];
  skipped: SkippedWorktree[];
}

export interface BulkRemoveResult {
  removed: RemoveResult[];
  skipped: SkippedWorktree[];
}

export type BulkRemoveOptions = Pick<RemoveOptions, 'force' | 'keepBranch'>;

/** "it has uncommitted changes (...)" when the worktree has any, tracked or untracked. */
export async function uncommittedRisk(ctx: WorkmuxContext, worktree: ManagedWorktree): Promise<string | undefined> {
  const dirty = await ctx.git.uncommittedFiles(worktree.path);
  if (!dirty.length) return undefined;
  const shown = dirty.slice(0, 5).join(', ') + (dirty.length > 5 ? `, and ${dirty.length - 5} more` : '');
  return `it has uncommitted changes (${shown})`;
}

/** Set when deleting the branch would lose commits no other branch or remote-tracking ref has. */
export async function unmergedRisk(ctx: WorkmuxContext, worktree: ManagedWorktree): Promise<string | undefined> {
  if (!worktree.branch) return undefined;
  const unmerged = await commitsOnlyOn(ctx.git, worktree.branch);
  return unmerged > 0 ? `branch ${worktree.branch} has ${unmerged} commit${unmerged === 1 ? '' : 's'} that no other branch contains` : undefined;
}

/** Why removing this worktree would lose work, or undefined when it is safe. */
export async function workAtRisk(ctx: WorkmuxContext, worktree: ManagedWorktree, keepBranch: boolean): Promise<string | undefined> {
  return (await uncommittedRisk(ctx, worktree)) ?? (keepBranch ? undefined : await unmergedRisk(ctx, worktree));
}

/** Removes tabs, worktrees and branches; refuses to lose work without --force. Checks all names before removing any. */
export async function removeWorktrees(ctx: WorkmuxContext, options: RemoveOptions): Promise<RemoveResult[]> {
  const targets: ManagedWorktree[] = [];
  for (const name of options.names.length ? options.names : [undefined]) {
    const worktree = await resolveWorktree(ctx, name);
    if (!options.force) {
      const risk = await workAtRisk(ctx, worktree, options.keepBranch ?? false);
      if (risk) {
        throw new WorkmuxError(`refusing to remove ${worktree.handle}: ${risk}`, {
          hint: `commit or merge it first (\`workmux merge ${worktree.handle}\`), keep the branch with --keep-branch, or pass --force to discard`,
        });
      }
    }
    targets.push(worktree);
  }
  return cleanUpAll(ctx, targets, options.keepBranch ?? false);
}

/** `remove --all`: every worktree; those that would lose work are skipped (with the reason) unless --force. */
export async function planRemoveAll(ctx: WorkmuxContext, options: BulkRemoveOptions): Promise<BulkRemovePlan> {
  const plan: BulkRemovePlan = { remove: [], skipped: [] };
  for (const worktree of await managedWorktrees(ctx)) {
    const risk = options.force ? undefined : await workAtRisk(ctx, worktree, options.keepBranch ?? false);
    if (risk) plan.skipped.push({ handle: worktree.handle, path: worktree.path, reason: risk });
    else plan.remove.push(worktree);
  }
  return plan;
}

/**
 * `remove --gone`: after `git fetch --prune`, the worktrees whose branch's upstream was deleted — usually a
 * merged pull request. Its commits then often exist nowhere else (the forge squashed or rebased them), so
 * "unmerged" here means: commits no other ref has AND changes the main branch does not already contain.
 * Uncommitted changes are always a reason to skip. --force removes regardless.
 */
export async function planRemoveGone(ctx: WorkmuxContext, options: BulkRemoveOptions): Promise<BulkRemovePlan> {
  ctx.progress('git fetch --all --prune');
  await fetchAndPrune(ctx.git);
  const gone = await branchesWithGoneUpstream(ctx.git);
  const plan: BulkRemovePlan = { remove: [], skipped: [] };
  const main = await mainBranchOf(ctx.git, ctx.config.main_branch);
  for (const worktree of await managedWorktrees(ctx)) {
    if (!worktree.branch || !gone.has(worktree.branch)) continue;
    const risk = options.force ? undefined : await goneBranchRisk(ctx, worktree, main, options.keepBranch ?? false);
    if (risk) plan.skipped.push({ handle: worktree.handle, path: worktree.path, reason: risk });
    else plan.remove.push(worktree);
  }
  return plan;
}

async function goneBranchRisk(ctx: WorkmuxContext, worktree: ManagedWorktree, main: string, keepBranch: boolean): Promise<string | undefined> {
  const dirty = await uncommittedRisk(ctx, worktree);
  if (dirty || keepBranch) return dirty;
  const unmerged = await unmergedRisk(ctx, worktree);
  if (!unmerged || (await changesAlreadyIn(ctx.git, worktree.branch!, main))) return undefined;
  return `${unmerged}, and its changes are not in ${main}`;
}

/** Removes what a plan says (its safety checks already ran), the worktree this command runs in last. */
export async function removePlanned(ctx: WorkmuxContext, plan: BulkRemovePlan, options: BulkRemoveOptions): Promise<BulkRemoveResult> {
  return { removed: await cleanUpAll(ctx, plan.remove, options.keepBranch ?? false), skipped: plan.skipped };
}

async function cleanUpAll(ctx: WorkmuxContext, worktrees: readonly ManagedWorktree[], keepBranch: boolean): Promise<RemoveResult[]> {
  const isCallers = (wt: ManagedWorktree) => path.resolve(wt.path) === path.resolve(ctx.git.root);
  const ordered = [...worktrees.filter((wt) => !isCallers(wt)), ...worktrees.filter(isCallers)];
  const results: RemoveResult[] = [];
  for (const worktree of ordered) {
    const cleaned = await cleanUpWorktree(ctx, worktree, { deleteBranch: !keepBranch, forceBranch: true, runHooks: true });
    results.push({ handle: worktree.handle, branch: worktree.branch, path: worktree.path, ...cleaned });
  }
  return results;
}
