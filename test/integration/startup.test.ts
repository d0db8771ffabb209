/**
 * The start-up path (issue 2's start-up targets): the sh launcher, the start-up snapshot and its fallback,
 * repository discovery without a process, and the one-process-per-group dirty check `list` relies on.
 */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { WORKMUX_BIN, WORKMUX_ROOT, git, workmux, useTestRepo, type TestEnv } from '../helpers/env.js';
import { Git, mainBranchOf, storedBases } from '../../src/git/repo.js';
import { readBaseRecords } from '../../src/git/base-records.js';
import { parseStatusBatch, worktreesWithChanges } from '../../src/git/worktree-status.js';
import { DISCOVERY_ARGV, locateRepository } from '../../src/git/discovery.js';
import { parseWorktreeList, readWorktreeList } from '../../src/git/worktree-list.js';
import { AskGit, RefFiles } from '../../src/git/refs.js';

let t: TestEnv;
let repo: string;
useTestRepo((world) => ({ t, repo } = world));

describe('bin/workmux launcher', () => {
  it('starts from the snapshot the build made; without it (NODE_OPTIONS, WORKMUX_SNAPSHOT=0) from bin/workmux.js', async () => {
    expect(fs.existsSync(path.join(WORKMUX_ROOT, 'dist', 'snapshot', 'workmux.blob'))).toBe(true);
    const fromSnapshot = await workmux(t, repo, ['list', '--json'], { env: { WORKMUX_DEBUG: '1' } });
    expect(fromSnapshot.exitCode, fromSnapshot.stderr).toBe(0);
    expect(fromSnapshot.stderr).toContain('started from the start-up snapshot');
    // V8 flags must match the snapshot's: with NODE_OPTIONS set it would not load at all.
    for (const env of [{ NODE_OPTIONS: '--max-old-space-size=512' }, { WORKMUX_SNAPSHOT: '0' }]) {
      const fallback = await workmux(t, repo, ['list', '--json'], { env: { WORKMUX_DEBUG: '1', ...env } });
      expect(fallback.exitCode, fallback.stderr).toBe(0);
      expect(fallback.stderr).toContain('started from bin/workmux.js');
      expect(fallback.stdout).toBe(fromSnapshot.stdout);
    }
  });

  it('does not start from a snapshot whose node changed since the build (an upgrade keeps the path, not the mtime)', async () => {
    // A copy of the installed package (its node_modules linked) whose stamp says the node binary was another one.
    const install = path.join(t.dir, 'install');
    for (const part of ['bin', 'dist', 'package.json']) fs.cpSync(path.join(WORKMUX_ROOT, part), path.join(install, part), { recursive: true, preserveTimestamps: true });
    fs.symlinkSync(path.join(WORKMUX_ROOT, 'node_modules'), path.join(install, 'node_modules'));
    const launcher = path.join(install, 'bin', 'workmux');
    const run = () => execa(launcher, ['list', '--json'], { cwd: repo, env: { ...t.env, WORKMUX_DEBUG: '1' }, extendEnv: false, reject: false });
    expect((await run()).stderr).toContain('started from the start-up snapshot');
    fs.utimesSync(path.join(install, 'dist', 'snapshot', 'node.stamp'), new Date(2001, 0, 1), new Date(2001, 0, 1));
    const changed = await run();
    expect(changed.exitCode, changed.stderr).toBe(0);
    expect(changed.stderr).toContain('started from bin/workmux.js');
  });

  it('gives the same help, errors and exit codes either way', async () => {
    // The snapshot parses with a parser it built ahead (main.ts, prebuildParser); the fallback builds its own.
    for (const args of [['--help'], ['add', '--help'], ['merge', '--help'], ['bogus-command'], ['add'], ['list', '--bogus'], ['add', 'a..b'], ['path', 'nope'], ['ls', '--json']]) {
      const a = await workmux(t, repo, args);
      const b = await workmux(t, repo, args, { env: { WORKMUX_SNAPSHOT: '0' } });
      expect([b.exitCode, b.stdout, b.stderr]).toEqual([a.exitCode, a.stdout, a.stderr]);
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

  it('works from a linked worktree\'s subdirectory', async () => {
    const linked = path.join(t.dir, 'linked');
    await git(t, repo, 'worktree', 'add', '-q', '-b', 'side', linked);
    fs.mkdirSync(path.join(linked, 'sub'));
    const result = await workmux(t, path.join(linked, 'sub'), ['path', 'side', '--json']);
    expect(JSON.parse(result.stdout).data).toBe(linked);
  });
});

describe('repository discovery without a process', () => {
  const revParse = async (cwd: string, env: NodeJS.ProcessEnv = t.env) => {
    const result = await execa(DISCOVERY_ARGV[0], DISCOVERY_ARGV.slice(1), { cwd, env, extendEnv: false, reject: false });
    const [root, commonDir, gitDir] = result.stdout.split('\n');
    return result.exitCode === 0 ? { root, commonDir, gitDir } : undefined;
  };

  it('finds what git rev-parse finds: main and linked worktrees, subdirectories, symlinked paths', async () => {
    const linked = path.join(t.dir, 'linked');
    await git(t, repo, 'worktree', 'add', '-q', '-b', 'side', linked);
    fs.mkdirSync(path.join(repo, 'a', 'b'), { recursive: true });
    fs.mkdirSync(path.join(linked, 'c'));
    fs.symlinkSync(linked, path.join(t.dir, 'via-link'));
    for (const cwd of [repo, path.join(repo, 'a', 'b'), linked, path.join(linked, 'c'), path.join(t.dir, 'via-link', 'c')]) {
      const found = locateRepository(cwd, t.env);
      expect(found, cwd).toBeDefined();
      expect(found).toEqual(await revParse(cwd));
    }
    const handle = await Git.discover(linked, t.env);
    expect([handle.root, handle.mainRoot, await handle.currentBranch()]).toEqual([linked, repo, 'side']);
  });

  it('leaves the unusual to git: no repository, inside .git, GIT_DIR, bare and core.worktree repositories', async () => {
    const outside = path.join(t.dir, 'not-a-repo');
    fs.mkdirSync(outside);
    expect(locateRepository(outside, t.env)).toBeUndefined();
    await expect(Git.discover(outside, t.env)).rejects.toThrow(/not inside a git work tree/);
    expect(locateRepository(path.join(repo, '.git', 'refs'), t.env)).toBeUndefined();
    expect(locateRepository(repo, { ...t.env, GIT_DIR: path.join(repo, '.git') })).toBeUndefined();
    const bare = path.join(t.dir, 'bare.git');
    await git(t, t.dir, 'init', '-q', '--bare', bare);
    expect(locateRepository(bare, t.env)).toBeUndefined();
    await git(t, repo, 'config', 'core.worktree', repo);
    expect(locateRepository(repo, t.env)).toBeUndefined();
    expect((await Git.discover(repo, t.env)).root).toBe(repo); // git answers instead
  });

  it('still says git is missing when it is', async () => {
    await expect(Git.discover(repo, { ...t.env, PATH: path.join(t.dir, 'nothing-here') })).rejects.toThrow(/git is not installed/);
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
    for (const groups of [1, 2, 4, 8]) expect(await worktreesWithChanges(handle, dirs, { groups, cache: false })).toEqual(oneByOne);
  });

  it('falls back to one status each when a batch fails (a worktree directory vanished)', async () => {
    const keep = path.join(t.dir, 'keep');
    const gone = path.join(t.dir, 'gone');
    await git(t, repo, 'worktree', 'add', '-q', '-b', 'keep', keep);
    await git(t, repo, 'worktree', 'add', '-q', '-b', 'gone', gone);
    fs.writeFileSync(path.join(keep, 'untracked'), 'x');
    fs.rmSync(gone, { recursive: true });
    expect(await worktreesWithChanges(await Git.discover(repo), [gone, keep], { groups: 1, cache: false })).toEqual([false, true]);
  });

  it('splits concatenated porcelain v2 output per status, with its ignored directories', () => {
    const clean = '# branch.oid abc\0# branch.head a\0';
    const renamed = '# branch.oid def\0# branch.head b\0' + '2 R. N... 100644 100644 100644 1 1 R100 new\0# branch.oid old\0';
    const untracked = '# branch.oid (initial)\0# branch.head c\0? x\0? y\0! build/\0! a.log\0';
    expect(parseStatusBatch(clean + renamed + untracked)).toEqual([
      { changes: 0, ignoredDirs: [] },
      { changes: 1, ignoredDirs: [] },
      { changes: 2, ignoredDirs: ['build'] },
    ]);
    expect(parseStatusBatch('')).toEqual([]);
  });
});

describe('base records read from the config file', () => {
  const fromGit = async () => {
    const out = await execa('git', ['config', '--get-regexp', '^branch\\..*\\.workmux-base$'], { cwd: repo, env: t.env, extendEnv: false, reject: false });
    return new Map(out.stdout.split('\n').filter(Boolean).map((line) => {
      const [, branch = '', base = ''] = /^branch\.(.+)\.workmux-base (.*)$/.exec(line) ?? [];
      return [branch, base] as [string, string];
    }));
  };
  const commonDir = () => path.join(repo, '.git');

  it('agrees with git config for the names and values git writes', async () => {
    const records: [string, string][] = [['feature/login', 'main'], ['v1.2', 'release/1.x'], ['ünï-cødé', 'main'], ['a"b', 'main'], ['UPPER/lower', 'dev']];
    for (const [branch, base] of records) {
      await git(t, repo, 'config', `branch.${branch}.workmux-base`, base);
    }
    await git(t, repo, 'config', 'branch.main.remote', 'origin'); // other keys of the section are ignored
    fs.appendFileSync(path.join(commonDir(), 'config'), '[branch "x"] workmux-base = y ; a comment\n');
    expect(readBaseRecords(commonDir(), commonDir(), t.env)).toEqual(await fromGit());
  });

  it('leaves includes, quoted values and records elsewhere to git', async () => {
    await git(t, repo, 'config', 'branch.plain.workmux-base', 'main');
    expect(readBaseRecords(commonDir(), commonDir(), t.env)?.get('plain')).toBe('main');
    await git(t, repo, 'config', 'branch.hash.workmux-base', 'has#hash'); // git quotes it
    expect(readBaseRecords(commonDir(), commonDir(), t.env)).toBeUndefined();
    await git(t, repo, 'config', '--unset', 'branch.hash.workmux-base');
    await git(t, repo, 'config', 'include.path', '/dev/null');
    expect(readBaseRecords(commonDir(), commonDir(), t.env)).toBeUndefined();
    expect(await storedBases(await Git.discover(repo, t.env))).toEqual(await fromGit()); // git answers instead
    await git(t, repo, 'config', '--unset', 'include.path');
    fs.appendFileSync(path.join(t.env.HOME!, '.gitconfig'), '[branch "g"]\n\tworkmux-base = main\n');
    expect(readBaseRecords(commonDir(), commonDir(), t.env)).toBeUndefined();
  });
});

describe('worktree list read from the repository files', () => {
  const fromGit = async (cwd = repo) => parseWorktreeList(await git(t, cwd, 'worktree', 'list', '--porcelain'));
  const commonDir = () => path.join(repo, '.git');

  it('agrees with git worktree list: branches, detached, locked, prunable, packed refs, order, odd names', async () => {
    const dir = path.join(t.dir, 'wts');
    // Names whose byte order differs from creation order and from locale order.
    for (const name of ['zeta', 'Alpha', 'beta two', 'b-1', 'ünï']) {
      await git(t, repo, 'worktree', 'add', '-q', '-b', `br/${name.replace(' ', '-')}`, path.join(dir, name));
    }
    await git(t, repo, 'worktree', 'add', '-q', '--detach', path.join(dir, 'detached'));
    await git(t, repo, 'worktree', 'lock', '--reason', 'on a USB disk', path.join(dir, 'zeta'));
    fs.rmSync(path.join(dir, 'b-1'), { recursive: true }); // prunable
    fs.rmSync(path.join(dir, 'Alpha'), { recursive: true });
    await git(t, repo, 'worktree', 'lock', path.join(dir, 'Alpha')); // gone, but locked: not prunable
    fs.writeFileSync(path.join(dir, 'beta two', 'new.txt'), 'x');
    await git(t, path.join(dir, 'beta two'), 'add', '.');
    await git(t, path.join(dir, 'beta two'), 'commit', '-q', '-m', 'moves the branch');
    fs.mkdirSync(path.join(commonDir(), 'worktrees', 'no-gitdir')); // skipped by git: no gitdir file
    const expected = await fromGit();
    expect(expected.some((wt) => wt.prunable) && expected.some((wt) => wt.locked) && expected.some((wt) => wt.detached)).toBe(true);
    expect(readWorktreeList(commonDir())).toEqual(expected);
    await git(t, repo, 'pack-refs', '--all'); // branch tips now only in packed-refs
    expect(fs.existsSync(path.join(commonDir(), 'refs', 'heads', 'br', 'zeta'))).toBe(false);
    expect(readWorktreeList(commonDir())).toEqual(await fromGit());
    // Seen from a linked worktree, through Git (what the commands use), the answer is the same.
    const linked = await Git.discover(path.join(dir, 'ünï'), t.env);
    expect(await linked.listWorktrees()).toEqual(await fromGit(path.join(dir, 'ünï')));
  });

  it('keeps a worktree path with a newline whole (git\'s porcelain output cannot carry it)', async () => {
    const odd = path.join(t.dir, 'new\nline');
    await git(t, repo, 'worktree', 'add', '-q', '-b', 'odd', odd);
    expect(readWorktreeList(path.join(repo, '.git'))?.find((wt) => wt.branch === 'odd')?.path).toBe(odd);
  });

  it('shows an unborn branch with a zero commit, like git', async () => {
    const fresh = path.join(t.dir, 'fresh');
    await git(t, t.dir, 'init', '-q', '-b', 'trunk', fresh);
    expect(readWorktreeList(path.join(fresh, '.git'))).toEqual(await fromGit(fresh));
    expect(readWorktreeList(path.join(fresh, '.git'))?.[0]).toMatchObject({ branch: 'trunk', head: '0'.repeat(40) });
  });

  it('resolves a gitdir file holding a relative path (worktree.useRelativePaths)', async () => {
    const linked = path.join(t.dir, 'rel');
    await git(t, repo, 'worktree', 'add', '-q', '-b', 'rel', linked);
    const gitdirFile = path.join(commonDir(), 'worktrees', 'rel', 'gitdir');
    fs.writeFileSync(gitdirFile, `${path.relative(path.dirname(gitdirFile), path.join(linked, '.git'))}\n`);
    expect(readWorktreeList(commonDir())?.find((wt) => wt.branch === 'rel')).toMatchObject({ path: linked, prunable: false });
  });

  it('leaves symbolic branch refs, odd HEADs, separate git dirs and bare repositories to git', async () => {
    await git(t, repo, 'symbolic-ref', 'refs/heads/alias', 'refs/heads/main');
    await git(t, repo, 'worktree', 'add', '-q', '-b', 'other', path.join(t.dir, 'alias'));
    await git(t, path.join(t.dir, 'alias'), 'symbolic-ref', 'HEAD', 'refs/heads/alias');
    expect(readWorktreeList(commonDir())).toBeUndefined();
    expect(await (await Git.discover(repo, t.env)).listWorktrees()).toEqual(await fromGit()); // git answers instead
    const separate = path.join(t.dir, 'sep');
    await git(t, t.dir, 'init', '-q', '--separate-git-dir', path.join(t.dir, 'sep.git'), separate);
    expect(readWorktreeList(path.join(t.dir, 'sep.git'))).toBeUndefined();
    const bare = path.join(t.dir, 'bare', '.git');
    await git(t, t.dir, 'init', '-q', '--bare', bare);
    expect(readWorktreeList(bare)).toBeUndefined();
  });
});

describe('commits of plain names read from the ref files', () => {
  const fromGit = async (cwd: string, name: string) => {
    const out = await execa('git', ['rev-parse', '--verify', '--quiet', `${name}^{commit}`], { cwd, env: t.env, extendEnv: false, reject: false });
    return out.exitCode === 0 ? out.stdout.trim() : undefined;
  };

  it('agrees with git rev-parse for HEAD, branches, remote-tracking branches (loose and packed) and missing names', async () => {
    const remote = path.join(t.dir, 'remote.git');
    await git(t, t.dir, 'clone', '-q', '--bare', repo, remote);
    await git(t, repo, 'remote', 'add', 'origin', remote);
    await git(t, repo, 'fetch', '-q', 'origin');
    await git(t, repo, 'commit', '-q', '--allow-empty', '-m', 'second');
    await git(t, repo, 'branch', 'feature/x', 'HEAD~1');
    const linked = path.join(t.dir, 'detached');
    await git(t, repo, 'worktree', 'add', '-q', '--detach', linked, 'HEAD~1');
    const names = ['HEAD', 'main', 'feature/x', 'origin/main', 'refs/heads/main', 'refs/remotes/origin/main', 'refs/heads/nope', 'nope', 'feature'];
    for (const packed of [false, true]) {
      if (packed) await git(t, repo, 'pack-refs', '--all');
      for (const cwd of [repo, linked]) {
        const where = await Git.discover(cwd, t.env);
        const refs = new RefFiles(where.commonDir);
        for (const name of names) expect([packed, cwd, name, refs.commitOf(name, where.gitDir)]).toEqual([packed, cwd, name, await fromGit(cwd, name)]);
        expect(await where.resolveCommits(names)).toEqual(await Promise.all(names.map((name) => fromGit(cwd, name))));
      }
    }
  });

  it('leaves tags, revision syntax, abbreviated ids, pseudo-refs and ambiguous names to git', async () => {
    await git(t, repo, 'commit', '-q', '--allow-empty', '-m', 'second');
    await git(t, repo, 'tag', '-a', '-m', 'annotated', 'v1', 'HEAD~1');
    await git(t, repo, 'tag', 'both');
    await git(t, repo, 'branch', 'both', 'HEAD~1'); // git prefers the tag (refs/tags before refs/heads)
    const head = await git(t, repo, 'rev-parse', 'HEAD');
    const where = await Git.discover(repo, t.env);
    const refs = new RefFiles(where.commonDir);
    const names = ['v1', 'HEAD~1', head.slice(0, 7), 'ORIG_HEAD', 'both', 'main@{0}'];
    for (const name of names) expect(() => refs.commitOf(name, where.gitDir)).toThrow(AskGit);
    // Through Git, git answers them (one cat-file for all).
    expect(await where.resolveCommits(names)).toEqual(await Promise.all(names.map((name) => fromGit(repo, name))));
  });
});

describe('the snapshot bundle, made leaner (scripts/lean-heap.mjs)', () => {
  it('is ASCII and free of getter-per-property interop, and means what the bundle meant', async () => {
    // @ts-expect-error — a plain .mjs build script without types
    const { leanerHeap } = await import('../../scripts/lean-heap.mjs');
    const bundle = [
      'var import_node_path = __toESM(__require("node:path"), 1);',
      'var import_node_v8 = __toESM(__require("node:v8"), 1);',
      'var prompt = /^[\u276f\u203a] (.)$/u; // the composer \u2014 Claude and Codex',
      'result = [import_node_path.default.join("a", "b"), import_node_path.sep, typeof import_node_v8.default.getHeapStatistics,',
      '  prompt.exec("\u276f z")[1], /\u2733 /.test("\u2733 Claude"), /[\u{1F600}x]/u.test("\u{1F600}"), /^.$/u.test("\u{1F600}"), "\u00e9"];',
    ].join('\n');
    const lean: string = leanerHeap(bundle);
    expect(lean).toMatch(/^[\x00-\x7f]*$/);
    expect(lean).not.toContain('__toESM');
    const run = (source: string) => vm.runInNewContext(source, { __require: createRequire(import.meta.url), __toESM: interop, result: undefined });
    expect(run(lean)).toEqual(run(bundle));
    expect(run(lean)).toEqual(['a/b', '/', 'function', 'z', true, true, true, '\u00e9']);
  });
});

/** esbuild's helper, as the bundle has it, for the original to run. */
function interop(mod: object): object {
  const target = Object.create(Object.getPrototypeOf(mod));
  for (const key of Object.getOwnPropertyNames(mod)) Object.defineProperty(target, key, { get: () => (mod as Record<string, unknown>)[key], enumerable: true });
  return Object.defineProperty(target, 'default', { value: mod, enumerable: true });
}

describe('the main branch (merge target without a stored base or --into)', () => {
  it('is the configured one, else the remote HEAD, else main, else master, else the current branch', async () => {
    const mainOf = async (configured?: string) => mainBranchOf(await Git.discover(repo, t.env), configured);
    expect(await mainOf('trunk')).toBe('trunk');
    expect(await mainOf()).toBe('main');
    // Only master: (main renamed away).
    await git(t, repo, 'branch', '-m', 'main', 'master');
    expect(await mainOf()).toBe('master');
    // Neither: the branch checked out in the main worktree.
    await git(t, repo, 'branch', '-m', 'master', 'develop');
    expect(await mainOf()).toBe('develop');
    // A remote whose HEAD names its default branch wins over all of those.
    const upstream = path.join(t.dir, 'upstream.git');
    await git(t, t.dir, 'clone', '-q', '--bare', repo, upstream);
    await git(t, repo, 'remote', 'add', 'origin', upstream);
    await git(t, repo, 'fetch', '-q', 'origin');
    await git(t, repo, 'branch', 'main');
    await git(t, repo, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/develop');
    expect(await mainOf()).toBe('develop');
  });
});
