import { WorkmuxError } from '../core/errors.js';
import { openAgentsByWorktree } from '../store/agents.js';
import { typeLine } from '../../backends/session.js';
import type { PaneId } from '../../backends/types.js';
import type { WorkmuxContext } from './context.js';
import { findOpenTab, resolveWorktree } from './worktrees.js';

/** The agent pane of a worktree's open tab: the pane recorded at start, else the tab's first pane. */
export async function agentPaneOf(ctx: WorkmuxContext, name: string | undefined): Promise<PaneId> {
  const worktree = await resolveWorktree(ctx, name);
  const backend = await ctx.backend();
  const open = await findOpenTab(backend, ctx.config, worktree.handle);
  if (!open) throw new WorkmuxError(`${worktree.handle} has no open tab`, { hint: `open it with \`workmux open ${worktree.handle}\`` });
  const recorded = openAgentsByWorktree(await ctx.store(), ctx.git.mainRoot).get(worktree.path)?.pane_id;
  return open.panes.some((pane) => pane.id === recorded) ? recorded! : open.tab.paneId;
}

/** Types text into the agent pane and submits it (paste, then Enter). */
export async function sendToAgent(ctx: WorkmuxContext, name: string | undefined, text: string): Promise<void> {
  const pane = await agentPaneOf(ctx, name);
  await typeLine(await ctx.backend(), pane, text.replace(/\n+$/, ''));
}

export async function captureAgent(ctx: WorkmuxContext, name: string | undefined, lines?: number): Promise<string> {
  const pane = await agentPaneOf(ctx, name);
  return (await ctx.backend()).capture(pane, { lines });
}
