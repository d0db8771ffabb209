import { run } from '../core/exec.js';
import { WorkmuxError } from '../core/errors.js';
import type { Git } from './repo.js';

const FETCH_TIMEOUT_MS = 2 * 60_000;

/** `git fetch --all --prune`: forgets remote branches deleted upstream (e.g. after a PR was merged). */
export async function fetchAndPrune(git: Git): Promise<void> {
  const result = await run(['git', 'fetch', '--all', '--prune', '--quiet'], { cwd: git.mainRoot, timeout: FETCH_TIMEOUT_MS, reject: false });
  if (result.exitCode !== 0) {
    throw new WorkmuxError(`git fetch --prune failed${result.timedOut ? ' (timed out)' : ''}; nothing was removed`, {
      hint: 'check the remote and your network, then try again',
      detail: result.stderr.trim() || undefined,
    });
  }
}

/** Local branches whose upstream is configured but no longer exists (`[gone]`). */
export async function branchesWithGoneUpstream(git: Git): Promise<Set<string>> {
  const out = await git.gitOutput(['for-each-ref', '--format=%(refname)\t%(upstream:track)', 'refs/heads'], git.mainRoot);
  const gone = new Set<string>();
  for (const line of out.split('\n')) {
    const [ref, track] = line.split('\t');
    if (ref && track === '[gone]') gone.add(ref.replace(/^refs\/heads\//, ''));
  }
  return gone;
}
