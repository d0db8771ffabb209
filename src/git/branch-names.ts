import { UsageError } from '../core/errors.js';
import { run } from '../core/exec.js';

/**
 * The handle is the branch slug: what names the worktree directory and the tab.
 * `feature/auth` → `feature-auth`; anything outside [A-Za-z0-9._-] becomes `-`.
 */
export function handleForBranch(branch: string): string {
  const slug = branch
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return slug || 'worktree';
}

/**
 * Rejects what `git check-ref-format --branch` would, plus what is unsafe on a command line, with a
 * reason a user understands. The authoritative git check runs afterwards (gitAcceptsBranchName).
 */
export function problemWithBranchName(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.startsWith('-')) return 'it starts with "-" (it would be read as an option)';
  if (/[\x00-\x1f\x7f]/.test(name)) return 'it contains a control character';
  if (/\s/.test(name)) return 'it contains whitespace';
  if (name.includes('..')) return 'it contains ".."';
  if (/[~^:?*[\\]/.test(name)) return 'it contains one of ~ ^ : ? * [ \\';
  if (name.includes('@{')) return 'it contains "@{"';
  if (name === '@') return 'it is "@"';
  if (name.endsWith('/') || name.startsWith('/') || name.includes('//')) return 'it has an empty path component';
  if (name.endsWith('.lock') || name.split('/').some((part) => part.endsWith('.lock'))) return 'a component ends with ".lock"';
  if (name.split('/').some((part) => part.startsWith('.'))) return 'a component starts with "."';
  if (name.endsWith('.')) return 'it ends with "."';
  return undefined;
}

export function assertValidBranchName(name: string): void {
  const problem = problemWithBranchName(name);
  if (problem) {
    throw new UsageError(`invalid branch name ${JSON.stringify(name)}: ${problem}`, {
      hint: 'use letters, digits, "/", "-", "_" or "." (e.g. feature/login)',
    });
  }
}

const gitVerdicts = new Map<string, Promise<boolean>>();

/**
 * git's own verdict on a branch name (`git check-ref-format --branch`), asked after the friendlier checks
 * above. It needs no repository, so `add` asks as soon as it has the name — the process runs while the
 * repository is located and the config read; asking again for the same name reuses that answer.
 */
export function gitAcceptsBranchName(name: string): Promise<boolean> {
  let verdict = gitVerdicts.get(name);
  if (!verdict) {
    verdict = run(['git', 'check-ref-format', '--branch', name], { reject: false }).then((result) => result.exitCode === 0);
    gitVerdicts.set(name, verdict);
  }
  return verdict;
}
