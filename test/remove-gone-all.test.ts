/**
 * `workmux remove --gone` and `remove --all` through the built CLI: real git (with a bare "origin"), real
 * tmux on a private socket for tabs and for the terminal confirmation. Build first: `npx tsc -p tsconfig.json`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { WORKMUX_BIN, eventually, git, makeRepo, makeTestEnv, tmux, workmux, type TestEnv } from './helpers/env.js';
import { branchExists, commitFile, commitSeries, plainWorktree, typeInPane, windowNames } from './helpers/merge-fixtures.js';

let t: TestEnv;
let repo: string;
let origin: string;

beforeEach(async () => {
  t = await makeTestEnv();
  repo = await makeRepo(t);
  origin = path.join(t.dir, 'origin.git');
  await git(t, t.dir, 'init', '-q', '--bare', origin);
  await git(t, repo, 'remote', 'add', 'origin', origin);
  await git(t, repo, 'push', '-q', '-u', 'origin', 'main');
});
afterEach(async () => {
  await t.cleanup();
});

/** A worktree whose branch was pushed with upstream tracking. */
async function pushedWorktree(branch: string, commits = 1): Promise<string> {
  const wt = await plainWorktree(t, repo, branch);
  await commitSeries(t, wt, commits, branch);
  await git(t, wt, 'push', '-q', '-u', 'origin', branch);
  return wt;
}

/** The forge deletes the branch (as after merging a PR); the local remote-tracking ref stays until a prune. */
const deleteOnRemote = (branch: string) => git(t, origin, 'branch', '-q', '-D', branch);

const worktreeCount = async () => (await git(t, repo, 'worktree', 'list')).split('\n').length;

describe('remove --gone', () => {
  test('fetches with --prune and removes landed worktrees; skips dirty and unlanded ones with the reason; leaves the rest', async () => {
    const landed = await pushedWorktree('landed', 2);
    await git(t, repo, 'merge', '-q', '--squash', 'landed'); // the forge squash-merged it
    await git(t, repo, 'commit', '-q', '-m', 'Landed (#1)');
    await git(t, repo, 'push', '-q', 'origin', 'main');
    const dirty = await pushedWorktree('dirty');
    await git(t, repo, 'merge', '-q', 'dirty');
    fs.writeFileSync(path.join(dirty, 'wip.txt'), 'not committed\n');
    const unlanded = await pushedWorktree('unlanded');
    const alive = await pushedWorktree('alive');
    const local = await plainWorktree(t, repo, 'local-only');
    for (const branch of ['landed', 'dirty', 'unlanded']) await deleteOnRemote(branch);
    expect(await git(t, repo, 'branch', '-r')).toContain('origin/landed'); // not pruned yet: workmux must fetch

    const result = await workmux(t, repo, ['remove', '--gone']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('removed landed: worktree, branch landed');
    expect(result.stdout).toContain('skipped dirty: it has uncommitted changes (wip.txt)');
    expect(result.stdout).toMatch(/skipped unlanded: branch unlanded has 1 commit that no other branch contains, and its changes are not in main/);
    expect(fs.existsSync(landed)).toBe(false);
    expect(await branchExists(t, repo, 'landed')).toBe(false);
    for (const kept of [dirty, unlanded, alive, local]) expect(fs.existsSync(kept)).toBe(true);
    expect(await branchExists(t, repo, 'alive')).toBe(true);

    const forced = await workmux(t, repo, ['remove', '--gone', '--force', '--json']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    const data = JSON.parse(forced.stdout).data;
    expect(data.removed.map((r: { handle: string }) => r.handle).sort()).toEqual(['dirty', 'unlanded']);
    expect(data).toMatchObject({ skipped: [], cancelled: false });
    expect(await worktreeCount()).toBe(3); // main, alive, local-only
  });

  test('nothing gone: says so and removes nothing; a failing fetch removes nothing', async () => {
    await pushedWorktree('alive');
    const result = await workmux(t, repo, ['remove', '--gone']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('nothing to remove');
    const gone = await pushedWorktree('gone-later');
    await deleteOnRemote('gone-later');
    fs.renameSync(origin, `${origin}.away`);
    const failed = await workmux(t, repo, ['remove', '--gone']);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain('git fetch --prune failed; nothing was removed');
    expect(fs.existsSync(gone)).toBe(true);
  });

  test('names and --gone together are a usage error, as are --gone and --all', async () => {
    const both = await workmux(t, repo, ['remove', 'x', '--gone']);
    expect(both.exitCode, both.stderr).toBe(2);
    expect((await workmux(t, repo, ['remove', '--gone', '--all'])).exitCode).toBe(2);
  });
});

describe('remove --all', () => {
  test('without a terminal: removes what is safe (tabs too), skips dirty and unmerged ones and says why; --force takes the rest', async () => {
    const added = await workmux(t, repo, ['add', 'tabbed', '-b']);
    expect(added.exitCode, added.stderr).toBe(0);
    expect(await windowNames(t)).toContain('wm-tabbed');
    const merged = await plainWorktree(t, repo, 'merged');
    await commitSeries(t, merged, 1, 'merged');
    await git(t, repo, 'merge', '-q', 'merged');
    const dirty = await plainWorktree(t, repo, 'dirty');
    fs.writeFileSync(path.join(dirty, 'README.md'), 'changed\n');
    const unmerged = await plainWorktree(t, repo, 'unmerged');
    await commitFile(t, unmerged, 'u.txt', 'u\n');

    const result = await workmux(t, repo, ['remove', '--all']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.split('\n').sort()).toEqual([
      'removed merged: worktree, branch merged',
      'removed tabbed: worktree, tab, branch tabbed',
      'skipped dirty: it has uncommitted changes (README.md) (--force removes it anyway)',
      'skipped unmerged: branch unmerged has 1 commit that no other branch contains (--force removes it anyway)',
    ]);
    expect(await windowNames(t)).not.toContain('wm-tabbed');
    expect(fs.existsSync(dirty) && fs.existsSync(unmerged)).toBe(true);
    expect(await branchExists(t, repo, 'unmerged')).toBe(true);

    const keepBranches = await workmux(t, repo, ['remove', '--all', '--keep-branch', '--json']);
    const data = JSON.parse(keepBranches.stdout).data;
    expect(data.removed.map((r: { handle: string }) => r.handle)).toEqual(['unmerged']); // its commits stay on the kept branch
    expect(data.skipped.map((s: { handle: string }) => s.handle)).toEqual(['dirty']);
    expect(await branchExists(t, repo, 'unmerged')).toBe(true);

    expect((await workmux(t, repo, ['remove', '--all', '--force'])).exitCode).toBe(0);
    expect(await worktreeCount()).toBe(1);
  });

  test('on a terminal it asks first: "n" removes nothing, "y" removes; --yes does not ask', async () => {
    const a = await plainWorktree(t, repo, 'a');
    const b = await plainWorktree(t, repo, 'b');
    await tmux(t, 'new-session', '-d', '-s', 'ui', '-x', '160', '-y', '40', '-c', repo);
    const pane = (await tmux(t, 'display-message', '-p', '-t', '=ui:', '#{pane_id}')).trim();
    const screen = () => tmux(t, 'capture-pane', '-p', '-J', '-t', pane);

    await typeInPane(t, pane, `clear; ${WORKMUX_BIN} remove --all`);
    await eventually(async () => (await screen()).includes('proceed? [y/N]'), 20_000);
    expect(await screen()).toMatch(/remove 2 worktrees with their tabs and branches:\s+a\s/);
    await typeInPane(t, pane, 'n');
    await eventually(async () => (await screen()).includes('cancelled: nothing was removed'), 20_000);
    expect(fs.existsSync(a) && fs.existsSync(b)).toBe(true);

    await typeInPane(t, pane, `clear; ${WORKMUX_BIN} remove --all`);
    await eventually(async () => (await screen()).includes('proceed? [y/N]'), 20_000);
    await typeInPane(t, pane, 'y');
    await eventually(async () => (await screen()).includes('removed b'), 20_000);
    expect(fs.existsSync(a) || fs.existsSync(b)).toBe(false);

    const c = await plainWorktree(t, repo, 'c');
    await typeInPane(t, pane, `clear; ${WORKMUX_BIN} remove --all --yes; echo "done=$?"`);
    await eventually(async () => (await screen()).includes('done=0'), 20_000);
    expect(await screen()).not.toContain('proceed?');
    expect(fs.existsSync(c)).toBe(false);
  });

  test('the names form keeps its safety checks', async () => {
    const wt = await plainWorktree(t, repo, 'feat');
    await commitFile(t, wt, 'x.txt', 'x\n');
    const refused = await workmux(t, repo, ['remove', 'feat']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('refusing to remove feat: branch feat has 1 commit that no other branch contains');
    expect(fs.existsSync(wt)).toBe(true);
  });
});
