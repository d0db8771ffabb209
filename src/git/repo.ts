import fs from 'node:fs';
import path from 'node:path';
import { isOnPath, run, output } from '../core/exec.js';
import { WorkmuxError } from '../core/errors.js';
import { withFileLock } from './lock.js';
import { askGitWhere, locateRepository } from './discovery.js';
import { readBaseRecords } from './base-records.js';
import { parseWorktreeList, readWorktreeList, type Worktree } from './worktree-list.js';
import { AskGit, OBJECT_ID, RefFiles } from './refs.js';

export type { Worktree } from './worktree-list.js';

const NOT_A_REPO_HINT = 'run workmux inside a git repository (or `git init` one first)';

/** Paths from `git status --porcelain=v1 -z` (a rename's source entry is skipped). Pure. */
export function parsePorcelainZ(out: string): string[] {
  const entries = out.split('\0');
  const files: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.length < 4) continue;
    files.push(entry.slice(3));
    if (entry[0] === 'R' || entry[0] === 'C') i++; // the next entry is the original path
  }
  return files;
}

/**
 * One repository as workmux sees it. `root` is the worktree the command runs in; `mainRoot` the main
 * worktree (the project root); `commonDir` the shared `.git` directory.
 */
export class Git {
  private constructor(
    readonly root: string,
    readonly commonDir: string,
    readonly mainRoot: string,
    /** The git dir of `root`'s worktree (`.git`, or `.git/worktrees/<name>` for a linked one). */
    readonly gitDir: string,
  ) {}

  /** Finds the repository containing `cwd`, or throws a WorkmuxError that says what to do. */
  static async discover(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Git> {
    const gitMissing = () => new WorkmuxError('git is not installed or not on PATH', { hint: 'install git (apt-get install git / brew install git)' });
    const found = locateRepository(cwd, env);
    if (found) {
      if (!isOnPath('git', env)) throw gitMissing();
      return new Git(found.root, found.commonDir, Git.mainRootOf(found.root, found.commonDir), found.gitDir);
    }
    const result = await askGitWhere(cwd);
    if (result.notFound) throw gitMissing();
    if (result.exitCode !== 0) {
      throw new WorkmuxError(`not inside a git work tree: ${cwd}`, { hint: NOT_A_REPO_HINT, detail: result.stderr });
    }
    const [root, commonDir, gitDir] = result.stdout.trim().split('\n');
    if (!root || !commonDir || !gitDir) throw new WorkmuxError(`not inside a git work tree: ${cwd}`, { hint: NOT_A_REPO_HINT });
    return new Git(root, commonDir, Git.mainRootOf(root, commonDir), gitDir);
  }

  private static mainRootOf(root: string, commonDir: string): string {
    return path.basename(commonDir) === '.git' ? path.dirname(commonDir) : root;
  }

  get projectName(): string {
    return path.basename(this.mainRoot);
  }

  git(args: readonly string[], cwd = this.root) {
    return run(['git', ...args], { cwd });
  }

  gitOutput(args: readonly string[], cwd = this.root) {
    return output(['git', ...args], { cwd });
  }

  /** Holds the repository-wide workmux lock while `fn` writes shared state (.git/config, info/exclude). */
  withLock<T>(fn: () => Promise<T>): Promise<T> {
    return withFileLock(path.join(this.commonDir, 'workmux.lock'), fn);
  }

  /** Every worktree, main first: read from the repository's files when it can be (see readWorktreeList), else git's answer. */
  async listWorktrees(): Promise<Worktree[]> {
    return readWorktreeList(this.commonDir) ?? parseWorktreeList(await this.gitOutput(['worktree', 'list', '--porcelain']));
  }

  /**
   * The commit each name resolves to (undefined where it does not): how `add` checks branch, remote branch
   * and base at once. From the ref files when they settle every name (see RefFiles.commitOf), else from one
   * `git cat-file --batch-check` for all of them.
   */
  async resolveCommits(names: readonly string[]): Promise<(string | undefined)[]> {
    try {
      const refs = new RefFiles(this.commonDir);
      return names.map((name) => refs.commitOf(name, this.gitDir));
    } catch (error) {
      if (!(error instanceof AskGit)) throw error;
    }
    if (names.some((name) => /[\0-\x1f\x7f]/.test(name))) return this.resolveCommitsOneByOne(names);
    const input = names.map((name) => `${name}^{commit}\n`).join('');
    const result = await run(['git', 'cat-file', '--batch-check=%(objectname)'], { cwd: this.root, input, reject: false });
    const lines = result.stdout.split('\n');
    if (result.exitCode !== 0 || lines.length < names.length) return this.resolveCommitsOneByOne(names);
    return names.map((_, i) => (OBJECT_ID.test(lines[i]!) ? lines[i] : undefined));
  }

  private async resolveCommitsOneByOne(names: readonly string[]): Promise<(string | undefined)[]> {
    return Promise.all(names.map(async (name) => {
      const result = await run(['git', 'rev-parse', '--verify', '--quiet', `${name}^{commit}`], { cwd: this.root, reject: false });
      return result.exitCode === 0 ? result.stdout.trim() : undefined;
    }));
  }

  /** Whether `refs/heads/<branch>` exists (from the ref files when they can say, see resolveCommits). */
  async localBranchExists(branch: string): Promise<boolean> {
    return (await this.resolveCommits([`refs/heads/${branch}`]))[0] !== undefined;
  }

  /** The remote names (`origin`, ...). */
  async remotes(): Promise<string[]> {
    return (await this.gitOutput(['remote'])).split('\n').filter(Boolean);
  }

  /** Current branch of `cwd`'s worktree, or undefined when detached. */
  async currentBranch(cwd = this.root): Promise<string | undefined> {
    // This worktree's HEAD file says it without a process (anything RefFiles cannot read goes to git).
    if (cwd === this.root) {
      try {
        return new RefFiles(this.commonDir).head(this.gitDir).branch;
      } catch (error) {
        if (!(error instanceof AskGit)) throw error;
      }
    }
    const result = await run(['git', 'symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd, reject: false });
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  async configGet(key: string): Promise<string | undefined> {
    const result = await run(['git', 'config', '--get', key], { cwd: this.root, reject: false });
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /** Caller must hold withLock(): concurrent `git config` writers fail on config.lock. */
  async configSet(key: string, value: string): Promise<void> {
    await this.git(['config', key, value]);
  }

  async configUnsetSection(section: string): Promise<void> {
    await run(['git', 'config', '--remove-section', section], { cwd: this.root, reject: false });
  }

  /** Files with uncommitted changes (tracked or untracked, not ignored) in a worktree. */
  async uncommittedFiles(worktreePath: string): Promise<string[]> {
    const out = (await run(['git', 'status', '--porcelain=v1', '-z', '--untracked-files=normal'], { cwd: worktreePath })).stdout;
    return parsePorcelainZ(out);
  }

  /** Number of commits on `branch` that `target` does not contain. */
  async commitsAhead(branch: string, target: string): Promise<number> {
    return Number(await this.gitOutput(['rev-list', '--count', `${target}..${branch}`]));
  }

  /**
   * Makes `path` ignored in every worktree (info/exclude lives in the common dir). Idempotent.
   * Caller must hold withLock().
   */
  async excludePattern(pattern: string): Promise<void> {
    const file = path.join(this.commonDir, 'info', 'exclude');
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (current.split('\n').includes(pattern)) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, `${current && !current.endsWith('\n') ? '\n' : ''}${pattern}\n`);
  }

  /**
   * Removes a worktree without ever leaving a half-deleted one registered: rename the directory into a
   * trash dir beside it, let git prune the now-missing registration, then delete the trash.
   */
  async removeWorktree(worktreePath: string): Promise<void> {
    const trash = path.join(path.dirname(worktreePath), `.workmux-trash-${path.basename(worktreePath)}-${process.pid}-${Date.now()}`);
    if (fs.existsSync(worktreePath)) fs.renameSync(worktreePath, trash);
    await this.git(['worktree', 'prune'], this.mainRoot);
    fs.rmSync(trash, { recursive: true, force: true });
  }

  async deleteBranch(branch: string, force: boolean): Promise<void> {
    await this.git(['branch', force ? '-D' : '-d', '--', branch], this.mainRoot);
  }
}

/** Queries that span the repository, kept apart from the Git class's single-ref helpers. */
export async function mainBranchOf(git: Git, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  // Whether `main` exists is looked up alongside the remotes (most repositories answer with it either way).
  const remotes = git.remotes();
  const hasMain = git.localBranchExists('main');
  hasMain.catch(() => undefined);
  for (const remote of await remotes) {
    const head = await run(['git', 'symbolic-ref', '--quiet', '--short', `refs/remotes/${remote}/HEAD`], { cwd: git.root, reject: false });
    if (head.exitCode === 0) return head.stdout.trim().slice(remote.length + 1);
  }
  if (await hasMain) return 'main';
  if (await git.localBranchExists('master')) return 'master';
  return (await git.currentBranch(git.mainRoot)) ?? 'main';
}

/** `branch.<b>.workmux-base` for every branch that has one: from the config file, else in one git call. */
export async function storedBases(git: Git): Promise<Map<string, string>> {
  const fromFile = readBaseRecords(git.commonDir, git.gitDir);
  if (fromFile) return fromFile;
  const result = await run(['git', 'config', '--get-regexp', '^branch\\..*\\.workmux-base$'], { cwd: git.root, reject: false });
  const bases = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const match = /^branch\.(.+)\.workmux-base (.*)$/.exec(line);
    if (match) bases.set(match[1]!, match[2]!);
  }
  return bases;
}

/** Commits reachable only from `branch` (no other local branch or remote-tracking ref has them): lost if it is deleted. */
export async function commitsOnlyOn(git: Git, branch: string): Promise<number> {
  const out = await git.gitOutput(['rev-list', '--count', `refs/heads/${branch}`, '--not', `--exclude=${branch}`, '--branches', '--remotes']);
  return Number(out);
}
