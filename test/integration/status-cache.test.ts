/**
 * `list`'s dirty column from the status cache (src/git/worktree-status.ts): after every kind of change a
 * user or an agent makes, the answer must be git's own, and an unchanged worktree must not start git.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { git, workmux, useTestRepo, type TestEnv } from '../helpers/env.js';
import { Git } from '../../src/git/repo.js';
import { worktreesWithChanges } from '../../src/git/worktree-status.js';
import { readIndexPaths } from '../../src/git/index-file.js';

let t: TestEnv;
let repo: string;
let wt: string;
let handle: Git;
useTestRepo((world) => ({ t, repo } = world));

/** Moves every mtime in the worktree 10 s into the past, so nothing counts as changed "just now". */
function age(): void {
  const past = new Date(Date.now() - 10_000);
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      fs.lutimesSync(full, past, past);
    }
  };
  walk(wt);
  fs.utimesSync(wt, past, past);
}

const cacheFile = () => path.join(repo, '.git', 'worktrees', 'wt', 'workmux-status.json');
const cacheIdentity = () => fs.statSync(cacheFile(), { throwIfNoEntry: false })?.ino;
/** git's own answer, in the test's isolated HOME/XDG (where the global ignore file lives). */
const truth = async () => (await git(t, wt, 'status', '--porcelain', '--untracked-files=normal')).length > 0;
const verdict = async () => (await worktreesWithChanges(handle, [wt], { groups: 1, env: t.env }))[0];

/** The cached answer equals git's, now and when asked again. */
async function expectGitsAnswer(): Promise<boolean> {
  const expected = await truth();
  expect(await verdict()).toBe(expected);
  expect(await verdict()).toBe(expected);
  return expected;
}

/** Ages the worktree, lets the cache learn it, and checks a second ask starts no git (the cache file is not rewritten). */
async function settle(): Promise<void> {
  age();
  await verdict();
  const learned = cacheIdentity();
  expect(learned, 'a settled worktree is cached').toBeDefined();
  await verdict();
  expect(cacheIdentity()).toBe(learned);
}

beforeEach(async () => {
  fs.mkdirSync(path.join(repo, 'src'));
  fs.writeFileSync(path.join(repo, 'src', 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(repo, '.gitignore'), 'build/\n*.log\n');
  await git(t, repo, 'add', '.');
  await git(t, repo, 'commit', '-q', '-m', 'layout');
  wt = path.join(t.dir, 'wt');
  await git(t, repo, 'worktree', 'add', '-q', '-b', 'wt', wt);
  fs.mkdirSync(path.join(wt, 'empty'));
  fs.mkdirSync(path.join(wt, 'logs'));
  fs.writeFileSync(path.join(wt, 'logs', 'run.log'), 'ignored\n');
  fs.mkdirSync(path.join(wt, 'build'));
  handle = await Git.discover(repo);
  await settle();
});

describe('status cache', () => {
  it.each([
    ['a tracked file edited', () => fs.appendFileSync(path.join(wt, 'src', 'a.txt'), 'more\n'), true],
    ['a tracked file deleted', () => fs.rmSync(path.join(wt, 'README.md')), true],
    ['a file at the root', () => fs.writeFileSync(path.join(wt, 'new.txt'), 'x'), true],
    ['a file in an empty untracked directory', () => fs.writeFileSync(path.join(wt, 'empty', 'x.txt'), 'x'), true],
    ['a file beside ignored ones', () => fs.writeFileSync(path.join(wt, 'logs', 'notes.txt'), 'x'), true],
    ['a new directory with a file', () => { fs.mkdirSync(path.join(wt, 'src', 'deep')); fs.writeFileSync(path.join(wt, 'src', 'deep', 'x'), 'x'); }, true],
    ['a file in an ignored directory', () => fs.writeFileSync(path.join(wt, 'build', 'out.bin'), 'x'), false],
    ['an ignored file', () => fs.writeFileSync(path.join(wt, 'src', 'debug.log'), 'x'), false],
    ['the executable bit', () => fs.chmodSync(path.join(wt, 'src', 'a.txt'), 0o755), true],
    ['same size, mtime put back', () => {
      const file = path.join(wt, 'src', 'a.txt');
      const { atime, mtime } = fs.statSync(file);
      fs.writeFileSync(file, 'b\n');
      fs.utimesSync(file, atime, mtime);
    }, true],
  ])('%s', async (_what, change, dirty) => {
    change();
    expect(await expectGitsAnswer()).toBe(dirty);
  });

  it('follows git operations: stage, commit, soft reset, and back to clean', async () => {
    fs.writeFileSync(path.join(wt, 'staged.txt'), 'x');
    await git(t, wt, 'add', 'staged.txt');
    age();
    expect(await expectGitsAnswer()).toBe(true);
    await git(t, wt, 'commit', '-q', '-m', 'staged');
    await settle();
    expect(await expectGitsAnswer()).toBe(false);
    await git(t, wt, 'reset', '-q', '--soft', 'HEAD~1'); // HEAD moves; index and files stay
    expect(await expectGitsAnswer()).toBe(true);
    await git(t, wt, 'commit', '-q', '-m', 'again');
    await settle();
    expect(await expectGitsAnswer()).toBe(false);
  });

  it('follows ignore rules that change outside the worktree (info/exclude, the global ignore file)', async () => {
    fs.writeFileSync(path.join(repo, '.git', 'info', 'exclude'), '*.tmp\n');
    fs.writeFileSync(path.join(wt, 'scratch.tmp'), 'x');
    await settle();
    expect(await expectGitsAnswer()).toBe(false);
    fs.writeFileSync(path.join(repo, '.git', 'info', 'exclude'), '# nothing\n');
    expect(await expectGitsAnswer()).toBe(true);

    const globalIgnore = path.join(t.env.XDG_CONFIG_HOME!, 'git', 'ignore');
    fs.mkdirSync(path.dirname(globalIgnore), { recursive: true });
    fs.writeFileSync(globalIgnore, '*.tmp\n');
    await settle();
    expect(await expectGitsAnswer()).toBe(false);
    fs.writeFileSync(globalIgnore, '\n');
    expect(await expectGitsAnswer()).toBe(true);
  });

  it('does not cache what changed moments ago, and WORKMUX_STATUS_CACHE=0 always asks git', async () => {
    fs.appendFileSync(path.join(wt, 'README.md'), 'edit in flight\n');
    expect(await expectGitsAnswer()).toBe(true);
    expect(cacheIdentity()).toBeUndefined(); // too recent to trust
    await settle();
    const cached = cacheIdentity();
    await worktreesWithChanges(handle, [wt], { groups: 1, env: { ...t.env, WORKMUX_STATUS_CACHE: '0' } });
    expect(cacheIdentity()).toBe(cached); // git was asked, and the cache was left alone
  });

  it('is what `workmux list` uses: no git status for an unchanged worktree', async () => {
    await workmux(t, repo, ['list']);
    age();
    const first = await workmux(t, repo, ['list', '--json'], { env: { WORKMUX_DEBUG: '1' } });
    const second = await workmux(t, repo, ['list', '--json'], { env: { WORKMUX_DEBUG: '1' } });
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).not.toMatch(/ status /);
    fs.writeFileSync(path.join(wt, 'new.txt'), 'x');
    const third = await workmux(t, repo, ['list', '--json'], { env: { WORKMUX_DEBUG: '1' } });
    expect(third.stderr).toMatch(/ status /);
    expect(JSON.parse(third.stdout).data.find((row: { path: string }) => row.path === wt).dirty).toBe(true);
  });
});

describe('index reader', () => {
  it('lists what git ls-files lists, for index versions 2, 3 and 4', async () => {
    fs.writeFileSync(path.join(wt, 'src', 'b c.txt'), 'x');
    fs.writeFileSync(path.join(wt, 'ünï.txt'), 'x');
    await git(t, wt, 'add', '.');
    const index = path.join(repo, '.git', 'worktrees', 'wt', 'index');
    for (const version of ['2', '3', '4']) {
      await git(t, wt, 'update-index', '--index-version', version);
      if (version === '3') await git(t, wt, 'update-index', '--skip-worktree', 'src/a.txt'); // extended flags
      const expected = (await git(t, wt, 'ls-files', '-z', '-t')).split('\0').filter(Boolean).filter((line) => !line.startsWith('S ')).map((line) => line.slice(2));
      expect(readIndexPaths(index)).toEqual(expected);
    }
  });

  it('gives up on what it does not handle: submodules, split indexes, garbage', async () => {
    const index = path.join(repo, '.git', 'worktrees', 'wt', 'index');
    await git(t, wt, 'update-index', '--split-index');
    expect(readIndexPaths(index)).toBeUndefined();
    await git(t, wt, 'update-index', '--no-split-index');
    expect(readIndexPaths(index)).toBeDefined();
    await git(t, wt, 'update-index', '--add', '--cacheinfo', `160000,${await git(t, wt, 'rev-parse', 'HEAD')},sub`);
    expect(readIndexPaths(index)).toBeUndefined();
    const garbage = path.join(t.dir, 'garbage');
    fs.writeFileSync(garbage, 'DIRC\0\0\0\x02\0\0\0\x05short');
    expect(readIndexPaths(garbage)).toBeUndefined();
  });
});
