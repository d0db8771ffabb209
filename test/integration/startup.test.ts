/**
 * The start-up path (issue 2's start-up targets): the sh launcher, the start-up snapshot and its fallback,
 * the discovery prefetch, and the one-process-per-group dirty check `list` relies on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { WORKMUX_BIN, WORKMUX_ROOT, git, workmux, useTestRepo, type TestEnv } from '../helpers/env.js';
import { Git, changesPerStatus, worktreesWithChanges } from '../../src/git/repo.js';
import { prefetchRepoDiscovery } from '../../src/git/discovery.js';

let t: TestEnv;
let repo: string;
useTestRepo((world) => ({ t, repo } = world));

/** A directory holding a `node` link to this very binary: first on PATH, it is not the node that built the snapshot. */
function otherNodeOnPath(): string {
  const bin = path.join(t.dir, 'other-node');
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  return `${bin}:${t.env.PATH}`;
}

describe('bin/workmux launcher', () => {
  it('starts from the snapshot the build made, and falls back to bin/workmux.js with another node', async () => {
    expect(fs.existsSync(path.join(WORKMUX_ROOT, 'dist', 'snapshot', 'workmux.blob'))).toBe(true);
    const fromSnapshot = await workmux(t, repo, ['list', '--json'], { env: { WORKMUX_DEBUG: '1' } });
    expect(fromSnapshot.exitCode, fromSnapshot.stderr).toBe(0);
    expect(fromSnapshot.stderr).toContain('started from the start-up snapshot');
    const fallback = await workmux(t, repo, ['list', '--json'], { env: { WORKMUX_DEBUG: '1', PATH: otherNodeOnPath() } });
    expect(fallback.exitCode, fallback.stderr).toBe(0);
    expect(fallback.stderr).toContain('started from bin/workmux.js');
    expect(fallback.stdout).toBe(fromSnapshot.stdout);
  });

  it('gives the same help, errors and exit codes either way', async () => {
    for (const args of [['--help'], ['add', '--help'], ['bogus-command'], ['add']]) {
      const a = await workmux(t, repo, args);
      const b = await workmux(t, repo, args, { env: { PATH: otherNodeOnPath() } });
      expect([b.exitCode, b.stdout, b.stderr]).toEqual([a.exitCode, a.stdout, a.stderr]);
      fs.rmSync(path.join(t.dir, 'other-node'), { recursive: true });
    }
  });

  it('answers --version from package.json without starting node, also through a symlink', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(WORKMUX_ROOT, 'package.json'), 'utf8'));
    const link = path.join(t.dir, 'wm-link');
    fs.symlinkSync(path.relative(t.dir, WORKMUX_BIN), link);
    // A PATH without node: only readlink, which resolving the symlink needs (sh is absolute in the shebang).
    const noNode = path.join(t.dir, 'no-node-bin');
    fs.mkdirSync(noNode);
    fs.symlinkSync(['/usr/bin/readlink', '/bin/readlink'].find((file) => fs.existsSync(file))!, path.join(noNode, 'readlink'));
    const result = await execa(link, ['--version'], { env: { PATH: noNode }, extendEnv: false, reject: false });
    expect([result.exitCode, result.stdout]).toEqual([0, version]);
    const viaLink = await execa(link, ['path', '--help'], { env: t.env, extendEnv: false, reject: false });
    expect(viaLink.exitCode, viaLink.stderr).toBe(0);
  });

  it('runs the prefetched repository discovery of the directory it starts in', async () => {
    const linked = path.join(t.dir, 'linked');
    await git(t, repo, 'worktree', 'add', '-q', '-b', 'side', linked);
    const result = await workmux(t, linked, ['path', 'side', '--json']);
    expect(JSON.parse(result.stdout).data).toBe(linked);
    // In-process: a prefetch for another directory is never used for this one.
    prefetchRepoDiscovery(process.cwd());
    const found = await Git.discover(linked);
    expect([found.root, found.mainRoot]).toEqual([linked, repo]);
    expect(await found.currentBranch()).toBe('side');
  });
});

describe('current branch from HEAD', () => {
  it('reads branch, detached and unborn HEADs like git symbolic-ref', async () => {
    const main = await Git.discover(repo);
    expect(await main.currentBranch()).toBe('main');
    await git(t, repo, 'checkout', '-q', '--detach');
    expect(await (await Git.discover(repo)).currentBranch()).toBeUndefined();
    const fresh = path.join(t.dir, 'fresh');
    fs.mkdirSync(fresh);
    await git(t, fresh, 'init', '-q', '-b', 'trunk');
    expect(await (await Git.discover(fresh)).currentBranch()).toBe('trunk');
  });
});

describe('dirty state of many worktrees in one go', () => {
  it('matches one git status per worktree: clean, modified, staged, untracked, renamed, spaces and newlines in names', async () => {
    const make = async (name: string, dirty: (dir: string) => Promise<void> | void) => {
      const dir = path.join(t.dir, 'wts', name);
      await git(t, repo, 'worktree', 'add', '-q', '-b', name, dir);
      await dirty(dir);
      return dir;
    };
    const dirs = [
      await make('clean', () => {}),
      await make('modified', (dir) => fs.appendFileSync(path.join(dir, 'README.md'), 'more\n')),
      await make('staged', async (dir) => {
        fs.writeFileSync(path.join(dir, 'new file.txt'), 'x\n');
        await git(t, dir, 'add', '.');
      }),
      await make('untracked', (dir) => fs.writeFileSync(path.join(dir, 'odd\nname # branch.oid x'), 'x\n')),
      // The rename's original path is a token of its own: one that looks like the next status's header.
      await make('renamed', async (dir) => {
        fs.writeFileSync(path.join(dir, '# branch.oid trick.md'), 'x\n');
        await git(t, dir, 'add', '.');
        await git(t, dir, 'commit', '-q', '-m', 'tricky name');
        await git(t, dir, 'mv', '# branch.oid trick.md', 'plain.md');
      }),
      await make('clean-too', () => {}),
    ];
    const handle = await Git.discover(repo);
    const oneByOne = await Promise.all(dirs.map(async (dir) => (await handle.uncommittedFiles(dir)).length > 0));
    expect(oneByOne).toEqual([false, true, true, true, true, false]);
    for (const groups of [1, 2, 4, 8]) expect(await worktreesWithChanges(handle, dirs, groups)).toEqual(oneByOne);
  });

  it('falls back to one status each when a batch fails (a worktree directory vanished)', async () => {
    const keep = path.join(t.dir, 'keep');
    const gone = path.join(t.dir, 'gone');
    await git(t, repo, 'worktree', 'add', '-q', '-b', 'keep', keep);
    await git(t, repo, 'worktree', 'add', '-q', '-b', 'gone', gone);
    fs.writeFileSync(path.join(keep, 'untracked'), 'x');
    fs.rmSync(gone, { recursive: true });
    expect(await worktreesWithChanges(await Git.discover(repo), [gone, keep], 1)).toEqual([false, true]);
  });

  it('splits concatenated porcelain v2 output per status', () => {
    const clean = '# branch.oid abc\0# branch.head a\0';
    const renamed = '# branch.oid def\0# branch.head b\0' + '2 R. N... 100644 100644 100644 1 1 R100 new\0# branch.oid old\0';
    const untracked = '# branch.oid (initial)\0# branch.head c\0? x\0? y\0';
    expect(changesPerStatus(clean + renamed + untracked)).toEqual([0, 1, 2]);
    expect(changesPerStatus('')).toEqual([]);
  });
});
