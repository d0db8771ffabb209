import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { git, workmux, useTestRepo, type TestEnv } from '../helpers/env.js';
import { createContext } from '../../src/workflows/context.js';
import { startWorktreeTab } from '../../src/workflows/start-tab.js';

let t: TestEnv;
let repo: string;
useTestRepo((world) => ({ t, repo } = world));

const branches = async () => (await git(t, repo, 'branch', '--format=%(refname:short)')).split('\n').filter(Boolean).sort();
const worktreeCount = async () => (await git(t, repo, 'worktree', 'list', '--porcelain')).split('\n').filter((l) => l.startsWith('worktree ')).length;
const serverRunning = async () => (await execa('tmux', ['-L', t.socket, 'list-sessions'], { reject: false, env: t.env })).exitCode === 0;

/** Nothing half-made: only main, one worktree, no tmux session. */
async function expectNothingCreated() {
  expect(await branches()).toEqual(['main']);
  expect(await worktreeCount()).toBe(1);
  expect(await serverRunning()).toBe(false);
}

/** A PATH holding only the named tools (plus node, sh and mkfifo), to simulate a machine without git or tmux. */
function pathWith(...tools: string[]): string {
  const bin = path.join(t.dir, `bin-${tools.join('-')}`);
  fs.mkdirSync(bin, { recursive: true });
  for (const tool of [...tools, 'sh', 'mkfifo', 'cat']) {
    const found = ['/usr/bin', '/bin'].map((dir) => path.join(dir, tool)).find((p) => fs.existsSync(p));
    if (found) fs.symlinkSync(found, path.join(bin, tool));
  }
  // workmux runs on node (bin/workmux finds it on PATH, as npm's bin shims do).
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  return bin;
}

describe('bad input: one clear line, the right exit code, nothing half-made', () => {
  it.each([
    ['a..b', /contains "\.\."/],
    ['with space', /whitespace/],
    ['ctl\u0007bell', /control character/],
    ['x.lock', /\.lock/],
    ['feat/', /empty path component/],
  ])('rejects branch %j', async (name, reason) => {
    const result = await workmux(t, repo, ['add', name]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(reason);
    await expectNothingCreated();
  });

  it('treats a branch that looks like an option as a usage error', async () => {
    const result = await workmux(t, repo, ['add', '-rf']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/Not enough non-option arguments.*see workmux --help/);
    await expectNothingCreated();
  });

  it('refuses a path collision before creating the branch', async () => {
    fs.mkdirSync(path.join(t.dir, 'proj__worktrees', 'collide'), { recursive: true });
    const result = await workmux(t, repo, ['add', 'collide']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/path collision: .*proj__worktrees\/collide already exists/);
    await expectNothingCreated();
  });

  it('refuses a base that does not exist, a prompt without an agent, and a missing prompt file', async () => {
    const noBase = await workmux(t, repo, ['add', 'x', '--base', 'nope']);
    expect(noBase.exitCode).toBe(2);
    expect(noBase.stderr).toMatch(/base "nope" does not exist/);
    const noAgent = await workmux(t, repo, ['add', 'x', '-p', 'do it']);
    expect(noAgent.exitCode).toBe(2);
    expect(noAgent.stderr).toMatch(/a prompt needs an agent.*-a <agent>/);
    const noFile = await workmux(t, repo, ['add', 'x', '-a', 'cat', '-P', path.join(t.dir, 'missing.md')]);
    expect(noFile.exitCode).toBe(2);
    expect(noFile.stderr).toMatch(/cannot read prompt file .*missing\.md: ENOENT/);
    const unknownFlag = await workmux(t, repo, ['add', 'x', '--frobnicate']);
    expect(unknownFlag.exitCode).toBe(2);
    expect(unknownFlag.stderr).toMatch(/Unknown argument: frobnicate/);
    await expectNothingCreated();
  });

  it('says what to install when tmux or git is missing', async () => {
    const noTmux = await workmux(t, repo, ['add', 'x'], { env: { PATH: pathWith('git') } });
    expect(noTmux.exitCode).toBe(1);
    expect(noTmux.stderr).toMatch(/tmux is not installed.*install tmux/);
    await expectNothingCreated();
    const noGit = await workmux(t, repo, ['add', 'x'], { env: { PATH: pathWith('tmux') } });
    expect(noGit.exitCode).toBe(1);
    expect(noGit.stderr).toMatch(/git is not installed.*install git/);
  });

  it('refuses to run outside a git repository', async () => {
    const result = await workmux(t, t.home, ['list']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/not inside a git work tree.*git init/);
  });

  it('names the file, the key and what was expected for config errors (exit 2)', async () => {
    fs.writeFileSync(path.join(repo, '.workmux.yaml'), 'agnet: claude\n');
    const unknown = await workmux(t, repo, ['add', 'x']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/\.workmux\.yaml: key "agnet": unknown key/);
    fs.writeFileSync(path.join(repo, '.workmux.yaml'), 'post_create: "npm install"\n');
    const wrongType = await workmux(t, repo, ['add', 'x']);
    expect(wrongType.exitCode).toBe(2);
    expect(wrongType.stderr).toMatch(/key "post_create": expected a list of strings, got string "npm install"/);
    fs.writeFileSync(path.join(repo, '.workmux.yaml'), 'panes: [\n');
    const broken = await workmux(t, repo, ['list']);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toMatch(/\.workmux\.yaml: cannot parse/);
    fs.rmSync(path.join(repo, '.workmux.yaml'));
    fs.mkdirSync(path.join(t.home, '.config', 'workmux'), { recursive: true });
    fs.writeFileSync(path.join(t.home, '.config', 'workmux', 'config.yaml'), 'window_prefix: 3\n');
    const global = await workmux(t, repo, ['list']);
    expect(global.exitCode).toBe(2);
    expect(global.stderr).toMatch(/config\.yaml: key "window_prefix": expected a string, got integer 3/);
    await expectNothingCreated();
  });

  it('stops on a failing post_create hook: shows its output, opens no tab, says what remains', async () => {
    fs.mkdirSync(path.join(t.home, '.config', 'workmux'), { recursive: true });
    fs.writeFileSync(
      path.join(t.home, '.config', 'workmux', 'config.yaml'),
      'post_create:\n  - echo "handle=$WM_HANDLE branch=$WM_BRANCH root=$WM_PROJECT_ROOT" > "$WM_WORKTREE_PATH/hook-env"\n  - echo setting up; echo broken >&2; exit 3\n',
    );
    const result = await workmux(t, repo, ['add', 'feature/hooked']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/post_create hook failed \(exit 3\).*no tab was opened/);
    expect(result.stderr).toContain('setting up');
    expect(result.stderr).toContain('broken');
    expect(result.stderr).toMatch(/workmux remove --force feature-hooked/);
    const wt = path.join(t.dir, 'proj__worktrees', 'feature-hooked');
    expect(fs.readFileSync(path.join(wt, 'hook-env'), 'utf8').trim()).toBe(`handle=feature-hooked branch=feature/hooked root=${repo}`);
    expect(await serverRunning()).toBe(false);
    // what remains can be removed with the command the message gave
    expect((await workmux(t, repo, ['remove', '--force', 'feature-hooked'])).exitCode).toBe(0);
    expect(await branches()).toEqual(['main']);
  });

  it('rolls back worktree, branch and tab when the new pane never signals readiness', async () => {
    // A tmux that works for workmux but whose `wait-for -U` (the pane's readiness signal) fails.
    const bin = path.join(t.dir, 'broken-signal-bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(
      path.join(bin, 'tmux'),
      '#!/bin/sh\nfor a in "$@"; do [ "$a" = "-U" ] && [ -n "$TMUX_PANE" ] && exit 1; done\nexec /usr/bin/tmux "$@"\n',
      { mode: 0o755 },
    );
    const result = await workmux(t, repo, ['add', 'stuck'], { env: { WORKMUX_HANDSHAKE_TIMEOUT_MS: '500', PATH: `${bin}:${process.env.PATH}` } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/did not signal readiness within 500 ms/);
    expect(await branches()).toEqual(['main']);
    expect(await worktreeCount()).toBe(1);
    expect(fs.existsSync(path.join(t.dir, 'proj__worktrees', 'stuck'))).toBe(false);
    const windows = await execa('tmux', ['-L', t.socket, 'list-windows', '-a'], { reject: false, env: t.env });
    expect(windows.stdout).not.toContain('wm-stuck');
  });

  it('rolls back tab, worktree, branch and directory when git worktree add fails after the tab opened', async () => {
    // git worktree add fails (a post-checkout hook exiting 1) after the checks passed and while the tab,
    // opened alongside, waits for the worktree.
    fs.writeFileSync(path.join(repo, '.git', 'hooks', 'post-checkout'), '#!/bin/sh\nsleep 0.5\necho checkout refused >&2\nexit 1\n', { mode: 0o755 });
    const result = await workmux(t, repo, ['add', 'refused']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/git failed \(exit 1\): checkout refused/);
    expect(await branches()).toEqual(['main']);
    expect(await worktreeCount()).toBe(1);
    expect(fs.existsSync(path.join(t.dir, 'proj__worktrees', 'refused'))).toBe(false);
    const windows = await execa('tmux', ['-L', t.socket, 'list-windows', '-a', '-F', '#{window_name}'], { reject: false, env: t.env });
    expect(windows.stdout).not.toContain('wm-refused');
  });

  it('rolls back tab, worktree and branch when the base cannot be recorded (written while the tab opens)', async () => {
    // A stale config.lock: git worktree add does not need it, git config cannot write.
    fs.writeFileSync(path.join(repo, '.git', 'config.lock'), '');
    const result = await workmux(t, repo, ['add', 'unrecorded']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/config/);
    fs.rmSync(path.join(repo, '.git', 'config.lock'));
    expect(await branches()).toEqual(['main']);
    expect(await worktreeCount()).toBe(1);
    const windows = await execa('tmux', ['-L', t.socket, 'list-windows', '-a'], { reject: false, env: t.env });
    expect(windows.stdout).not.toContain('wm-unrecorded');
    expect(await git(t, repo, 'config', '--get-regexp', 'workmux-base').catch(() => '')).toBe('');
  });
});

describe('a tab that fails after its store record was written', () => {
  it('takes the record back with the tab (the record goes in while the shell starts, before anything is typed)', async () => {
    const worktree = path.join(t.dir, 'wt-records');
    await git(t, repo, 'worktree', 'add', '-q', '-b', 'records', worktree);
    const ctx = await createContext({ cwd: repo, env: t.env });
    const backend = await ctx.availableBackend();
    const typeForReal = backend.sendText.bind(backend);
    let rowsWhenTyping: unknown[] = [];
    backend.sendText = async () => {
      rowsWhenTyping = (await ctx.store()).prepare('SELECT handle, closed_at FROM agents WHERE worktree_path = ?').all(worktree);
      throw new Error('typing failed');
    };
    const records = { handle: 'records', branch: 'records', path: worktree, head: '' };
    await expect(startWorktreeTab(ctx, records, { agent: 'cat', background: true })).rejects.toThrow('typing failed');
    const db = await ctx.store();
    const rows = () => db.prepare('SELECT handle, closed_at FROM agents WHERE worktree_path = ?').all(worktree);
    expect(rowsWhenTyping).toEqual([{ handle: 'records', closed_at: null }]);
    expect(rows()).toEqual([]);
    expect((await backend.listPanes({ allScopes: true })).map((pane) => pane.tabName)).not.toContain('wm-records');

    backend.sendText = typeForReal;
    const started = await startWorktreeTab(ctx, records, { agent: 'cat', background: true });
    expect(rows()).toEqual([{ handle: 'records', closed_at: null }]);
    await backend.closeTab(started.tab);
    db.close();
  });
});
