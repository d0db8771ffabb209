import { storedBases } from '../git/repo.js';
import { worktreesWithChanges } from '../git/worktree-status.js';
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

/**
 * Every workmux worktree with its base, dirtiness, open tab and agent. One pane listing for all of them; tabs
 * are looked for in the current scope (tmux session, WezTerm workspace, cmux window), or in all with allScopes.
 */
export async function listWorktrees(ctx: WorkmuxContext, options: { allScopes?: boolean } = {}): Promise<WorktreeListing[]> {
  // Order matters for speed, not for the result: the pane listing is a process, so it starts first and runs
  // while this process reads the repository's files (worktrees, status fingerprints, base records) — and
  // those come before the store opens, so a `git status` they may need starts early too.
  // A missing or unreachable multiplexer must not hide the worktrees.
  const panes = ctx.backend().then((backend) => backend.listPanes({ allScopes: options.allScopes })).catch((): PaneInfo[] => []);
  const paneListingStarted = new Promise((resolve) => setImmediate(resolve));
  const listed = paneListingStarted.then(() => managedWorktrees(ctx));
  const dirty = listed.then((all) => worktreesWithChanges(ctx.git, all.map((wt) => wt.path), { env: ctx.env }));
  const bases = listed.then(() => storedBases(ctx.git));
  const agents = ctx.store().then((db) => openAgentsByWorktree(db, ctx.git.mainRoot));
  const [worktrees, dirtyByIndex, basesByBranch, allPanes, agentsByPath] = await Promise.all([listed, dirty, bases, panes, agents]);
  const backend = await ctx.backend().catch(() => undefined);
  return worktrees.map((wt, index) => {
    const tabPanes = panesOfTab(allPanes, backend ? tabTitleOn(backend, ctx.config, wt.handle) : tabNameFor(ctx.config, wt.handle));
    const agent = agentsByPath.get(wt.path);
    return {
      handle: wt.handle,
      branch: wt.branch ?? null,
      path: wt.path,
      base: (wt.branch && basesByBranch.get(wt.branch)) || null,
      dirty: dirtyByIndex[index]!,
      tab: tabPanes.length ? tabPanes[0]!.tabName : null,
      backend: tabPanes.length ? (backend?.kind ?? null) : (agent?.backend ?? null),
      agent: agent?.agent || null,
      status: tabPanes.length ? (agent?.status ?? null) : null,
    };
  });
}
