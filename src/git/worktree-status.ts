import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../core/exec.js';
import { readIndexPaths } from './index-file.js';
import { AskGit, RefFiles } from './refs.js';
import { gitDirOf as gitDirOfWorktree } from './repo-state.js';
import { readTextIfExists } from '../core/paths.js';
import type { Git } from './repo.js';

/**
 * Dirty or clean, for every worktree `list` shows.
 *
 * The answer is git's (`git status`: tracked changes, staged changes, untracked files that are not
 * ignored), but git is asked only about worktrees that may have changed since it last answered. After
 * each answer a small cache file goes into the worktree's git dir with a fingerprint of everything the
 * answer depends on — HEAD and its ref, the index, the ignore and config files, the lstat() of every tracked
 * file and of every directory that is not ignored (a file created, deleted or renamed anywhere git would
 * look changes one of those directories). When the fingerprint is unchanged, so is the answer: the same idea
 * as git's own untracked cache, checked without starting a process. A worktree whose files or directories
 * changed within the last RACY_MS at the time of asking is not cached (timestamps are coarse, edits may be in
 * flight); neither is one git's view of which changed while it was asked, nor anything the index reader
 * does not understand. The column is informational: `remove` and `merge` always ask git.
 */

const CACHE_FILE = 'workmux-status.json';
const CACHE_VERSION = 1;
const RACY_MS = 2_000;
/** Beyond these, fingerprinting (one lstat per file, in JS) costs about what git status does: just ask git. */
const MAX_TRACKED = 5_000;
const MAX_DIRS = 5_000;

interface CacheEntry {
  version: number;
  dirty: boolean;
  fingerprint: string;
  tracked: string[];
  dirs: string[];
  excludesFile?: string;
}

/** Changed entries and ignored directories of each status in `git for-each-repo … status --porcelain=v2 -z --branch` output. Pure. */
export function parseStatusBatch(out: string): { changes: number; ignoredDirs: string[] }[] {
  const results: { changes: number; ignoredDirs: string[] }[] = [];
  const tokens = out.split('\0');
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const current = results[results.length - 1];
    if (token.startsWith('# branch.oid ')) results.push({ changes: 0, ignoredDirs: [] });
    else if (token.startsWith('# ') || token === '' || !current) continue;
    else if (token.startsWith('! ')) {
      if (token.endsWith('/')) current.ignoredDirs.push(token.slice(2, -1));
    } else {
      current.changes++;
      if (token.startsWith('2 ')) i++; // a rename/copy entry is followed by its original path
    }
  }
  return results;
}

export interface DirtyCheckOptions {
  /** git status processes at once; default one per core (at least 2). */
  groups?: number;
  env?: NodeJS.ProcessEnv;
  /** false: ask git about every worktree (WORKMUX_STATUS_CACHE=0 does the same). */
  cache?: boolean;
  /** Test hook: how recent a change must be to count as in flight. */
  racyMs?: number;
}

/**
 * Which worktrees have uncommitted changes (tracked or untracked, not ignored). Cached answers where
 * nothing changed; the others from `git status`, run through `git for-each-repo` — one git process per
 * group instead of one spawn each from Node, where every spawn costs a few ms of main-thread time.
 * Falls back to one `git status` each when a batch fails (a worktree that vanished, git < 2.30).
 */
export async function worktreesWithChanges(git: Git, worktreePaths: readonly string[], options: DirtyCheckOptions = {}): Promise<boolean[]> {
  const env = options.env ?? process.env;
  const useCache = options.cache ?? env.WORKMUX_STATUS_CACHE !== '0';
  const shared = sharedState(git.commonDir, env);
  // Each worktree's git dir is resolved once and handed to everything below.
  const places = worktreePaths.map((dir) => ({ path: dir, gitDir: useCache && !shared.unsupported ? gitDirOf(dir) : undefined }));
  const verdicts: (boolean | undefined)[] = places.map((place) => (place.gitDir ? cachedVerdict(shared, place.path, place.gitDir) : undefined));
  const stale = places.filter((_, i) => verdicts[i] === undefined);
  if (stale.length === 0) return verdicts as boolean[];

  const startedAt = Date.now();
  const before = stale.map((place) => (place.gitDir ? gitSideSignature(shared, place.gitDir) : undefined));
  const excludesFile = useCache ? run(['git', 'config', '--path', '--get', 'core.excludesFile'], { cwd: git.root, env, reject: false }) : undefined;
  const statuses = await statusesOf(git, stale.map((place) => place.path), options.groups ?? Math.max(2, os.availableParallelism()), env);
  const excludes = (await excludesFile)?.stdout.trim() || undefined;
  stale.forEach((place, i) => {
    const status = statuses[i]!;
    verdicts[places.indexOf(place)] = status.dirty;
    if (place.gitDir && before[i] && status.ignoredDirs) {
      recordVerdict(shared, place.path, place.gitDir, { dirty: status.dirty, ignoredDirs: status.ignoredDirs, startedAt, before: before[i], excludesFile: excludes, racyMs: options.racyMs ?? RACY_MS });
    }
  });
  return verdicts as boolean[];
}

async function statusesOf(git: Git, dirs: readonly string[], groups: number, env: NodeJS.ProcessEnv): Promise<{ dirty: boolean; ignoredDirs?: string[] }[]> {
  const size = Math.max(1, Math.ceil(dirs.length / groups));
  const batches: string[][] = [];
  for (let i = 0; i < dirs.length; i += size) batches.push(dirs.slice(i, i + size));
  const results = await Promise.all(batches.map(async (batch) => {
    const key = 'workmux.status-batch';
    const argv = ['git', ...batch.flatMap((dir) => ['-c', `${key}=${dir}`]), 'for-each-repo', `--config=${key}`,
      'status', '--porcelain=v2', '-z', '--branch', '--no-ahead-behind', '--untracked-files=normal', '--ignored=matching'];
    // GIT_OPTIONAL_LOCKS=0: status must not rewrite the index under the fingerprint being taken.
    const result = await run(argv, { cwd: git.root, env: { ...env, GIT_OPTIONAL_LOCKS: '0' }, reject: false });
    const parsed = result.exitCode === 0 ? parseStatusBatch(result.stdout) : [];
    if (parsed.length === batch.length) return parsed.map(({ changes, ignoredDirs }) => ({ dirty: changes > 0, ignoredDirs }));
    return Promise.all(batch.map(async (dir) => ({ dirty: (await git.uncommittedFiles(dir).catch(() => [])).length > 0 })));
  }));
  return results.flat();
}

/** A worktree's own git dir (where its HEAD and index live), or undefined when it cannot be read. */
function gitDirOf(worktreePath: string): string | undefined {
  try {
    return gitDirOfWorktree(worktreePath);
  } catch {
    return undefined;
  }
}

const readOrEmpty = (file: string) => readTextIfExists(file) ?? '';

/** Identity and timestamps of a file (followed through symlinks: a dotfile link must track its target). */
function statSignature(file: string): string {
  const stat = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
  return stat ? `${stat.ino}:${stat.mode}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}` : '-';
}

/** What one call shares across its worktrees, each read once: the common dir, the environment, rule-file stats. */
interface Shared {
  commonDir: string;
  env: NodeJS.ProcessEnv;
  /** A reftable or SHA-256 repository: its refs or index are not what this module reads. */
  unsupported: boolean;
  ruleSignatures: Map<string, string>;
}

function sharedState(commonDir: string, env: NodeJS.ProcessEnv): Shared {
  let unsupported: boolean;
  try {
    unsupported = new RefFiles(commonDir).sha256;
  } catch (error) {
    if (!(error instanceof AskGit)) throw error;
    unsupported = true; // reftable
  }
  return { commonDir, env, unsupported, ruleSignatures: new Map() };
}

/** HEAD, the ref it points to, and the index: what git's own operations change. */
function gitSideSignature(shared: Shared, gitDir: string): string {
  const head = readOrEmpty(path.join(gitDir, 'HEAD'));
  const ref = /^ref: (refs\/\S+)/.exec(head)?.[1];
  return [head, ref ? readOrEmpty(path.join(shared.commonDir, ref)) : '', statSignature(path.join(shared.commonDir, 'packed-refs')), statSignature(path.join(gitDir, 'index'))].join('|');
}

/** Files whose content changes what `git status` reports (ignore rules, config), besides the worktree's own. */
function ruleFiles(shared: Shared, gitDir: string, excludesFile: string | undefined): string[] {
  const home = shared.env.HOME || os.homedir();
  const xdgGit = path.join(shared.env.XDG_CONFIG_HOME || path.join(home, '.config'), 'git');
  const { commonDir } = shared;
  return [
    path.join(commonDir, 'config'), path.join(gitDir, 'config.worktree'), path.join(commonDir, 'info', 'exclude'), path.join(commonDir, 'info', 'attributes'),
    path.join(home, '.gitconfig'), path.join(xdgGit, 'config'), path.join(xdgGit, 'ignore'), path.join(xdgGit, 'attributes'), '/etc/gitconfig',
    ...(excludesFile ? [excludesFile] : []),
  ];
}

/** The fingerprint of everything a status answer depends on, and the newest mtime among the worktree's files and directories. */
function fingerprintOf(shared: Shared, worktreePath: string, gitDir: string, entry: Omit<CacheEntry, 'version' | 'dirty' | 'fingerprint'>): { fingerprint: string; newestNs: bigint } {
  const hash = createHash('sha1').update(gitSideSignature(shared, gitDir));
  for (const file of ruleFiles(shared, gitDir, entry.excludesFile)) {
    let signature = shared.ruleSignatures.get(file);
    if (signature === undefined) shared.ruleSignatures.set(file, (signature = statSignature(file)));
    hash.update(`\n${signature}`);
  }
  let newestNs = 0n;
  for (const list of [entry.tracked, entry.dirs]) {
    for (const rel of list) {
      const stat = fs.lstatSync(path.join(worktreePath, rel), { bigint: true, throwIfNoEntry: false });
      hash.update(stat ? `\n${stat.ino}:${stat.mode}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}` : '\n-');
      if (stat && stat.mtimeNs > newestNs) newestNs = stat.mtimeNs;
    }
  }
  return { fingerprint: hash.digest('hex'), newestNs };
}

function cachedVerdict(shared: Shared, worktreePath: string, gitDir: string): boolean | undefined {
  let entry: CacheEntry;
  try {
    entry = JSON.parse(readOrEmpty(path.join(gitDir, CACHE_FILE))) as CacheEntry;
  } catch {
    return undefined; // absent or torn: ask git
  }
  if (entry?.version !== CACHE_VERSION) return undefined;
  return fingerprintOf(shared, worktreePath, gitDir, entry).fingerprint === entry.fingerprint ? entry.dirty : undefined;
}

/** Every directory git would look into for untracked files: all but `.git` and ignored ones (relative; '' is the root). */
function directoriesToWatch(worktreePath: string, ignoredDirs: ReadonlySet<string>): string[] | undefined {
  const dirs = [''];
  for (let i = 0; i < dirs.length; i++) {
    if (dirs.length > MAX_DIRS) return undefined;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(worktreePath, dirs[i]!), { withFileTypes: true });
    } catch {
      return undefined;
    }
    for (const dirent of entries) {
      if (!dirent.isDirectory() || (dirs[i] === '' && dirent.name === '.git')) continue;
      const rel = dirs[i] ? `${dirs[i]}/${dirent.name}` : dirent.name;
      if (!ignoredDirs.has(rel)) dirs.push(rel);
    }
  }
  return dirs;
}

function recordVerdict(
  shared: Shared, worktreePath: string, gitDir: string,
  answer: { dirty: boolean; ignoredDirs: string[]; startedAt: number; before: string; excludesFile?: string; racyMs: number },
): void {
  const cacheFile = path.join(gitDir, CACHE_FILE);
  const forget = () => fs.rmSync(cacheFile, { force: true });
  const tracked = readIndexPaths(path.join(gitDir, 'index'));
  const dirs = directoriesToWatch(worktreePath, new Set(answer.ignoredDirs));
  if (!tracked || tracked.length > MAX_TRACKED || !dirs) return forget();
  const entry = { tracked, dirs, excludesFile: answer.excludesFile };
  const print = fingerprintOf(shared, worktreePath, gitDir, entry);
  // git's side moved while it was asked, or files changed too recently to trust their timestamps.
  const racy = gitSideSignature(shared, gitDir) !== answer.before || print.newestNs >= BigInt(answer.startedAt - answer.racyMs) * 1_000_000n;
  if (racy) return forget();
  try {
    const temp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify({ version: CACHE_VERSION, dirty: answer.dirty, fingerprint: print.fingerprint, ...entry }));
    fs.renameSync(temp, cacheFile);
  } catch {
    /* a read-only git dir: no cache, git answers next time too */
  }
}
