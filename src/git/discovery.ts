import fs from 'node:fs';
import path from 'node:path';
import { run, type RunResult } from '../core/exec.js';
import { readTextIfExists } from '../core/paths.js';
import { gitDirOf } from './repo-state.js';
import { mainWorktreeElsewhere } from './refs.js';

/** Where a repository is, as `git rev-parse --show-toplevel --git-common-dir --git-dir` would say. */
export interface RepositoryLocation {
  /** The worktree containing the directory. */
  root: string;
  /** The shared `.git` directory. */
  commonDir: string;
  /** This worktree's own git dir (`.git`, or `.git/worktrees/<name>`). */
  gitDir: string;
}

export const DISCOVERY_ARGV = ['git', 'rev-parse', '--path-format=absolute', '--show-toplevel', '--git-common-dir', '--git-dir'] as const;

/** Environment that changes how git finds a repository: with any of it set, git itself is asked. */
const DISCOVERY_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_COMMON_DIR', 'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM', 'GIT_CONFIG_PARAMETERS', 'GIT_CONFIG_COUNT'];

/**
 * The repository containing `cwd`, found the way git finds it — walk up to the nearest `.git` (a directory,
 * or a `gitdir:` file for a linked worktree, whose `commondir` names the shared one) — but without starting
 * a process: every command needs this first, and a process here is on the critical path of all of them.
 * Anything unusual is left to git (undefined): discovery environment variables, a bare or core.worktree
 * repository, a repository on another filesystem or owned by someone else (git's safe.directory rules),
 * a cwd inside a git dir, no repository at all (git's message is the one to show).
 */
export function locateRepository(cwd: string, env: NodeJS.ProcessEnv = process.env): RepositoryLocation | undefined {
  if (DISCOVERY_ENV.some((name) => env[name] !== undefined)) return undefined;
  let start: string;
  try {
    start = fs.realpathSync(cwd);
  } catch {
    return undefined;
  }
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) {
      try {
        return checked(start, dir, gitDirOf(dir));
      } catch {
        return undefined; // a .git that is neither a directory nor a readable gitdir pointer
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function checked(start: string, root: string, gitDirPath: string): RepositoryLocation | undefined {
  let gitDir: string;
  let commonDir: string;
  try {
    gitDir = fs.realpathSync(gitDirPath);
    const commonPointer = readTextIfExists(path.join(gitDir, 'commondir'))?.trim();
    commonDir = fs.realpathSync(commonPointer ? path.resolve(gitDir, commonPointer) : gitDir);
  } catch {
    return undefined;
  }
  if (!fs.existsSync(path.join(gitDir, 'HEAD'))) return undefined;
  if (start === gitDir || start.startsWith(gitDir + path.sep) || start === commonDir || start.startsWith(commonDir + path.sep)) return undefined;
  const config = readTextIfExists(path.join(commonDir, 'config')) ?? '';
  if (mainWorktreeElsewhere(config)) return undefined;
  const here = fs.statSync(start);
  const top = fs.statSync(root);
  if (here.dev !== top.dev || (process.getuid && top.uid !== process.getuid())) return undefined;
  return { root, commonDir, gitDir };
}

/** `git rev-parse` for what locateRepository leaves to git. */
export function askGitWhere(cwd: string): Promise<RunResult> {
  return run(DISCOVERY_ARGV, { cwd, reject: false });
}

