import type { WorkmuxContext } from './context.js';
import { startWorktreeTab, type StartTabOptions, type StartedTab } from './start-tab.js';
import { findOpenTab, type ManagedWorktree } from './worktrees.js';

/** Focuses the worktree's tab when it is open; otherwise opens it again and starts the agent. */
export async function openWorktree(ctx: WorkmuxContext, worktree: ManagedWorktree, options: StartTabOptions): Promise<StartedTab> {
  const backend = await ctx.backend();
  const open = await findOpenTab(backend, ctx.config, worktree.handle);
  if (open) {
    if (!options.background) await backend.focus(open.tab);
    return { tab: open.tab, attachHint: backend.attachHint?.(open.tab.scope) };
  }
  return startWorktreeTab(ctx, worktree, options);
}
