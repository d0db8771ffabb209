import { WorkmuxError } from '../core/errors.js';
import { commitsOnlyOn } from '../git/repo.js';
import type { WorkmuxContext } from './context.js';
import { cleanUpWorktree, type CleanupResult } from './cleanup.js';
import { resolveWorktree, type ManagedWorktree } from './worktrees.js';

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

/** Why removing this worktree would lose work, or undefined when it is safe. */
export async function workAtRisk(ctx: WorkmuxContext, worktree: ManagedWorktree, keepBranch: boolean): Promise<string | undefined> {
  const dirty = await ctx.git.uncommittedFiles(worktree.path);
  if (dirty.length) {
    const shown = dirty.slice(0, 5).join(', ') + (dirty.length > 5 ? `, and ${dirty.length - 5} more` : '');
    return `it has uncommitted changes (${shown})`;
  }
  if (!keepBranch && worktree.branch) {
    const unmerged = await commitsOnlyOn(ctx.git, worktree.branch);
    if (unmerged > 0) return `branch ${worktree.branch} has ${unmerged} commit${unmerged === 1 ? '' : 's'} that no other branch contains`;
  }
  return undefined;
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
  const results: RemoveResult[] = [];
  for (const worktree of targets) {
    const cleaned = await cleanUpWorktree(ctx, worktree, { deleteBranch: !options.keepBranch, forceBranch: true, runHooks: true });
    results.push({ handle: worktree.handle, branch: worktree.branch, path: worktree.path, ...cleaned });
  }
  return results;
}
