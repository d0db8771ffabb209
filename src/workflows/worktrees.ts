import path from 'node:path';
import { expandHome } from '../core/paths.js';
import { UsageError, WorkmuxError } from '../core/errors.js';
import { handleForBranch } from '../git/branch-names.js';
import type { Worktree } from '../git/repo.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Backend, PaneInfo, Tab } from '../../backends/types.js';
import type { WorkmuxContext } from './context.js';

/** A worktree workmux manages (any worktree but the main one), with its handle. */
export interface ManagedWorktree {
  handle: string;
  branch?: string;
  path: string;
  head: string;
}

/** `worktree_dir` with `~` and `{project}` expanded; relative to the project root. Default ../{project}__worktrees. */
export function worktreeDirFor(config: ResolvedConfig, projectRoot: string, projectName: string, env: NodeJS.ProcessEnv): string {
  const setting = (config.worktree_dir ?? '../{project}__worktrees').replaceAll('{project}', projectName);
  return path.resolve(projectRoot, expandHome(setting, env));
}

export function worktreePathFor(ctx: WorkmuxContext, handle: string): string {
  return path.join(worktreeDirFor(ctx.config, ctx.git.mainRoot, ctx.git.projectName, ctx.env), handle);
}

export function tabNameFor(config: ResolvedConfig, handle: string): string {
  return `${config.window_prefix}${handle}`;
}

export function toManaged(worktree: Worktree): ManagedWorktree {
  return {
    handle: worktree.branch ? handleForBranch(worktree.branch) : path.basename(worktree.path),
    branch: worktree.branch,
    path: worktree.path,
    head: worktree.head,
  };
}

/** `listing`: a `git worktree list` the caller already started (it needs the unfiltered list too). */
export async function managedWorktrees(ctx: WorkmuxContext, listing: Promise<Worktree[]> = ctx.git.listWorktrees()): Promise<ManagedWorktree[]> {
  const all = await listing;
  return all.filter((wt) => !wt.bare && path.resolve(wt.path) !== path.resolve(ctx.git.mainRoot)).map(toManaged);
}

/**
 * Finds a worktree by handle, branch or directory name; without a name, the worktree the command runs in.
 */
export async function resolveWorktree(ctx: WorkmuxContext, name: string | undefined, listing?: Promise<Worktree[]>): Promise<ManagedWorktree> {
  const worktrees = await managedWorktrees(ctx, listing);
  if (name === undefined) {
    const here = worktrees.find((wt) => path.resolve(wt.path) === path.resolve(ctx.git.root));
    if (!here) throw new UsageError('no worktree name given and this is not a workmux worktree', { hint: 'pass a name (see `workmux list`)' });
    return here;
  }
  const found =
    worktrees.find((wt) => wt.handle === name) ??
    worktrees.find((wt) => wt.branch === name) ??
    worktrees.find((wt) => path.basename(wt.path) === name);
  if (!found) throw new WorkmuxError(`no worktree named ${JSON.stringify(name)}`, { hint: 'see `workmux list` for the names' });
  return found;
}

/** Panes of the tab named `<prefix><handle>` in the current scope (empty when it is not open). */
export function panesOfTab(panes: readonly PaneInfo[], tabName: string): PaneInfo[] {
  const tabId = panes.find((pane) => pane.tabName === tabName)?.tabId;
  return tabId === undefined ? [] : panes.filter((pane) => pane.tabId === tabId);
}

export function tabFromPanes(panes: readonly PaneInfo[]): Tab | undefined {
  const first = panes[0];
  return first && { id: first.tabId, name: first.tabName, scope: first.scope, paneId: first.id };
}

/** The title the worktree's tab has on this backend (its identity for lookups). */
export function tabTitleOn(backend: Backend, config: ResolvedConfig, handle: string): string {
  const name = tabNameFor(config, handle);
  return backend.tabTitleFor?.(name) ?? name;
}

/** The open tab of a worktree in the current scope, if any. */
export async function findOpenTab(backend: Backend, config: ResolvedConfig, handle: string): Promise<{ tab: Tab; panes: PaneInfo[] } | undefined> {
  const panes = panesOfTab(await backend.listPanes(), tabTitleOn(backend, config, handle));
  const tab = tabFromPanes(panes);
  return tab && { tab, panes };
}

/** Where a branch's base is recorded: `git config branch.<b>.workmux-base`. */
export const BASE_CONFIG_KEY = (branch: string) => `branch.${branch}.workmux-base`;

/** The environment every hook gets. */
export function hookEnv(ctx: WorkmuxContext, worktree: ManagedWorktree) {
  return {
    WM_HANDLE: worktree.handle,
    WM_BRANCH: worktree.branch ?? '',
    WM_WORKTREE_PATH: worktree.path,
    WM_PROJECT_ROOT: ctx.git.mainRoot,
  };
}
