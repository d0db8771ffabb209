import { WorkmuxError } from '../core/errors.js';
import { resolveAgent } from '../agents/profiles.js';
import { openAgentsByWorktree } from '../store/agents.js';
import { exitAgent, paneBackToShell, type ExitOutcome } from '../../backends/exit-escalation.js';
import type { Backend, PaneInfo } from '../../backends/types.js';
import type { WorkmuxContext } from './context.js';
import { findOpenTab, resolveWorktree, type ManagedWorktree } from './worktrees.js';

/**
 * Asks the agent in a worktree's tab to exit through the shared exit ladder (its own exit command, then
 * Ctrl-C, then Ctrl-D). Undefined when no agent was started there (a plain shell tab).
 */
export async function exitAgentInTab(ctx: WorkmuxContext, backend: Backend, worktree: ManagedWorktree, panes: readonly PaneInfo[]): Promise<ExitOutcome | undefined> {
  const record = openAgentsByWorktree(await ctx.store(), ctx.git.mainRoot).get(worktree.path);
  if (!record?.agent || panes.length === 0) return undefined;
  const pane = panes.find((p) => p.id === record.pane_id) ?? panes[0]!;
  const profile = resolveAgent(record.agent, ctx.config.agents).profile;
  return exitAgent(backend, pane.id, {
    exitText: profile?.exit.text,
    exitKey: profile?.exit.key,
    // Backends that report the foreground process (tmux) know for sure; the others read the screen.
    isExited: pane.currentCommand ? paneBackToShell(backend, pane.id) : undefined,
  });
}

export interface StopResult {
  handle: string;
  stopped: boolean;
  tier?: string;
}

/** `workmux stop <name>`: the agent exits, the tab stays with its shell. */
export async function stopAgent(ctx: WorkmuxContext, name: string | undefined): Promise<StopResult> {
  const worktree = await resolveWorktree(ctx, name);
  const backend = await ctx.availableBackend();
  const open = await findOpenTab(backend, ctx.config, worktree.handle);
  if (!open) throw new WorkmuxError(`${worktree.handle} has no open tab`, { hint: 'nothing to stop' });
  const outcome = await exitAgentInTab(ctx, backend, worktree, open.panes);
  if (!outcome) return { handle: worktree.handle, stopped: false };
  if (!outcome.exited) throw new WorkmuxError(outcome.error.message, { hint: outcome.error.hint, detail: `the pane shows:\n${outcome.screen.trimEnd()}` });
  return { handle: worktree.handle, stopped: true, tier: outcome.tier };
}
