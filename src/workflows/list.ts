import { storedBases } from '../git/repo.js';
import { openAgentsByWorktree } from '../store/agents.js';
import type { PaneInfo } from '../../backends/types.js';
import type { WorkmuxContext } from './context.js';
import { managedWorktrees, panesOfTab, tabNameFor, tabTitleOn } from './worktrees.js';

export interface WorktreeListing {
  handle: string;
  branch: string | null;
  path: string;
  base: string | null;
  dirty: boolean;
  /** Tab name when a tab for the worktree is open in the current scope, else null. */
  tab: string | null;
  backend: string | null;
  agent: string | null;
  status: string | null;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Every workmux worktree with its base, dirtiness, open tab and agent. One pane listing for all of them; tabs
 * are looked for in the current scope (tmux session, WezTerm workspace, cmux window), or in all with allScopes.
 */
export async function listWorktrees(ctx: WorkmuxContext, options: { allScopes?: boolean } = {}): Promise<WorktreeListing[]> {
  const [worktrees, bases, panes, agents] = await Promise.all([
    managedWorktrees(ctx),
    storedBases(ctx.git),
    // A missing or unreachable multiplexer must not hide the worktrees.
    ctx.backend().then((backend) => backend.listPanes({ allScopes: options.allScopes })).catch((): PaneInfo[] => []),
    ctx.store().then((db) => openAgentsByWorktree(db, ctx.git.mainRoot)),
  ]);
  const backend = await ctx.backend().catch(() => undefined);
  const dirty = await mapLimit(worktrees, 8, async (wt) => (await ctx.git.uncommittedFiles(wt.path).catch(() => [])).length > 0);
  return worktrees.map((wt, index) => {
    const tabPanes = panesOfTab(panes, backend ? tabTitleOn(backend, ctx.config, wt.handle) : tabNameFor(ctx.config, wt.handle));
    const agent = agents.get(wt.path);
    return {
      handle: wt.handle,
      branch: wt.branch ?? null,
      path: wt.path,
      base: (wt.branch && bases.get(wt.branch)) || null,
      dirty: dirty[index]!,
      tab: tabPanes.length ? tabPanes[0]!.tabName : null,
      backend: tabPanes.length ? (backend?.kind ?? null) : (agent?.backend ?? null),
      agent: agent?.agent || null,
      status: tabPanes.length ? (agent?.status ?? null) : null,
    };
  });
}
