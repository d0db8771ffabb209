import { UsageError, WorkmuxError } from '../core/errors.js';
import { runHooks } from '../core/hooks.js';
import { assertProjectCommandsTrusted } from '../config/load.js';
import { handleForBranch } from '../git/branch-names.js';
import { mainBranchOf, storedBases } from '../git/repo.js';
import {
  fastForward, isAncestor, mergeBranch, rebaseBranch, squashBranch, squashMessage, subjectsToLand, withTemporaryCheckout,
  type LandingStep, type MergeStrategy,
} from '../git/merge.js';
import {
  hasNoTrackedChanges, operationsInProgress, pathsInStatus, restoreSnapshot, takeSnapshot, type RepoSnapshot,
} from '../git/repo-state.js';
import type { WorkmuxContext } from './context.js';
import { findOpenTab, hookEnv, resolveWorktree, type ManagedWorktree } from './worktrees.js';

export interface MergeOptions {
  /** Handle or branch; default: the worktree the command runs in. */
  name?: string;
  into?: string;
  strategy?: MergeStrategy;
  keep?: boolean;
  noVerify?: boolean;
  noHooks?: boolean;
  ignoreUncommitted?: boolean;
  message?: string;
}

/** What `workmux merge --json` prints. */
export interface MergeSummary {
  branch: string;
  target: string;
  strategy: MergeStrategy;
  /** Commits the branch had that the target lacked. */
  commits: number;
  /** Tab, worktree and branch were cleaned up. */
  cleaned: boolean;
}

export interface MergeOutcome extends MergeSummary {
  handle: string;
  /** For humans: what was kept and why, where the user landed. */
  notes: string[];
}

interface MergePlan {
  worktree: ManagedWorktree & { branch: string };
  target: string;
  /** Where the target came from, for the message when it does not exist. */
  targetSource: 'into' | 'base' | 'main';
  /**
   * The worktree that has the target checked out. When none has, merge and squash run in a throwaway
   * checkout of the target and rebase fast-forwards it with update-ref, so no worktree of the user's
   * (the main one included) switches branches behind their back.
   */
  targetPath?: string;
  strategy: MergeStrategy;
}

const listOf = (files: readonly string[]) => files.slice(0, 5).join(', ') + (files.length > 5 ? `, and ${files.length - 5} more` : '');

/**
 * Lands a worktree's branch on its target (merge, rebase or squash), then cleans up tab, worktree and branch.
 * A failed landing leaves branch, target, both worktrees and the index exactly as they were.
 */
export async function mergeWorktree(ctx: WorkmuxContext, options: MergeOptions): Promise<MergeOutcome> {
  let plan = await planMerge(ctx, options);
  if (!options.noHooks && ctx.config.pre_merge.length) {
    assertProjectCommandsTrusted(ctx.config);
    const checked = await snapshotConfirmingTarget(ctx, plan);
    plan = checked.plan;
    refuseUnsafeState(plan, checked.snapshot, options); // before a hook that may take minutes
    await runHooks('pre_merge', ctx.config.pre_merge, {
      cwd: plan.worktree.path,
      env: { ...hookEnv(ctx, plan.worktree), WM_TARGET_BRANCH: plan.target },
      baseEnv: ctx.env,
      progress: ctx.progress,
    });
  }
  // The lock keeps two merges from landing in the same worktree at once (and restoring over each other).
  const landed = await ctx.git.withLock(async () => {
    // After the hooks: they may have changed files. Read-only, so the two run side by side.
    const planned = plan;
    const log = subjectsToLand(ctx.git, planned.worktree.branch, planned.target);
    log.catch(() => undefined); // settled below, once the target is known to exist
    const checked = await snapshotConfirmingTarget(ctx, planned);
    plan = checked.plan;
    const before = checked.snapshot;
    const branchDirty = refuseUnsafeState(plan, before, options); // names a missing target: the likeliest reason the log failed
    const subjects = await (plan === planned ? log : subjectsToLand(ctx.git, plan.worktree.branch, plan.target));
    if (subjects.length > 0) await landRestoringOnFailure(ctx, plan, options, before, subjects);
    else ctx.progress(`${plan.worktree.branch} has no commits that ${plan.target} lacks: nothing to land`);
    return { commits: subjects.length, branchDirty };
  });
  const { worktree, target, strategy } = plan;
  const outcome: MergeOutcome = { branch: worktree.branch, target, strategy, commits: landed.commits, cleaned: false, handle: worktree.handle, notes: [] };
  if (options.keep || ctx.config.merge_keep) return outcome;
  if (landed.branchDirty.length) {
    outcome.notes.push(`kept ${worktree.path} and branch ${worktree.branch}: uncommitted changes (${listOf(landed.branchDirty)}); ` +
      `remove it with \`workmux remove --force ${worktree.handle}\``);
    return outcome;
  }
  await cleanUpAfterMerge(ctx, plan, options, outcome);
  return outcome;
}

/**
 * The snapshot the safety checks and the restore work from. A stored base is planned as the target
 * without asking git whether it still exists (one process fewer on every merge): the snapshot's ref read
 * answers that, and when the base is gone the main branch is the target after all, as it always was.
 */
async function snapshotConfirmingTarget(ctx: WorkmuxContext, plan: MergePlan): Promise<{ plan: MergePlan; snapshot: RepoSnapshot }> {
  const snapshot = await snapshotFor(ctx, plan);
  if (plan.targetSource !== 'base' || snapshot.refs[`refs/heads/${plan.target}`]) return { plan, snapshot };
  const target = await mainBranchOf(ctx.git, ctx.config.main_branch);
  refuseMergeIntoItself(plan.worktree.branch, target);
  const targetPath = (await ctx.git.listWorktrees()).find((wt) => wt.branch === target)?.path;
  const onMain: MergePlan = { ...plan, target, targetSource: 'main', targetPath };
  return { plan: onMain, snapshot: await snapshotFor(ctx, onMain) };
}

async function planMerge(ctx: WorkmuxContext, options: MergeOptions): Promise<MergePlan> {
  // Independent reads side by side: each git process costs start-up time.
  const listing = ctx.git.listWorktrees();
  const [worktree, worktrees, bases] = await Promise.all([
    resolveWorktree(ctx, options.name, listing),
    listing,
    options.into === undefined ? storedBases(ctx.git) : new Map<string, string>(),
  ]);
  const branch = worktree.branch;
  if (!branch) throw new WorkmuxError(`${worktree.path} has a detached HEAD: there is no branch to merge`, { hint: 'check out a branch there first' });
  const strategy = options.strategy ?? ctx.config.merge_strategy;
  if (strategy === 'rebase' && options.message !== undefined) {
    throw new UsageError('-m sets the message of a merge or squash commit, and a rebase makes none', { hint: 'drop -m, or use --squash' });
  }
  const { target, source } = await targetFor(ctx, branch, options.into, bases.get(branch));
  refuseMergeIntoItself(branch, target);
  const targetPath = worktrees.find((wt) => wt.branch === target)?.path;
  return { worktree: { ...worktree, branch }, target, targetSource: source, targetPath, strategy };
}

function refuseMergeIntoItself(branch: string, target: string): void {
  if (target === branch) throw new UsageError(`cannot merge ${branch} into itself`, { hint: 'pass --into <branch>' });
}

/**
 * `--into`, else the stored base (`branch.<b>.workmux-base`), else the main branch. Existence is checked
 * later, on the snapshot: a base that is gone falls back to the main branch (snapshotConfirmingTarget),
 * a missing --into or main branch is refused (refuseUnsafeState).
 */
async function targetFor(
  ctx: WorkmuxContext, branch: string, into: string | undefined, base: string | undefined,
): Promise<{ target: string; source: MergePlan['targetSource'] }> {
  if (into !== undefined) return { target: into, source: 'into' };
  if (base && base !== branch) return { target: base, source: 'base' };
  return { target: await mainBranchOf(ctx.git, ctx.config.main_branch), source: 'main' };
}

function missingTargetError(plan: MergePlan): WorkmuxError {
  return plan.targetSource === 'into'
    ? new UsageError(`--into ${plan.target}: there is no local branch of that name`, { hint: 'see `git branch`' })
    : new WorkmuxError(`the main branch ${plan.target} does not exist locally`, { hint: 'pass --into <branch>, or set main_branch in the config' });
}

function snapshotFor(ctx: WorkmuxContext, plan: MergePlan): Promise<RepoSnapshot> {
  return takeSnapshot(ctx.git.mainRoot, {
    refs: [`refs/heads/${plan.worktree.branch}`, `refs/heads/${plan.target}`],
    worktrees: plan.targetPath ? [plan.worktree.path, plan.targetPath] : [plan.worktree.path],
  });
}

/** Refuses dirty or busy worktrees; returns the branch worktree's uncommitted files (allowed by --ignore-uncommitted). */
function refuseUnsafeState(plan: MergePlan, snapshot: RepoSnapshot, options: MergeOptions): string[] {
  const { worktree, target, targetPath } = plan;
  if (!snapshot.refs[`refs/heads/${target}`]) throw missingTargetError(plan);
  for (const state of snapshot.worktrees) {
    const busy = operationsInProgress(state);
    if (busy.length) {
      throw new WorkmuxError(`${state.path} has an unfinished git operation (${busy.join(', ')})`, {
        hint: 'finish or abort it there first (`git merge --abort`, `git rebase --abort`)',
      });
    }
  }
  const [branchState, targetState] = snapshot.worktrees;
  const branchDirty = pathsInStatus(branchState!.status);
  if (branchDirty.length && !options.ignoreUncommitted) {
    throw new WorkmuxError(`${worktree.handle} has uncommitted changes: ${listOf(branchDirty)}`, {
      hint: 'commit them (or ask the agent to), or pass --ignore-uncommitted to land only what is committed',
    });
  }
  if (plan.strategy === 'rebase' && !hasNoTrackedChanges(branchState!.status)) {
    throw new WorkmuxError(`cannot rebase ${worktree.branch}: its worktree has uncommitted changes to tracked files (${listOf(branchDirty)})`, {
      hint: 'commit them first, or use --squash or the merge strategy, which leave the branch worktree alone',
    });
  }
  const targetDirty = targetState ? pathsInStatus(targetState.status) : [];
  if (targetDirty.length) {
    throw new WorkmuxError(`the target worktree ${targetPath} (${target}) has uncommitted changes: ${listOf(targetDirty)}`, {
      hint: 'commit or stash them there first',
    });
  }
  return branchDirty;
}

/** Runs the strategy; on any failure puts the snapshot back and proves it, or says loudly what still differs. */
async function landRestoringOnFailure(ctx: WorkmuxContext, plan: MergePlan, options: MergeOptions, before: RepoSnapshot, subjects: string[]): Promise<void> {
  try {
    await land(ctx, plan, options, subjects);
  } catch (error) {
    const remaining = await restoreSnapshot(ctx.git.mainRoot, before);
    if (remaining.length === 0) throw error;
    const refs = Object.entries(before.refs).map(([ref, id]) => `${ref}=${id ?? '(none)'}`).join(' ');
    throw new WorkmuxError(`${(error as Error).message} — and the repository could not be fully restored: ${remaining.join('; ')}`, {
      hint: `before the merge: ${refs}; inspect with \`git status\` and \`git reflog\``,
      detail: (error as WorkmuxError).detail,
      cause: error,
    });
  }
}

async function land(ctx: WorkmuxContext, plan: MergePlan, options: MergeOptions, subjects: string[]): Promise<void> {
  const { git } = ctx;
  const { worktree, target, targetPath, strategy } = plan;
  const branch = worktree.branch;
  const step: LandingStep = {
    branch,
    target,
    noVerify: Boolean(options.noVerify),
    conflictHint: `resolve it in the worktree: \`workmux open ${worktree.handle}\`, then \`git rebase ${target}\` by hand (or ask the agent to), ` +
      `then run \`workmux merge ${worktree.handle}\` again`,
  };
  const inTarget = <T>(fn: (cwd: string) => Promise<T>) => (targetPath ? fn(targetPath) : withTemporaryCheckout(git, target, fn));
  if (strategy === 'merge') {
    ctx.progress(`merging ${branch} into ${target}`);
    await inTarget((cwd) => mergeBranch(cwd, { ...step, noFf: ctx.config.merge_no_ff, message: options.message }));
  } else if (strategy === 'squash') {
    ctx.progress(`squashing ${branch} into ${target}`);
    const message = options.message ?? squashMessage(branch, target, subjects);
    const committed = await inTarget((cwd) => squashBranch(cwd, { ...step, message }));
    if (!committed) ctx.progress(`the changes of ${branch} are already in ${target}: no squash commit needed`);
  } else {
    ctx.progress(`rebasing ${branch} onto ${target}`);
    await rebaseBranch(worktree.path, step);
    await fastForward(git, { branch, target, targetPath });
  }
}

/**
 * pre_remove hooks, tab, worktree, branch — the same cleanup `workmux remove` does. The branch is deleted
 * only when the target now contains it (checked here against the real target: `git branch -d` would judge
 * by whatever HEAD the main worktree has); a squash landed its changes as a new commit, so -D is right.
 */
async function cleanUpAfterMerge(ctx: WorkmuxContext, plan: MergePlan, options: MergeOptions, outcome: MergeOutcome): Promise<void> {
  const { worktree, target } = plan;
  const contained = plan.strategy === 'squash' || (await isAncestor(ctx.git, `refs/heads/${worktree.branch}`, `refs/heads/${target}`));
  if (!contained) outcome.notes.push(`kept branch ${worktree.branch}: ${target} does not contain it`);
  const { cleanUpWorktree } = await import('./cleanup.js'); // not loaded for --keep
  let cleanup;
  try {
    cleanup = await cleanUpWorktree(ctx, worktree, { deleteBranch: contained, forceBranch: true, runHooks: !options.noHooks });
  } catch (error) {
    const failure = error as WorkmuxError;
    throw new WorkmuxError(`${worktree.branch} was landed on ${target}, but cleaning up failed: ${failure.message}`, {
      hint: failure.hint ?? `finish with \`workmux remove ${worktree.handle}\``,
      detail: failure.detail,
      cause: error,
    });
  }
  outcome.cleaned = true;
  if (cleanup.tabCloseDeferred) {
    // We ran inside the tab that is about to close: land the user on the target's tab, if it has one.
    const backend = await ctx.backend();
    const targetTab = await findOpenTab(backend, ctx.config, handleForBranch(target));
    if (targetTab) {
      await backend.focus(targetTab.tab);
      outcome.notes.push(`switched to ${targetTab.tab.name}`);
    }
  }
}
