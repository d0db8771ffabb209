import fs from 'node:fs';
import path from 'node:path';
import { readTextIfExists } from '../core/paths.js';
import { AskGit, RefFiles, mainWorktreeElsewhere } from './refs.js';

export interface Worktree {
  path: string;
  /** Short branch name; undefined when detached or bare. */
  branch?: string;
  head: string;
  bare: boolean;
  detached: boolean;
  locked: boolean;
  prunable: boolean;
}

/** Parses `git worktree list --porcelain`. Pure. */
export function parseWorktreeList(porcelain: string): Worktree[] {
  const worktrees: Worktree[] = [];
  for (const block of porcelain.split(/\n\n+/)) {
    const lines = block.split('\n').filter(Boolean);
    const first = lines[0];
    if (!first?.startsWith('worktree ')) continue;
    const wt: Worktree = { path: first.slice(9), head: '', bare: false, detached: false, locked: false, prunable: false };
    for (const line of lines.slice(1)) {
      if (line.startsWith('HEAD ')) wt.head = line.slice(5);
      else if (line.startsWith('branch ')) wt.branch = line.slice(7).replace(/^refs\/heads\//, '');
      else if (line === 'bare') wt.bare = true;
      else if (line === 'detached') wt.detached = true;
      else if (line.startsWith('locked')) wt.locked = true;
      else if (line.startsWith('prunable')) wt.prunable = true;
    }
    worktrees.push(wt);
  }
  return worktrees;
}

/**
 * What `git worktree list --porcelain` says, read from the repository's files instead of asking a git
 * process: `list` runs it on every call, and that process is most of what `list` waits for. Follows git's
 * own rules (builtin/worktree.c, worktree.c): the main worktree first, then every `worktrees/<id>` with a
 * readable `gitdir` file, sorted by path; `locked` when `worktrees/<id>/locked` exists; `prunable` when
 * not locked and the `.git` file its gitdir names is gone. Returns undefined — ask git — for a commonDir
 * not named `.git` (separate git dir), a bare or core.worktree repository, reftable refs, and any HEAD or
 * branch ref that is not a plain object id or `ref: refs/heads/...` (see RefFiles).
 */
export function readWorktreeList(commonDir: string): Worktree[] | undefined {
  if (path.basename(commonDir) !== '.git') return undefined;
  try {
    const refs = new RefFiles(commonDir);
    if (mainWorktreeElsewhere(refs.config)) return undefined;
    const headOf = (gitDir: string): Pick<Worktree, 'branch' | 'head' | 'detached'> => {
      const { branch, commit } = refs.head(gitDir);
      return branch === undefined ? { head: commit, detached: true } : { branch, head: commit ?? refs.noCommit, detached: false };
    };
    const main: Worktree = { path: path.dirname(commonDir), bare: false, locked: false, prunable: false, ...headOf(commonDir) };
    const linked: Worktree[] = [];
    const adminRoot = path.join(commonDir, 'worktrees');
    let ids: string[] = [];
    try {
      ids = fs.readdirSync(adminRoot);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new AskGit();
    }
    for (const id of ids) {
      const admin = path.join(adminRoot, id);
      const pointer = readTextIfExists(path.join(admin, 'gitdir'))?.trimEnd();
      if (!pointer) continue; // git skips an entry without a readable gitdir file
      const dotGit = path.isAbsolute(pointer) ? pointer : realpathForgiving(path.join(admin, pointer));
      const locked = fs.existsSync(path.join(admin, 'locked'));
      linked.push({
        path: dotGit.endsWith('/.git') ? dotGit.slice(0, -'/.git'.length) : dotGit,
        bare: false,
        locked,
        prunable: !locked && !fs.existsSync(dotGit),
        ...headOf(admin),
      });
    }
    // fspathcmp: byte order, ASCII case folded when core.ignorecase is set.
    const key = (p: string) => Buffer.from(refs.ignoreCase ? p.replace(/[A-Z]/g, (c) => c.toLowerCase()) : p);
    linked.sort((a, b) => Buffer.compare(key(a.path), key(b.path)));
    return [main, ...linked];
  } catch (error) {
    if (error instanceof AskGit) return undefined;
    throw error;
  }
}

/** realpath of the longest existing prefix, the rest appended (git's strbuf_realpath_forgiving). */
function realpathForgiving(file: string): string {
  const resolved = path.resolve(file);
  try {
    return fs.realpathSync(resolved);
  } catch {
    const parent = path.dirname(resolved);
    return parent === resolved ? resolved : path.join(realpathForgiving(parent), path.basename(resolved));
  }
}
