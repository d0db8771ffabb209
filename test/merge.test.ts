/**
 * `workmux merge`: every strategy on real repositories, cleanup of tab + worktree + branch through the
 * built CLI on a private tmux server, and the promise that a failed landing changes nothing.
 * Build first: `npx tsc -p tsconfig.json`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { WORKMUX_BIN, eventually, git, makeRepo, makeTestEnv, tmux, workmux, type TestEnv } from './helpers/env.js';
import {
  branchExists, captureState, commitFile, commitSeries, paneOfWindow, plainWorktree, typeInPane, windowNames, writeGlobalConfig,
} from './helpers/merge-fixtures.js';
import { Git } from '../src/git/repo.js';
import { changesAlreadyIn, squashMessage } from '../src/git/merge.js';
import { describeDifferences, hasNoTrackedChanges, pathsInStatus, restoreSnapshot, takeSnapshot } from '../src/git/repo-state.js';

let t: TestEnv;
let repo: string;

beforeEach(async () => {
  t = await makeTestEnv();
  repo = await makeRepo(t);
});
afterEach(async () => {
  await t.cleanup();
});

const log = async (cwd: string, range: string, format = '%s') => (await git(t, cwd, 'log', `--format=${format}`, range)).trimEnd();
const parentsOf = async (ref: string) => (await git(t, repo, 'rev-list', '--parents', '-n', '1', ref)).split(' ').length - 1;

/** A branch made with `workmux add` (so it has a tab), with `count` commits; main then moves ahead. */
async function addedBranchWithCommits(branch: string, count: number, add: string[] = []): Promise<string> {
  const added = await workmux(t, repo, ['add', branch, ...add]);
  expect(added.exitCode, added.stderr).toBe(0);
  const wt = (await workmux(t, repo, ['path', branch])).stdout.trim();
  await commitSeries(t, wt, count, branch);
  await commitFile(t, repo, 'main-moved.txt', 'main moved on\n', 'main moved on');
  return wt;
}

async function expectCleanedUp(branch: string, wt: string): Promise<void> {
  expect(fs.existsSync(wt)).toBe(false);
  expect(await git(t, repo, 'worktree', 'list', '--porcelain')).not.toContain(wt);
  expect(await branchExists(t, repo, branch)).toBe(false);
  expect(await windowNames(t)).not.toContain(`wm-${branch}`);
}

describe('strategies (end to end)', () => {
  test('merge (default): a merge commit on main with main moved ahead; tab, worktree and branch are gone', async () => {
    const wt = await addedBranchWithCommits('feat', 2);
    expect(await windowNames(t)).toContain('wm-feat');
    const tip = await git(t, wt, 'rev-parse', 'HEAD');
    const result = await workmux(t, repo, ['merge', 'feat']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('landed feat on main (merge, 2 commits)');
    expect(await parentsOf('main')).toBe(2);
    expect(await git(t, repo, 'merge-base', '--is-ancestor', tip, 'main').then(() => true)).toBe(true);
    expect(fs.readFileSync(path.join(repo, 'feat-2.txt'), 'utf8')).toBe('feat 2\n');
    expect(await git(t, repo, 'status', '--porcelain')).toBe('');
    await expectCleanedUp('feat', wt);
  });

  test('rebase: linear history, branch commits on top of the moved main', async () => {
    const wt = await addedBranchWithCommits('feat', 3);
    const result = await workmux(t, repo, ['merge', 'feat', '--rebase']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect((await log(repo, 'main')).split('\n')).toEqual(['feat commit 3', 'feat commit 2', 'feat commit 1', 'main moved on', 'initial']);
    expect(await git(t, repo, 'rev-list', '--merges', '--count', 'main')).toBe('0');
    expect(await git(t, repo, 'status', '--porcelain')).toBe('');
    expect(fs.existsSync(path.join(repo, 'feat-3.txt'))).toBe(true);
    await expectCleanedUp('feat', wt);
  });

  test('squash: one commit listing the squashed subjects; the unmerged branch is still cleaned up', async () => {
    const wt = await addedBranchWithCommits('feat', 3);
    const result = await workmux(t, repo, ['merge', 'feat', '--squash']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await parentsOf('main')).toBe(1);
    expect(await log(repo, '-1', '%B')).toBe(squashMessage('feat', 'main', ['feat commit 1', 'feat commit 2', 'feat commit 3']).trimEnd());
    expect(await log(repo, 'main~1..main')).toBe("Squash branch 'feat' into main (3 commits)");
    expect(await git(t, repo, 'ls-tree', '--name-only', 'main')).toContain('feat-3.txt');
    await expectCleanedUp('feat', wt);
  });

  test('squash with -m uses that message; merge_strategy from the config picks the strategy', async () => {
    writeGlobalConfig(t, 'merge_strategy: squash\n');
    await addedBranchWithCommits('feat', 2);
    const result = await workmux(t, repo, ['merge', 'feat', '-m', 'Add the feature']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await log(repo, '-1', '%B')).toBe('Add the feature');
    expect(await parentsOf('main')).toBe(1);
  });

  test('squash of changes the target already has: no empty commit, the branch is still cleaned up', async () => {
    const wt = await plainWorktree(t, repo, 'feat');
    const picked = await commitFile(t, wt, 'same.txt', 'same\n', 'feature change');
    await commitFile(t, repo, 'other.txt', 'other\n'); // so the pick below is a different commit
    await git(t, repo, 'cherry-pick', picked);
    const mainBefore = await git(t, repo, 'rev-parse', 'main');
    const result = await workmux(t, repo, ['merge', 'feat', '--squash', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).data).toMatchObject({ commits: 1, cleaned: true });
    expect(await git(t, repo, 'rev-parse', 'main')).toBe(mainBefore);
    expect(await git(t, repo, 'status', '--porcelain')).toBe('');
    expect(fs.existsSync(path.join(repo, '.git', 'SQUASH_MSG'))).toBe(false);
    expect(await branchExists(t, repo, 'feat')).toBe(false);
  });

  test('merge_no_ff makes a merge commit even when a fast-forward is possible', async () => {
    writeGlobalConfig(t, 'merge_no_ff: true\n');
    const wt = await plainWorktree(t, repo, 'feat');
    await commitSeries(t, wt, 1);
    const result = await workmux(t, repo, ['merge', 'feat']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await parentsOf('main')).toBe(2);
  });

  test('--keep (and merge_keep) keep tab, worktree and branch', async () => {
    const wt = await addedBranchWithCommits('feat', 1);
    const kept = await workmux(t, repo, ['merge', 'feat', '-k', '--rebase']);
    expect(kept.exitCode, kept.stderr).toBe(0);
    expect(fs.existsSync(wt)).toBe(true);
    expect(await branchExists(t, repo, 'feat')).toBe(true);
    expect(await windowNames(t)).toContain('wm-feat');
    expect(await git(t, repo, 'rev-parse', 'main')).toBe(await git(t, wt, 'rev-parse', 'HEAD'));

    writeGlobalConfig(t, 'merge_keep: true\n');
    await commitFile(t, wt, 'more.txt', 'more\n');
    const again = await workmux(t, repo, ['merge', 'feat', '--json']);
    expect(JSON.parse(again.stdout).data).toMatchObject({ commits: 1, cleaned: false });
    expect(fs.existsSync(wt)).toBe(true);
  });

  test('a branch with nothing to land is reported and cleaned up', async () => {
    const wt = await plainWorktree(t, repo, 'empty');
    const result = await workmux(t, repo, ['merge', 'empty', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).data).toEqual({ branch: 'empty', target: 'main', strategy: 'merge', commits: 0, cleaned: true });
    expect(fs.existsSync(wt)).toBe(false);
  });
});

describe('target', () => {
  test('--into a branch checked out in another worktree lands there; main is untouched', async () => {
    const devWt = await plainWorktree(t, repo, 'develop');
    const featWt = await plainWorktree(t, repo, 'feat');
    await commitSeries(t, featWt, 2);
    const mainBefore = await git(t, repo, 'rev-parse', 'main');
    const result = await workmux(t, repo, ['merge', 'feat', '--into', 'develop', '--rebase']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await git(t, repo, 'rev-parse', 'main')).toBe(mainBefore);
    expect(await log(devWt, 'develop~2..develop')).toBe('work commit 2\nwork commit 1');
    expect(fs.existsSync(path.join(devWt, 'work-2.txt'))).toBe(true); // the develop checkout moved with its branch
    expect(await git(t, devWt, 'status', '--porcelain')).toBe('');
    expect(await branchExists(t, repo, 'feat')).toBe(false); // deleted although the main worktree's HEAD (main) lacks it
  });

  test('the stored base (add --base) is the default target', async () => {
    await git(t, repo, 'branch', 'develop');
    const added = await workmux(t, repo, ['add', 'feat', '--base', 'develop', '-b']);
    expect(added.exitCode, added.stderr).toBe(0);
    const wt = (await workmux(t, repo, ['path', 'feat'])).stdout.trim();
    await commitSeries(t, wt, 1);
    const result = await workmux(t, repo, ['merge', 'feat', '--json']);
    expect(JSON.parse(result.stdout).data).toMatchObject({ target: 'develop', commits: 1, cleaned: true });
    expect(await log(repo, 'develop~1..develop')).toBe('work commit 1');
  });

  test('a stored base that was deleted since: the main branch is the target', async () => {
    await git(t, repo, 'branch', 'develop');
    expect((await workmux(t, repo, ['add', 'feat', '--base', 'develop', '-b'])).exitCode).toBe(0);
    const wt = (await workmux(t, repo, ['path', 'feat'])).stdout.trim();
    await commitSeries(t, wt, 1);
    await git(t, repo, 'branch', '-D', 'develop');
    const result = await workmux(t, repo, ['merge', 'feat', '--squash', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).data).toMatchObject({ target: 'main', commits: 1, cleaned: true });
    expect(await log(repo, 'main~1..main')).toBe("Squash branch 'feat' into main (1 commit)");
    expect(await git(t, repo, 'show', 'main:work-1.txt')).toBe('work 1');
  });

  test('a target no worktree has checked out: merged in a temporary checkout, the main worktree never switches', async () => {
    await git(t, repo, 'branch', 'release');
    fs.writeFileSync(path.join(repo, 'scratch.txt'), 'untracked, must survive\n');
    const mainBefore = await git(t, repo, 'rev-parse', 'main');
    for (const strategy of ['merge', 'squash', 'rebase']) {
      const wt = await plainWorktree(t, repo, `feat-${strategy}`);
      await commitSeries(t, wt, 2, strategy);
      const result = await workmux(t, repo, ['merge', `feat-${strategy}`, '--into', 'release', ...(strategy === 'merge' ? [] : [`--${strategy}`])]);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(await git(t, repo, 'ls-tree', '--name-only', 'release')).toContain(`${strategy}-2.txt`);
    }
    expect(await git(t, repo, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main');
    expect(await git(t, repo, 'rev-parse', 'main')).toBe(mainBefore);
    expect(await git(t, repo, 'status', '--porcelain')).toBe('?? scratch.txt');
    expect((await git(t, repo, 'worktree', 'list')).split('\n')).toHaveLength(1); // no temporary checkout left
  });

  test('merging a branch into itself is a usage error', async () => {
    await plainWorktree(t, repo, 'feat');
    const result = await workmux(t, repo, ['merge', 'feat', '--into', 'feat']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('cannot merge feat into itself');
  });
});

describe('conflicts leave everything exactly as it was', () => {
  for (const strategy of ['merge', 'rebase', 'squash'] as const) {
    test(`${strategy}: exit 1, conflicting files named, HEADs, index, status and git dirs unchanged`, async () => {
      const featWt = await plainWorktree(t, repo, 'feat');
      await commitFile(t, featWt, 'shared.txt', 'feature version\n', 'feature edits shared');
      await commitFile(t, featWt, 'feature-only.txt', 'only here\n', 'feature adds a file');
      await commitFile(t, repo, 'shared.txt', 'main version\n', 'main edits shared');
      await commitFile(t, repo, 'other.txt', 'x\n');
      fs.writeFileSync(path.join(featWt, 'untracked.txt'), 'untracked\n');
      const branches = ['main', 'feat'];
      const before = await captureState(t, repo, branches, [repo, featWt]);
      const origHeads = [repo, featWt].map(orig);

      const args = ['merge', 'feat', '--ignore-uncommitted', ...(strategy === 'merge' ? [] : [`--${strategy}`])];
      const result = await workmux(t, repo, args);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('conflicts in shared.txt');
      expect(result.stderr).toContain('workmux open feat');
      expect(await captureState(t, repo, branches, [repo, featWt])).toEqual(before);
      expect([repo, featWt].map(orig)).toEqual(origHeads);
      expect(fs.existsSync(featWt)).toBe(true);
    });
  }

  /** ORIG_HEAD of a worktree (git merge/rebase rewrite it; workmux puts it back). */
  function orig(wt: string): string | null {
    const gitPath = path.join(wt, '.git');
    const gitDir = fs.statSync(gitPath).isDirectory() ? gitPath : fs.readFileSync(gitPath, 'utf8').replace(/^gitdir: /, '').trim();
    const file = path.join(gitDir, 'ORIG_HEAD');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
  }

  test('a conflict while merging in a temporary checkout leaves the target ref and no leftover worktree', async () => {
    await git(t, repo, 'checkout', '-q', '-b', 'release');
    await commitFile(t, repo, 'README.md', 'release readme\n');
    await git(t, repo, 'checkout', '-q', 'main');
    const featWt = await plainWorktree(t, repo, 'feat');
    await commitFile(t, featWt, 'README.md', 'feature readme\n');
    const before = await captureState(t, repo, ['main', 'feat', 'release'], [repo, featWt]);
    const result = await workmux(t, repo, ['merge', 'feat', '--into', 'release']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('conflicts in README.md');
    expect(await captureState(t, repo, ['main', 'feat', 'release'], [repo, featWt])).toEqual(before);
    expect((await git(t, repo, 'worktree', 'list')).split('\n')).toHaveLength(2);
  });
});

describe('refusals', () => {
  test('uncommitted changes in the branch worktree are named; --ignore-uncommitted lands the commits and keeps the worktree', async () => {
    const wt = await plainWorktree(t, repo, 'feat');
    await commitSeries(t, wt, 1);
    fs.writeFileSync(path.join(wt, 'README.md'), 'edited, not committed\n');
    fs.writeFileSync(path.join(wt, 'notes.txt'), 'new\n');
    const mainBefore = await git(t, repo, 'rev-parse', 'main');
    const refused = await workmux(t, repo, ['merge', 'feat']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('feat has uncommitted changes: README.md, notes.txt');
    expect(await git(t, repo, 'rev-parse', 'main')).toBe(mainBefore);

    const rebase = await workmux(t, repo, ['merge', 'feat', '--rebase', '--ignore-uncommitted']);
    expect(rebase.exitCode).toBe(1);
    expect(rebase.stderr).toContain('cannot rebase feat');

    const landed = await workmux(t, repo, ['merge', 'feat', '--ignore-uncommitted']);
    expect(landed.exitCode, landed.stderr).toBe(0);
    expect(landed.stdout).toContain(`kept ${wt}`);
    expect(await git(t, repo, 'ls-tree', '--name-only', 'main')).toContain('work-1.txt');
    expect(fs.readFileSync(path.join(wt, 'README.md'), 'utf8')).toBe('edited, not committed\n');
    expect(await branchExists(t, repo, 'feat')).toBe(true);
  });

  test('a dirty target worktree is refused', async () => {
    const wt = await plainWorktree(t, repo, 'feat');
    await commitSeries(t, wt, 1);
    fs.writeFileSync(path.join(repo, 'README.md'), 'dirty main\n');
    const before = await captureState(t, repo, ['main', 'feat'], [repo, wt]);
    const result = await workmux(t, repo, ['merge', 'feat', '--squash']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`the target worktree ${repo} (main) has uncommitted changes: README.md`);
    expect(await captureState(t, repo, ['main', 'feat'], [repo, wt])).toEqual(before);
  });
});

describe('hooks', () => {
  test('pre_merge runs in the branch worktree with WM_* env; a failing hook aborts with its output; --no-hooks skips it', async () => {
    const envFile = path.join(t.dir, 'hook-env.txt');
    writeGlobalConfig(
      t,
      `pre_merge:\n  - 'printf "%s|%s|%s|%s|%s" "$WM_BRANCH" "$WM_TARGET_BRANCH" "$WM_WORKTREE_PATH" "$WM_PROJECT_ROOT" "$PWD" > ${envFile}'\n` +
        `  - 'if [ -e $WM_WORKTREE_PATH/fail ]; then echo "tests are red"; exit 3; fi'\n`,
    );
    const wt = await plainWorktree(t, repo, 'feat');
    await commitFile(t, wt, 'fail', 'x\n');
    const mainBefore = await git(t, repo, 'rev-parse', 'main');
    const failed = await workmux(t, repo, ['merge', 'feat']);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain('pre_merge hook failed (exit 3)');
    expect(failed.stderr).toContain('tests are red');
    expect(fs.readFileSync(envFile, 'utf8')).toBe(`feat|main|${wt}|${repo}|${wt}`);
    expect(await git(t, repo, 'rev-parse', 'main')).toBe(mainBefore);

    const skipped = await workmux(t, repo, ['merge', 'feat', '--no-hooks']);
    expect(skipped.exitCode, skipped.stderr).toBe(0);
    expect(await git(t, repo, 'ls-tree', '--name-only', 'main')).toContain('fail');
  });

  test('--no-verify skips git commit hooks; without it a refusing hook leaves everything as it was', async () => {
    const wt = await plainWorktree(t, repo, 'feat');
    await commitFile(t, wt, 'f.txt', 'f\n', 'adds f');
    await commitFile(t, repo, 'x.txt', 'x\n', 'main moves on');
    // Installed last: hooks are shared by every worktree, and the fixture commits above must pass.
    fs.writeFileSync(path.join(repo, '.git', 'hooks', 'commit-msg'), '#!/bin/sh\necho "commit-msg says no"\nexit 1\n', { mode: 0o755 });
    const before = await captureState(t, repo, ['main', 'feat'], [repo, wt]);
    const refused = await workmux(t, repo, ['merge', 'feat', '--squash']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('commit-msg says no');
    expect(await captureState(t, repo, ['main', 'feat'], [repo, wt])).toEqual(before);

    const landed = await workmux(t, repo, ['merge', 'feat', '--squash', '--no-verify']);
    expect(landed.exitCode, landed.stderr).toBe(0);
    expect(await git(t, repo, 'ls-tree', '--name-only', 'main')).toContain('f.txt');
  });
});

test('--json prints {branch, target, strategy, commits, cleaned} in the standard envelope', async () => {
  const wt = await plainWorktree(t, repo, 'feat');
  await commitSeries(t, wt, 2);
  const result = await workmux(t, repo, ['merge', 'feat', '--rebase', '--json']);
  expect(result.exitCode, result.stderr).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual({ ok: true, data: { branch: 'feat', target: 'main', strategy: 'rebase', commits: 2, cleaned: true } });
  const failed = await workmux(t, repo, ['merge', 'nope', '--json']);
  expect(JSON.parse(failed.stdout)).toMatchObject({ ok: false, error: { exitCode: 1 } });
});

describe('run from inside the tab it closes', () => {
  test('the merge finishes, then the window goes; worktree and branch are gone; the user lands on the target tab', async () => {
    await git(t, repo, 'branch', 'develop');
    for (const args of [['add', 'develop'], ['add', 'other'], ['add', 'feat', '--base', 'develop']]) {
      const added = await workmux(t, repo, args);
      expect(added.exitCode, added.stderr).toBe(0);
    }
    const featWt = (await workmux(t, repo, ['path', 'feat'])).stdout.trim();
    const devWt = (await workmux(t, repo, ['path', 'develop'])).stdout.trim();
    await commitSeries(t, featWt, 2);
    const session = `=${path.basename(repo)}:`;
    expect(await tmux(t, 'display-message', '-p', '-t', session, '#{window_name}')).toBe('wm-feat');
    const out = path.join(t.dir, 'merge-out.txt');
    await typeInPane(t, await paneOfWindow(t, 'wm-feat'), `${WORKMUX_BIN} merge > ${out} 2>&1; echo "exit=$?" >> ${out}`);

    await eventually(async () => !(await windowNames(t)).includes('wm-feat'), 20_000);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/landed feat on develop \(merge, 2 commits\)[\s\S]*switched to wm-develop[\s\S]*exit=0/);
    expect(fs.existsSync(featWt)).toBe(false);
    expect(await branchExists(t, repo, 'feat')).toBe(false);
    expect(await log(devWt, 'develop~2..develop')).toBe('work commit 2\nwork commit 1');
    expect(await tmux(t, 'display-message', '-p', '-t', session, '#{window_name}')).toBe('wm-develop');
  });
});

describe('git layer', () => {
  const saved = { ...process.env };
  beforeEach(() => Object.assign(process.env, t.env));
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  test('restoreSnapshot undoes a half-done merge, a moved ref and a detached HEAD', async () => {
    const featWt = await plainWorktree(t, repo, 'feat');
    await commitFile(t, featWt, 'README.md', 'feat\n');
    await commitFile(t, repo, 'README.md', 'main\n');
    const spec = { refs: ['refs/heads/main', 'refs/heads/feat'], worktrees: [repo, featWt] };
    const before = await takeSnapshot(repo, spec);
    const captured = await captureState(t, repo, ['main', 'feat'], [repo, featWt]);

    await git(t, repo, 'merge', 'feat').catch(() => undefined); // conflicted, MERGE_HEAD left behind
    await commitFile(t, featWt, 'extra.txt', 'extra\n');
    await git(t, featWt, 'checkout', '-q', '--detach', 'HEAD~1');
    expect(describeDifferences(before, await takeSnapshot(repo, spec)).length).toBeGreaterThanOrEqual(4);

    expect(await restoreSnapshot(repo, before)).toEqual([]);
    expect(await captureState(t, repo, ['main', 'feat'], [repo, featWt])).toEqual(captured);
  });

  test('restoreSnapshot never resets a worktree that had tracked changes; it reports instead', async () => {
    const featWt = await plainWorktree(t, repo, 'feat');
    fs.writeFileSync(path.join(featWt, 'README.md'), 'uncommitted work\n');
    const spec = { refs: ['refs/heads/feat'], worktrees: [featWt] };
    const before = await takeSnapshot(repo, spec);
    await commitFile(t, featWt, 'other.txt', 'o\n');
    const remaining = await restoreSnapshot(repo, before);
    expect(remaining.join('\n')).toContain('refs/heads/feat was');
    expect(fs.readFileSync(path.join(featWt, 'README.md'), 'utf8')).toBe('uncommitted work\n');
  });

  test('changesAlreadyIn sees a squash-merged branch as landed, and a diverging one as not', async () => {
    const git_ = await Git.discover(repo);
    const featWt = await plainWorktree(t, repo, 'feat');
    await commitSeries(t, featWt, 2);
    expect(await changesAlreadyIn(git_, 'feat', 'main')).toBe(false);
    await git(t, repo, 'merge', '--squash', 'feat');
    await git(t, repo, 'commit', '-q', '-m', 'squashed');
    await commitFile(t, repo, 'later.txt', 'later\n');
    expect(await changesAlreadyIn(git_, 'feat', 'main')).toBe(true);
    await commitFile(t, featWt, 'work-1.txt', 'changed after the squash\n');
    expect(await changesAlreadyIn(git_, 'feat', 'main')).toBe(false);
  });

  test('status v2 parsing: paths (spaces, renames, conflicts, untracked) and "no tracked changes"', () => {
    const oid = 'a'.repeat(40);
    const status = [
      `1 .M N... 100644 100644 100644 ${oid} ${oid} a file.txt`,
      `2 R. N... 100644 100644 100644 ${oid} ${oid} R100 new.txt`, 'old.txt',
      `u UU N... 100644 100644 100644 100644 ${oid} ${oid} ${oid} both.txt`,
      '? n.txt', '',
    ].join('\0');
    expect(pathsInStatus(status)).toEqual(['a file.txt', 'new.txt', 'both.txt', 'n.txt']);
    expect(hasNoTrackedChanges(status)).toBe(false);
    expect(hasNoTrackedChanges('? n.txt\0')).toBe(true);
    expect(hasNoTrackedChanges('')).toBe(true);
  });
});
