import fs from 'node:fs';
import path from 'node:path';
import { run } from '../core/exec.js';

/**
 * Snapshots of "everything a merge could touch" — branch refs, and per worktree its HEAD, status (which
 * pins the index), ORIG_HEAD and half-done-operation markers — so a failed merge or rebase can be proven
 * (and, if git's own abort fell short, made) to leave the repository exactly as it was.
 */

/** Files and dirs in a worktree's git dir that mean a merge, rebase or pick is half done. */
export const IN_PROGRESS_MARKERS = [
  'MERGE_HEAD', 'MERGE_MSG', 'MERGE_MODE', 'SQUASH_MSG', 'AUTO_MERGE', 'REBASE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD',
  'rebase-merge', 'rebase-apply',
] as const;

/** Only messages: safe to delete when an aborted operation left them behind. */
const MESSAGE_MARKERS = new Set<string>(['MERGE_MSG', 'MERGE_MODE', 'SQUASH_MSG', 'AUTO_MERGE']);

/** Markers of an operation in progress (not mere leftover messages). Pure. */
export function operationsInProgress(state: WorktreeState): string[] {
  return state.markers.filter((marker) => !MESSAGE_MARKERS.has(marker));
}

export interface WorktreeState {
  path: string;
  gitDir: string;
  /** Commit id of HEAD. */
  head: string;
  /** `refs/heads/<branch>`, or `HEAD` when detached. */
  symbolicHead: string;
  /**
   * `git status --porcelain=v2 -z --untracked-files=all` entries. v2 carries the index blob id and mode of
   * every entry that differs from HEAD (and all stages of a conflict), so with `head` it pins the index.
   */
  status: string;
  markers: string[];
  origHead: string | undefined;
}

export interface RepoSnapshot {
  /** Full ref name → commit id (undefined: the ref does not exist). */
  refs: Record<string, string | undefined>;
  worktrees: WorktreeState[];
}

// --no-optional-locks: taking a snapshot must not itself rewrite the index.
const gitIn = async (cwd: string, args: string[]) => (await run(['git', '--no-optional-locks', ...args], { cwd })).stdout;
const gitTry = (cwd: string, args: string[]) => run(['git', ...args], { cwd, reject: false });

/** A worktree's own git dir: `.git` itself, or where a linked worktree's `.git` file points. */
export function gitDirOf(worktreePath: string): string {
  const dotGit = path.join(worktreePath, '.git');
  if (fs.statSync(dotGit).isDirectory()) return dotGit;
  const pointer = /^gitdir: (.*)$/m.exec(fs.readFileSync(dotGit, 'utf8'))?.[1]?.trim();
  if (!pointer) throw new Error(`${dotGit}: not a gitdir pointer`);
  return path.resolve(worktreePath, pointer);
}

/** One git process per worktree: status v2 with its branch headers; the rest is read from the git dir. */
export async function snapshotWorktree(worktreePath: string): Promise<WorktreeState> {
  const out = await gitIn(worktreePath, ['status', '--porcelain=v2', '--branch', '-z', '--untracked-files=all']);
  const entries = out.split('\0');
  const header = (name: string) => entries.find((entry) => entry.startsWith(`# branch.${name} `))?.slice(`# branch.${name} `.length);
  const branch = header('head');
  const gitDir = gitDirOf(worktreePath);
  const origHeadFile = path.join(gitDir, 'ORIG_HEAD');
  return {
    path: worktreePath,
    gitDir,
    head: header('oid') ?? '',
    symbolicHead: branch && branch !== '(detached)' ? `refs/heads/${branch}` : 'HEAD',
    status: entries.filter((entry) => !entry.startsWith('# ')).join('\0'),
    markers: IN_PROGRESS_MARKERS.filter((marker) => fs.existsSync(path.join(gitDir, marker))),
    origHead: fs.existsSync(origHeadFile) ? fs.readFileSync(origHeadFile, 'utf8').trim() : undefined,
  };
}

/** Commit ids of full ref names, in one git call. */
export async function refValues(cwd: string, refs: readonly string[]): Promise<Record<string, string | undefined>> {
  const out = await gitIn(cwd, ['for-each-ref', '--format=%(refname) %(objectname)', ...refs]);
  const found = new Map(out.split('\n').filter(Boolean).map((line) => line.split(' ') as [string, string]));
  // for-each-ref also matches refs *below* a pattern (refs/heads/a/b for refs/heads/a): keep exact names only.
  return Object.fromEntries(refs.map((ref) => [ref, found.get(ref)]));
}

export async function takeSnapshot(cwd: string, spec: { refs: readonly string[]; worktrees: readonly string[] }): Promise<RepoSnapshot> {
  const [refs, worktrees] = await Promise.all([refValues(cwd, spec.refs), Promise.all(spec.worktrees.map(snapshotWorktree))]);
  return { refs, worktrees };
}

/** Paths in `git status --porcelain=v2 -z` entries (a rename's source path is skipped). Pure. */
export function pathsInStatus(status: string): string[] {
  const entries = status.split('\0');
  const paths: string[] = [];
  const pathAfter = (entry: string, fields: number) => entry.split(' ').slice(fields).join(' ');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.startsWith('1 ')) paths.push(pathAfter(entry, 8));
    else if (entry.startsWith('2 ')) {
      paths.push(pathAfter(entry, 9));
      i++; // the next entry is the original path
    }
    else if (entry.startsWith('u ')) paths.push(pathAfter(entry, 10));
    else if (entry.startsWith('? ')) paths.push(entry.slice(2));
  }
  return paths;
}

/** True when the status lists only untracked files (or nothing): `reset --hard` would then lose nothing. Pure. */
export function hasNoTrackedChanges(status: string): boolean {
  return !status.split('\0').some((entry) => /^[12u] /.test(entry));
}

const short = (id: string | undefined) => (id ? id.slice(0, 12) : '(none)');

/** Human-readable differences between two snapshots of the same refs and worktrees; empty when identical. Pure. */
export function describeDifferences(before: RepoSnapshot, after: RepoSnapshot): string[] {
  const differences: string[] = [];
  for (const [ref, id] of Object.entries(before.refs)) {
    if (after.refs[ref] !== id) differences.push(`${ref} was ${short(id)}, is ${short(after.refs[ref])}`);
  }
  for (const was of before.worktrees) {
    const now = after.worktrees.find((wt) => wt.path === was.path);
    if (!now) continue;
    const where = was.path;
    if (now.symbolicHead !== was.symbolicHead) differences.push(`${where}: HEAD was ${was.symbolicHead}, is ${now.symbolicHead}`);
    if (now.head !== was.head) differences.push(`${where}: HEAD was ${short(was.head)}, is ${short(now.head)}`);
    if (now.status !== was.status) differences.push(`${where}: git status (index or files) differs`);
    const leftover = now.markers.filter((marker) => !was.markers.includes(marker));
    if (leftover.length) differences.push(`${where}: leftover ${leftover.join(', ')}`);
    if (now.origHead !== was.origHead) differences.push(`${where}: ORIG_HEAD differs`);
  }
  return differences;
}

/**
 * Puts refs and worktrees back to `before` after a failed operation, then returns what still differs
 * (empty = restored exactly). Worktrees that had tracked changes before are never reset — only reported.
 */
export async function restoreSnapshot(cwd: string, before: RepoSnapshot): Promise<string[]> {
  for (const was of before.worktrees) await restoreWorktree(was);
  // A branch checked out in one of these worktrees is restored (or deliberately left) with its worktree:
  // moving it alone would make its index and files look changed.
  const checkedOut = new Set(before.worktrees.map((wt) => wt.symbolicHead));
  const refsNow = await refValues(cwd, Object.keys(before.refs));
  for (const [ref, id] of Object.entries(before.refs)) {
    const now = refsNow[ref];
    if (now === id || checkedOut.has(ref)) continue;
    // Compare-and-swap: never clobber a ref someone else moved meanwhile.
    await gitTry(cwd, id ? ['update-ref', '-m', 'workmux: restore after failed merge', ref, id, now ?? ''] : ['update-ref', '-d', ref, now ?? '']);
  }
  const after = await takeSnapshot(cwd, { refs: Object.keys(before.refs), worktrees: before.worktrees.map((wt) => wt.path) });
  return describeDifferences(before, after);
}

async function restoreWorktree(was: WorktreeState): Promise<void> {
  const cwd = was.path;
  let now = await snapshotWorktree(cwd);
  const added = now.markers.filter((marker) => !was.markers.includes(marker));
  if (added.some((marker) => marker.startsWith('rebase-'))) {
    if ((await gitTry(cwd, ['rebase', '--abort'])).exitCode !== 0) await gitTry(cwd, ['rebase', '--quit']);
  }
  if (added.includes('MERGE_HEAD')) await gitTry(cwd, ['merge', '--abort']);
  now = await snapshotWorktree(cwd);
  const moved = now.head !== was.head || now.symbolicHead !== was.symbolicHead || now.status !== was.status;
  if (moved && hasNoTrackedChanges(was.status)) {
    if (now.symbolicHead !== was.symbolicHead) {
      await gitTry(cwd, was.symbolicHead === 'HEAD' ? ['update-ref', '--no-deref', 'HEAD', was.head] : ['symbolic-ref', 'HEAD', was.symbolicHead]);
    }
    await gitTry(cwd, ['reset', '--hard', '--quiet', was.head]);
  }
  now = await snapshotWorktree(cwd);
  for (const marker of now.markers) {
    if (MESSAGE_MARKERS.has(marker) && !was.markers.includes(marker)) fs.rmSync(path.join(was.gitDir, marker), { force: true });
  }
  // Last: merge, abort and reset all rewrite ORIG_HEAD.
  if (now.origHead !== was.origHead) {
    await gitTry(cwd, was.origHead ? ['update-ref', '--no-deref', 'ORIG_HEAD', was.origHead] : ['update-ref', '--no-deref', '-d', 'ORIG_HEAD']);
  }
}
