import type { WorkmuxContext } from './context.js';
import { sendToAgent } from './tab-io.js';
import { startWorktreeTab, type StartTabOptions, type StartedTab } from './start-tab.js';
import { findOpenTab, panesOfTab, tabFromPanes, tabTitleOn, type ManagedWorktree } from './worktrees.js';

/**
 * Focuses the worktree's tab when it is open — in the current scope first, then in any other (a tmux
 * session, WezTerm workspace or cmux window: the backend jumps there) — instead of opening a duplicate;
 * otherwise opens it again and starts the agent.
 */
export async function openWorktree(ctx: WorkmuxContext, worktree: ManagedWorktree, options: StartTabOptions): Promise<StartedTab> {
  const backend = await ctx.availableBackend();
  const open =
    (await findOpenTab(backend, ctx.config, worktree.handle))?.tab ??
    tabFromPanes(panesOfTab(await backend.listPanes({ allScopes: true }), tabTitleOn(backend, ctx.config, worktree.handle)));
  if (open) {
    if (!options.background) await backend.focus(open);
    // A prompt for an agent that is already running is typed into it, not dropped.
    if (options.prompt !== undefined) await sendToAgent(ctx, worktree.handle, options.prompt);
    return { tab: open, attachHint: backend.attachHint?.(open.scope) };
  }
  return startWorktreeTab(ctx, worktree, options);
}
