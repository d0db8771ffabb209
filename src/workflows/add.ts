import fs from 'node:fs';
import path from 'node:path';
import { UsageError, WorkmuxError } from '../core/errors.js';
import { runHooks } from '../core/hooks.js';
import { assertValidBranchName, gitAcceptsBranchName, handleForBranch } from '../git/branch-names.js';
import { assertProjectCommandsTrusted } from '../config/load.js';
import type { WorkmuxContext } from './context.js';
import { bringFilesIntoWorktree } from './worktree-files.js';
import { PROMPT_DIR, agentFor, startWorktreeTab, type StartTabOptions, type StartedTab } from './start-tab.js';
import { BASE_CONFIG_KEY, hookEnv, toManaged, worktreePathFor, type ManagedWorktree } from './worktrees.js';
import { openWorktree } from './open.js';

export interface AddOptions extends StartTabOptions {
  branch: string;
  base?: string;
  /** Create `count` worktrees: <branch>-1 .. <branch>-N. */
  count?: number;
  openIfExists?: boolean;
}

export interface AddResult {
  handle: string;
  branch: string;
  path: string;
  base?: string;
  created: boolean;
  tab?: StartedTab;
}

/** Where the branch comes from: an existing local branch, a remote-tracking branch, or a new one from a base. */
type BranchSource = { kind: 'local' } | { kind: 'remote'; remoteRef: string } | { kind: 'new'; base: string };

export async function addWorktrees(ctx: WorkmuxContext, options: AddOptions): Promise<AddResult[]> {
  const count = options.count ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`-n must be a positive whole number, got ${options.count}`);
  assertValidBranchName(options.branch);
  const branches = count === 1 ? [options.branch] : Array.from({ length: count }, (_, i) => `${options.branch}-${i + 1}`);
  const results: AddResult[] = [];
  for (const branch of branches) results.push(await addWorktree(ctx, { ...options, branch }));
  return results;
}

/**
 * Where `requested` comes from, decided with one `git cat-file` for every ref involved: the local branch,
 * `remote/branch` and its local namesake, and the base (explicit, configured, or the current branch).
 */
async function branchSourceFor(ctx: WorkmuxContext, requested: string, base: string | undefined): Promise<{ branch: string; source: BranchSource }> {
  const { git } = ctx;
  const explicitBase = base ?? ctx.config.base_branch;
  const slash = requested.indexOf('/');
  const remoteRest = slash > 0 ? requested.slice(slash + 1) : undefined;
  const [local, baseCommit, remote, localRest] = await git.resolveCommits([
    `refs/heads/${requested}`,
    explicitBase ?? 'HEAD',
    ...(remoteRest ? [`refs/remotes/${requested}`, `refs/heads/${remoteRest}`] : []),
  ]);
  if (local) return { branch: requested, source: { kind: 'local' } };
  if (remoteRest && remote) return { branch: remoteRest, source: localRest ? { kind: 'local' } : { kind: 'remote', remoteRef: requested } };
  const from = explicitBase ?? (await git.currentBranch()) ?? 'HEAD';
  if (!baseCommit) {
    throw new UsageError(`base ${JSON.stringify(from)} does not exist`, { hint: 'pass --base <branch-or-commit> that exists (see `git branch -a`)' });
  }
  return { branch: requested, source: { kind: 'new', base: from } };
}

/** The value of a settled promise, or its error thrown: lets independent checks run at once yet report in order. */
function valueOf<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

export async function addWorktree(ctx: WorkmuxContext, options: AddOptions): Promise<AddResult> {
  const { git, config } = ctx;
  assertValidBranchName(options.branch);
  agentFor(ctx, options);
  if (config.post_create.length) assertProjectCommandsTrusted(config);
  // Everything that can refuse runs before anything is created. The queries are independent, so they run
  // at once (each is a process); their verdicts are then reported in a fixed order.
  const [nameAccepted, branchSource, backendReady] = await Promise.allSettled([
    gitAcceptsBranchName(options.branch),
    branchSourceFor(ctx, options.branch, options.base),
    ctx.availableBackend(),
  ]);
  if (!valueOf(nameAccepted)) {
    throw new UsageError(`invalid branch name ${JSON.stringify(options.branch)}: git check-ref-format rejects it`, { hint: 'choose another name' });
  }
  const { branch, source } = valueOf(branchSource);
  const handle = handleForBranch(branch);
  // Only a branch that already exists can be checked out in some worktree.
  const checkedOut = source.kind === 'local' ? (await git.listWorktrees()).find((wt) => wt.branch === branch) : undefined;
  if (checkedOut && path.resolve(checkedOut.path) === path.resolve(git.mainRoot)) {
    throw new WorkmuxError(`branch ${JSON.stringify(branch)} is checked out in the main worktree`, { hint: 'switch the main worktree to another branch first, or pick a new branch name' });
  }
  if (checkedOut) {
    const existing = toManaged(checkedOut);
    if (options.openIfExists) {
      const tab = await openWorktree(ctx, existing, options);
      return { handle: existing.handle, branch, path: existing.path, created: false, tab };
    }
    throw new WorkmuxError(`a worktree for branch ${JSON.stringify(branch)} already exists at ${existing.path}`, {
      hint: `open it with \`workmux open ${existing.handle}\` or \`workmux add -o ${branch}\``,
    });
  }
  const worktreePath = worktreePathFor(ctx, handle);
  valueOf(backendReady); // a missing or unusable multiplexer refuses here, before anything exists
  reserveDirectory(worktreePath);
  const createdBranch = source.kind === 'local' ? undefined : branch;
  const worktree: ManagedWorktree = { handle, branch, path: worktreePath, head: '' };
  const base = source.kind === 'new' ? source.base : undefined;

  const args =
    source.kind === 'new' ? ['worktree', 'add', '-b', branch, worktreePath, source.base]
    : source.kind === 'remote' ? ['worktree', 'add', '--track', '-b', branch, worktreePath, source.remoteRef]
    : ['worktree', 'add', worktreePath, branch];
  ctx.progress(`creating worktree ${worktreePath} (${source.kind === 'new' ? `new branch ${branch} from ${source.base}` : `branch ${branch}`})`);
  const created = git.withLock(async () => {
    const adding = git.git(args, git.mainRoot);
    // The store is written last; it opens (native module, WAL, migrations check) while git creates the
    // worktree — not during the checks above, where it would compete with them for the CPU.
    ctx.store().catch(() => undefined);
    await adding;
    await git.excludePattern(`/${PROMPT_DIR}/`);
  });
  // Nothing up to the tab reads the base record, so `git config` writes it (under the lock again) while the
  // tab's shell starts — its process goes after the tab's, not before; hooks wait for it, and a failure
  // takes everything back like a failed tab does. `recordBase(false)`: no tab came, nothing to write.
  let recordBase: (write: boolean) => void = () => undefined;
  const baseTurn = new Promise<boolean>((resolve) => (recordBase = resolve));
  const baseRecorded = base === undefined ? created : Promise.all([created, baseTurn]).then(async ([, write]) => {
    if (write) await git.withLock(() => git.configSet(BASE_CONFIG_KEY(branch), base));
  });
  const filled = created.then(() => {
    const brought = bringFilesIntoWorktree(git.mainRoot, worktreePath, config.files);
    if (brought.copied.length || brought.linked.length) {
      ctx.progress(`files: ${brought.copied.length} copied, ${brought.linked.length} symlinked`);
    }
  });
  // Each is awaited below (or by the tab); this only keeps an early failure from going unhandled meanwhile.
  for (const step of [created, baseRecorded, filled]) step.catch(() => undefined);
  const undo = async () => {
    await baseRecorded.catch(() => undefined); // creation and the config write must be over before they are undone
    await rollBack(ctx, worktreePath, createdBranch);
  };

  const hooked = config.post_create.length > 0;
  if (hooked) {
    recordBase(true);
    try {
      await filled;
      await baseRecorded;
    } catch (error) {
      await undo();
      throw error;
    }
    try {
      await runHooks('post_create', config.post_create, { cwd: worktreePath, env: hookEnv(ctx, worktree), baseEnv: ctx.env, progress: ctx.progress });
    } catch (error) {
      const failure = error as WorkmuxError;
      // The issue's rule: stop, show the hook's output, open no tab, and say what remains.
      throw new WorkmuxError(`${failure.message}; no tab was opened`, {
        detail: failure.detail,
        hint: `the worktree ${worktreePath} (branch ${branch}) was kept for inspection; remove it with \`workmux remove --force ${handle}\``,
      });
    }
  }
  let tab: StartedTab | undefined;
  try {
    // Without hooks (whose failure must leave no tab behind) the tab opens while git checks out the
    // worktree; its shell starts, and the agent is typed, only once the worktree is complete.
    tab = await startWorktreeTab(ctx, worktree, options, { worktreeReady: hooked ? undefined : filled, whileShellStarts: () => recordBase(true) });
    await baseRecorded;
  } catch (error) {
    recordBase(false);
    // No tab came up, or the worktree or its base record could not be made: take back tab, worktree and
    // branch so nothing half-made is left.
    if (tab) await (await ctx.availableBackend()).closeTab(tab.tab).catch(() => undefined);
    await undo();
    throw error;
  }
  return { handle, branch, path: worktreePath, base, created: true, tab };
}

/**
 * Creates the (empty) worktree directory — where a tab can already open while git fills it — refusing
 * one that exists: the check and the claim are one step, so two `add`s cannot both take a path.
 */
function reserveDirectory(worktreePath: string): void {
  const collision = () => new WorkmuxError(`path collision: ${worktreePath} already exists`, { hint: 'remove that directory or choose another branch name' });
  if (fs.existsSync(worktreePath)) throw collision();
  try {
    fs.mkdirSync(path.dirname(worktreePath), { recursive: true });
    fs.mkdirSync(worktreePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw collision();
    throw new WorkmuxError(`cannot create the worktree directory ${worktreePath}: ${(error as Error).message}`, {
      hint: 'check `worktree_dir` in your config and the permissions of its parent directory',
    });
  }
}

async function rollBack(ctx: WorkmuxContext, worktreePath: string, createdBranch: string | undefined): Promise<void> {
  await ctx.git.removeWorktree(worktreePath).catch(() => undefined);
  if (createdBranch) {
    await ctx.git.deleteBranch(createdBranch, true).catch(() => undefined);
    await ctx.git.configUnsetSection(`branch.${createdBranch}`);
  }
}
