import fs from 'node:fs';
import path from 'node:path';
import { readTextIfExists } from '../core/paths.js';

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

const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** Thrown inside readWorktreeList for anything it leaves to git. */
class AskGit extends Error {}

/** Branch tips from loose ref files, then packed-refs (read once, on the first miss). */
class BranchTips {
  private packed?: Map<string, string>;

  constructor(private readonly commonDir: string) {}

  /** The commit `refs/heads/...` points to; undefined for a branch with no commit yet (unborn). */
  tipOf(ref: string): string | undefined {
    const loose = readTextIfExists(path.join(this.commonDir, ref))?.trim();
    if (loose !== undefined) {
      if (!OBJECT_ID.test(loose)) throw new AskGit(); // a symbolic ref (or something odd): git resolves it
      return loose;
    }
    this.packed ??= this.readPacked();
    return this.packed.get(ref);
  }

  private readPacked(): Map<string, string> {
    const tips = new Map<string, string>();
    for (const line of (readTextIfExists(path.join(this.commonDir, 'packed-refs')) ?? '').split('\n')) {
      const space = line.indexOf(' ');
      if (line.startsWith('#') || line.startsWith('^') || space < 0) continue;
      tips.set(line.slice(space + 1).trimEnd(), line.slice(0, space));
    }
    return tips;
  }
}

/** HEAD of a worktree, as `git worktree list` shows it: the branch it is on (or detached) and its commit. */
function headOf(headFile: string, tips: BranchTips, noCommit: string): Pick<Worktree, 'branch' | 'head' | 'detached'> {
  const head = readTextIfExists(headFile)?.trim();
  if (head === undefined) throw new AskGit();
  if (OBJECT_ID.test(head)) return { head, detached: true };
  const ref = /^ref: (refs\/heads\/.+)$/.exec(head)?.[1];
  if (!ref) throw new AskGit();
  return { branch: ref.slice('refs/heads/'.length), head: tips.tipOf(ref) ?? noCommit, detached: false };
}

/**
 * What `git worktree list --porcelain` says, read from the repository's files instead of asking a git
 * process: `list` runs it on every call, and that process is most of what `list` waits for. Follows git's
 * own rules (builtin/worktree.c, worktree.c): the main worktree first, then every `worktrees/<id>` with a
 * readable `gitdir` file, sorted by path; `locked` when `worktrees/<id>/locked` exists; `prunable` when
 * not locked and the `.git` file its gitdir names is gone. Returns undefined — ask git — for a commonDir
 * not named `.git` (separate git dir), a bare or core.worktree repository, reftable refs, and any HEAD or branch ref that is not a
 * plain object id or `ref: refs/heads/...`.
 */
export function readWorktreeList(commonDir: string): Worktree[] | undefined {
  if (path.basename(commonDir) !== '.git' || fs.existsSync(path.join(commonDir, 'reftable'))) return undefined;
  const config = readTextIfExists(path.join(commonDir, 'config')) ?? '';
  if (/^\s*bare\s*=\s*true\b/im.test(config) || /^\s*worktree\s*=/im.test(config)) return undefined; // main worktree elsewhere
  const noCommit = '0'.repeat(/objectformat\s*=\s*sha256/i.test(config) ? 64 : 40);
  const ignoreCase = /^\s*ignorecase\s*=\s*true\b/im.test(config);
  const tips = new BranchTips(commonDir);
  try {
    const main: Worktree = { path: path.dirname(commonDir), bare: false, locked: false, prunable: false, ...headOf(path.join(commonDir, 'HEAD'), tips, noCommit) };
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
        ...headOf(path.join(admin, 'HEAD'), tips, noCommit),
      });
    }
    // fspathcmp: byte order, ASCII case folded when core.ignorecase is set.
    const key = (p: string) => Buffer.from(ignoreCase ? p.replace(/[A-Z]/g, (c) => c.toLowerCase()) : p);
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
