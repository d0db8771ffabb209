import fs from 'node:fs';
import path from 'node:path';
import { readTextIfExists } from '../core/paths.js';

/**
 * Refs read from a repository's files (loose ref files, then packed-refs), for the questions every command
 * asks on its critical path — which commit a branch is at, what HEAD is — without a git process. Anything
 * these files cannot settle (a symbolic branch ref, reftable refs) throws AskGit, and the caller asks git.
 */
export class AskGit extends Error {}

export const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * A bare repository, or one whose config names its work tree (core.worktree): its main worktree is not the
 * directory holding `.git`, which is what discovery and the worktree list assume; git is asked instead.
 */
export function mainWorktreeElsewhere(configText: string): boolean {
  return /^\s*bare\s*=\s*true\b/im.test(configText) || /^\s*worktree\s*=/im.test(configText);
}

export class RefFiles {
  private packed?: Map<string, string>;
  readonly config: string;
  /** core.ignorecase: a file lookup could find a ref under another case, so existence is git's to say. */
  readonly ignoreCase: boolean;
  /** extensions.objectFormat = sha256: 64-hex object ids (and an index this project does not parse). */
  readonly sha256: boolean;
  /** The all-zero id git shows for a branch with no commit yet. */
  readonly noCommit: string;

  /** Throws AskGit for a repository whose refs are not files (reftable). */
  constructor(readonly commonDir: string) {
    this.config = readTextIfExists(path.join(commonDir, 'config')) ?? '';
    if (fs.existsSync(path.join(commonDir, 'reftable'))) throw new AskGit();
    // Read once: the worktree list's sort asks ignoreCase on every comparison.
    this.ignoreCase = /^\s*ignorecase\s*=\s*true\b/im.test(this.config);
    this.sha256 = /objectformat\s*=\s*sha256/i.test(this.config);
    this.noCommit = '0'.repeat(this.sha256 ? 64 : 40);
  }

  /** The object a ref under `refs/` points to, undefined when there is no such ref. */
  target(ref: string): string | undefined {
    const loose = readTextIfExists(path.join(this.commonDir, ref))?.trim();
    if (loose !== undefined) {
      if (!OBJECT_ID.test(loose)) throw new AskGit(); // a symbolic ref (or something odd): git resolves it
      return loose;
    }
    this.packed ??= this.readPacked();
    return this.packed.get(ref);
  }

  /** A worktree's HEAD (its git dir's HEAD file): the branch it is on, or detached at a commit. */
  head(gitDir: string): { branch: string; commit: string | undefined } | { branch: undefined; commit: string } {
    const head = readTextIfExists(path.join(gitDir, 'HEAD'))?.trim();
    if (head !== undefined && OBJECT_ID.test(head)) return { branch: undefined, commit: head };
    const ref = head === undefined ? undefined : /^ref: (refs\/heads\/.+)$/.exec(head)?.[1];
    if (!ref) throw new AskGit();
    return { branch: ref.slice('refs/heads/'.length), commit: this.target(ref) };
  }

  /**
   * The commit a revision names, for the plain names `add` is given: HEAD, full `refs/heads|remotes/...`
   * refs, and short branch names, which git looks up as refs/<n>, refs/tags/<n>, refs/heads/<n>,
   * refs/remotes/<n>, refs/remotes/<n>/HEAD, first match wins. Undefined: no such commit. Anything else —
   * revision syntax, what could be an abbreviated object id, a name that is a tag (which may need peeling)
   * or a pseudo-ref like FETCH_HEAD, or any lookup on a case-insensitive filesystem — throws AskGit.
   */
  commitOf(revision: string, gitDir: string): string | undefined {
    if (revision === 'HEAD') return this.head(gitDir).commit;
    if (this.ignoreCase) throw new AskGit();
    if (/^refs\/(heads|remotes)\//.test(revision)) return this.target(revision);
    if (!/^[A-Za-z0-9._/-]+$/.test(revision) || /^[0-9a-f]{4,64}$/.test(revision) || /^[A-Z_]+$/.test(revision) || revision.startsWith('refs/')) {
      throw new AskGit();
    }
    if (this.target(`refs/${revision}`) !== undefined || this.target(`refs/tags/${revision}`) !== undefined) throw new AskGit();
    const found = this.target(`refs/heads/${revision}`) ?? this.target(`refs/remotes/${revision}`);
    if (found !== undefined) return found;
    if (this.target(`refs/remotes/${revision}/HEAD`) !== undefined) throw new AskGit(); // (usually symbolic: that throws too)
    return undefined;
  }

  private readPacked(): Map<string, string> {
    const targets = new Map<string, string>();
    for (const line of (readTextIfExists(path.join(this.commonDir, 'packed-refs')) ?? '').split('\n')) {
      const space = line.indexOf(' ');
      if (line.startsWith('#') || line.startsWith('^') || space < 0) continue;
      targets.set(line.slice(space + 1).trimEnd(), line.slice(0, space));
    }
    return targets;
  }
}
