import path from 'node:path';
import { WorkmuxError } from '../core/errors.js';
import { runHooks } from '../core/hooks.js';
import { assertProjectCommandsTrusted } from '../config/load.js';
import { recordAgentClosed } from '../store/agents.js';
import type { Backend, PaneInfo, Tab } from '../../backends/types.js';
import { exitAgentInTab } from './stop.js';
import type { WorkmuxContext } from './context.js';
import { findOpenTab, hookEnv, type ManagedWorktree } from './worktrees.js';

export interface CleanupOptions {
  deleteBranch: boolean;
  /** Delete the branch even if it has commits no other ref has (-D). */
  forceBranch: boolean;
  runHooks: boolean;
}

export interface CleanupResult {
  tabClosed: boolean;
  /** The tab is the caller's own: it closes once this process has finished. */
  tabCloseDeferred: boolean;
  worktreeRemoved: boolean;
  branchDeleted: boolean;
}

function isWithin(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** True when this process runs inside one of the tab's panes. */
export function isCallerInside(callerPane: string | undefined, panes: readonly PaneInfo[]): boolean {
  return callerPane !== undefined && panes.some((pane) => pane.id === callerPane);
}

/**
 * Lets the agent exit through the exit ladder first (so it can save its session), then closes the tab.
 * Never used on the caller's own tab: typing /exit or Ctrl-C there would hit this very command.
 */
async function closeGracefully(ctx: WorkmuxContext, backend: Backend, worktree: ManagedWorktree, open: { tab: Tab; panes: PaneInfo[] }): Promise<void> {
  const outcome = await exitAgentInTab(ctx, backend, worktree, open.panes);
  if (outcome && !outcome.exited) ctx.progress(`${outcome.error.message}; closing its tab anyway`);
  await backend.closeTab(open.tab);
}

/** Closes a worktree's tab (now, or deferred when we run inside it). */
export async function closeWorktreeTab(ctx: WorkmuxContext, worktree: ManagedWorktree): Promise<{ tab?: Tab; deferred: boolean }> {
  const backend = await ctx.backend();
  const open = await findOpenTab(backend, ctx.config, worktree.handle);
  if (!open) return { deferred: false };
  const inside = isCallerInside(backend.callerPane(), open.panes);
  if (inside) await backend.closeTabDeferred(open.tab);
  else await closeGracefully(ctx, backend, worktree, open);
  recordAgentClosed(await ctx.store(), worktree.path);
  return { tab: open.tab, deferred: inside };
}

/**
 * pre_remove hooks → close the tab → remove the worktree (trash-rename first) → delete the branch.
 * When run from inside the tab, the tab closes last, after this process is done.
 */
export async function cleanUpWorktree(ctx: WorkmuxContext, worktree: ManagedWorktree, options: CleanupOptions): Promise<CleanupResult> {
  if (options.runHooks && ctx.config.pre_remove.length) {
    assertProjectCommandsTrusted(ctx.config);
    await runHooks('pre_remove', ctx.config.pre_remove, { cwd: worktree.path, env: hookEnv(ctx, worktree), baseEnv: ctx.env, progress: ctx.progress });
  }
  const backend = await ctx.backend();
  const open = await findOpenTab(backend, ctx.config, worktree.handle);
  const inside = open !== undefined && isCallerInside(backend.callerPane(), open.panes);
  if (open && !inside) await closeGracefully(ctx, backend, worktree, open);
  ctx.progress(`removing worktree ${worktree.path}`);
  // Commands run after this (git, the multiplexer) must not start in a directory that no longer exists.
  if (isWithin(process.cwd(), worktree.path)) process.chdir(ctx.git.mainRoot);
  await ctx.git.removeWorktree(worktree.path);
  let branchDeleted = false;
  if (options.deleteBranch && worktree.branch) {
    await ctx.git.withLock(async () => {
      try {
        await ctx.git.deleteBranch(worktree.branch!, options.forceBranch);
      } catch (error) {
        throw new WorkmuxError(`worktree removed, but branch ${worktree.branch} was kept: ${(error as Error).message}`, {
          hint: `delete it with \`git branch -D ${worktree.branch}\` once you are sure`,
          cause: error,
        });
      }
      await ctx.git.configUnsetSection(`branch.${worktree.branch}`);
    });
    branchDeleted = true;
  }
  recordAgentClosed(await ctx.store(), worktree.path);
  if (open && inside) await backend.closeTabDeferred(open.tab);
  return { tabClosed: open !== undefined, tabCloseDeferred: inside, worktreeRemoved: true, branchDeleted };
}
