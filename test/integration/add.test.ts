import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, git, killTmuxServer, tmux, workmux, useTestRepo, type TestEnv } from '../helpers/env.js';

let t: TestEnv;
let repo: string;
useTestRepo((world) => ({ t, repo } = world));

const windowNames = async () => (await tmux(t, 'list-windows', '-a', '-F', '#{window_name}')).split('\n').filter(Boolean);
const branches = async () => (await git(t, repo, 'branch', '--format=%(refname:short)')).split('\n').filter(Boolean).sort();
const worktreeCount = async () => (await git(t, repo, 'worktree', 'list', '--porcelain')).split('\n').filter((l) => l.startsWith('worktree ')).length;

/** An "agent" that records its first argument byte for byte. */
function dumpAgent(): { command: string; output: string } {
  const output = path.join(t.dir, 'received-prompt');
  const script = path.join(t.dir, 'dump-agent.sh');
  fs.writeFileSync(script, `#!/bin/sh\nprintf '%s' "$1" > '${output}'\n`, { mode: 0o755 });
  return { command: script, output };
}

describe('workmux add (embedded tmux default)', () => {
  it('creates branch, worktree, base record and a tab on workmux\'s own server, and says how to attach', async () => {
    const result = await workmux(t, repo, ['add', 'feature/login']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`attach with: tmux -L ${t.socket} attach -t '=proj'`);
    const wtPath = path.join(t.dir, 'proj__worktrees', 'feature-login');
    expect(fs.existsSync(path.join(wtPath, 'README.md'))).toBe(true);
    expect(await git(t, wtPath, 'branch', '--show-current')).toBe('feature/login');
    expect(await git(t, repo, 'config', 'branch.feature/login.workmux-base')).toBe('main');
    expect(await windowNames()).toEqual(['wm-feature-login']);
    // The pane is a login shell in the worktree that survives whatever runs in it.
    const [cwd, command] = (await tmux(t, 'display-message', '-p', '-t', '=proj:wm-feature-login', '#{pane_current_path}\t#{pane_current_command}')).split('\t');
    expect(cwd).toBe(wtPath);
    expect(command).toBe('bash');
    // .workmux/ is excluded in every worktree
    expect(fs.readFileSync(path.join(repo, '.git', 'info', 'exclude'), 'utf8')).toContain('/.workmux/');
  });

  it('opens the tab while git checks out the worktree, but starts its shell only in the finished worktree', async () => {
    // A checkout that takes a while (post-checkout runs inside `git worktree add`) and leaves a mark last;
    // the login shell records what it found in its directory when it started.
    const hook = path.join(repo, '.git', 'hooks', 'post-checkout');
    fs.writeFileSync(hook, '#!/bin/sh\nsleep 1\ntouch checkout-finished\n', { mode: 0o755 });
    fs.appendFileSync(path.join(t.home, '.bash_profile'), 'ls -A > "$HOME/shell-saw-$(basename "$PWD")"\n');
    const adding = workmux(t, repo, ['add', 'slow-checkout', '-b']);
    // The window is there before git is done...
    await eventually(async () => (await windowNames().catch((): string[] => [])).includes('wm-slow-checkout'), 5000);
    expect(fs.existsSync(path.join(t.dir, 'proj__worktrees', 'slow-checkout', 'checkout-finished'))).toBe(false);
    const result = await adding;
    expect(result.exitCode, result.stderr).toBe(0);
    // ...yet its shell started in the complete worktree.
    const seen = path.join(t.home, 'shell-saw-slow-checkout');
    await eventually(async () => fs.existsSync(seen) && fs.readFileSync(seen, 'utf8').includes('README.md'));
    expect(fs.readFileSync(seen, 'utf8').split('\n')).toEqual(expect.arrayContaining(['.git', 'README.md', 'checkout-finished']));
  });

  it('delivers a hostile prompt verbatim to the agent', async () => {
    const agent = dumpAgent();
    const prompt = `it's "quoted" $(touch /tmp/pwned-${process.pid}) \`id\` $HOME \\n ; | & > <\nsecond line\n\tindented 'single' "double"\n$((1+1)) !! {a,b} *`;
    const result = await workmux(t, repo, ['add', 'hostile', '-a', agent.command, '-p', prompt]);
    expect(result.exitCode, result.stderr).toBe(0);
    const received = await eventually(() => fs.existsSync(agent.output) && fs.readFileSync(agent.output, 'utf8'));
    expect(received).toBe(prompt);
    expect(fs.existsSync(`/tmp/pwned-${process.pid}`)).toBe(false);
    expect(fs.readFileSync(path.join(t.dir, 'proj__worktrees', 'hostile', '.workmux', 'PROMPT-hostile.md'), 'utf8')).toBe(prompt);
    // the prompt file does not show up as a change in the worktree
    expect(await git(t, path.join(t.dir, 'proj__worktrees', 'hostile'), 'status', '--porcelain')).toBe('');
  });

  it('reads the prompt from a file with -P', async () => {
    const agent = dumpAgent();
    const promptFile = path.join(t.dir, 'task.md');
    fs.writeFileSync(promptFile, 'Fix the `login` bug; see $ERRORS');
    expect((await workmux(t, repo, ['add', 'from-file', '-a', agent.command, '-P', promptFile])).exitCode).toBe(0);
    expect(await eventually(() => fs.existsSync(agent.output) && fs.readFileSync(agent.output, 'utf8'))).toBe('Fix the `login` bug; see $ERRORS');
  });

  it('uses an existing local branch, a remote branch (tracking) and --base', async () => {
    await git(t, repo, 'branch', 'existing');
    const remote = path.join(t.dir, 'remote.git');
    await git(t, t.dir, 'clone', '-q', '--bare', repo, remote);
    await git(t, remote, 'branch', 'from-remote', 'main');
    await git(t, repo, 'remote', 'add', 'origin', remote);
    await git(t, repo, 'fetch', '-q', 'origin');
    await git(t, repo, 'commit', '-q', '--allow-empty', '-m', 'second');
    await git(t, repo, 'tag', 'v1', 'HEAD~1');

    expect((await workmux(t, repo, ['add', 'existing', '-b'])).exitCode).toBe(0);
    expect((await workmux(t, repo, ['add', 'origin/from-remote', '-b'])).exitCode).toBe(0);
    expect(await git(t, repo, 'rev-parse', '--abbrev-ref', 'from-remote@{upstream}')).toBe('origin/from-remote');
    expect((await workmux(t, repo, ['add', 'old', '--base', 'v1', '-b'])).exitCode).toBe(0);
    expect(await git(t, repo, 'rev-parse', 'old')).toBe(await git(t, repo, 'rev-parse', 'v1'));
    expect(await git(t, repo, 'config', 'branch.old.workmux-base')).toBe('v1');
    const list = JSON.parse((await workmux(t, repo, ['list', '--json'])).stdout);
    expect(list.data.map((w: { handle: string }) => w.handle).sort()).toEqual(['existing', 'from-remote', 'old']);
  });

  it('-n creates numbered worktrees and -o opens an existing one instead of failing', async () => {
    expect((await workmux(t, repo, ['add', 'spike', '-n', '3', '-b'])).exitCode).toBe(0);
    expect(await branches()).toEqual(['main', 'spike-1', 'spike-2', 'spike-3']);
    const again = await workmux(t, repo, ['add', 'spike-2']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/already exists.*workmux add -o spike-2/);
    await tmux(t, 'kill-window', '-t', '=proj:wm-spike-2');
    const reopened = await workmux(t, repo, ['add', 'spike-2', '-o']);
    expect(reopened.exitCode, reopened.stderr).toBe(0);
    expect(reopened.stdout).toContain('opened spike-2');
    expect((await windowNames()).sort()).toEqual(['wm-spike-1', 'wm-spike-2', 'wm-spike-3']);
  });

  it('builds the configured pane layout and types pane commands', async () => {
    fs.writeFileSync(path.join(repo, 'workmux.config.yaml'), [
      'panes:',
      '  - command: "<agent>"',
      '  - command: "echo pane-two-ready"',
      '    split: horizontal',
      '    percentage: 30',
      '  - split: vertical',
      '    focus: true',
    ].join('\n'));
    await git(t, repo, 'add', '.');
    await git(t, repo, 'commit', '-q', '-m', 'config');
    const refused = await workmux(t, repo, ['add', 'layout']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/workmux\.config\.yaml defines commands \(panes\).*workmux trust/);
    expect(await branches()).toEqual(['main']);
    expect((await workmux(t, repo, ['trust'])).exitCode).toBe(0);
    expect((await workmux(t, repo, ['add', 'layout'])).exitCode).toBe(0);
    const panes = (await tmux(t, 'list-panes', '-t', '=proj:wm-layout', '-F', '#{pane_id}')).split('\n');
    expect(panes).toHaveLength(3);
    await eventually(async () => (await tmux(t, 'capture-pane', '-p', '-t', panes[1]!)).includes('\npane-two-ready'));
  });

  it('copies and symlinks project files, honouring .worktreeinclude', async () => {
    fs.writeFileSync(path.join(repo, '.env'), 'SECRET=1');
    fs.mkdirSync(path.join(repo, 'node_modules', 'dep'), { recursive: true });
    fs.mkdirSync(path.join(repo, 'config'));
    fs.writeFileSync(path.join(repo, 'config', 'local.json'), '{}');
    fs.writeFileSync(path.join(repo, '.worktreeinclude'), '# local config\nconfig/*.json\n');
    fs.writeFileSync(path.join(repo, '.workmux.yaml'), 'files:\n  copy: [".env"]\n  symlink: ["node_modules"]\n');
    expect((await workmux(t, repo, ['add', 'files', '-b'])).exitCode).toBe(0);
    const wt = path.join(t.dir, 'proj__worktrees', 'files');
    expect(fs.readFileSync(path.join(wt, '.env'), 'utf8')).toBe('SECRET=1');
    expect(fs.lstatSync(path.join(wt, 'node_modules')).isSymbolicLink()).toBe(true);
    expect(fs.existsSync(path.join(wt, 'config', 'local.json'))).toBe(true);
  });
});

describe('insert-after inside the user\'s tmux', () => {
  it('places the new window right after the calling pane\'s window, with base-index 1 and 3+ windows', async () => {
    // The "user's" tmux: a private server standing in for the one the user runs workmux from.
    const userSocket = `${t.socket}-user`;
    const userTmux = (...args: string[]) => tmux({ ...t, socket: userSocket }, ...args);
    await userTmux('-f', '/dev/null', 'new-session', '-d', '-s', 'work', '-n', 'one');
    try {
      await userTmux('set-option', '-g', 'base-index', '1', ';', 'move-window', '-s', 'work:0', '-t', 'work:1');
      await userTmux('new-window', '-d', '-t', 'work:2', '-n', 'two', ';', 'new-window', '-d', '-t', 'work:3', '-n', 'three');
      const callerPane = await userTmux('display-message', '-p', '-t', 'work:2', '#{pane_id}');
      const socketPath = await userTmux('display-message', '-p', '#{socket_path}');
      const serverPid = await userTmux('display-message', '-p', '#{pid}');
      const env = { TMUX: `${socketPath},${serverPid},0`, TMUX_PANE: callerPane, WORKMUX_TMUX_SOCKET: '' };
      for (const name of ['a', 'b']) {
        const result = await workmux(t, repo, ['add', name, '-b'], { env });
        expect(result.exitCode, result.stderr).toBe(0);
        expect(result.stdout).not.toContain('attach with');
      }
      const order = (await userTmux('list-windows', '-t', 'work', '-F', '#{window_index}:#{window_name}')).split('\n');
      // each new window lands right after the caller's window ("two"), so the latest is closest to it
      expect(order).toEqual(['1:one', '2:two', '3:wm-b', '4:wm-a', '5:three']);
      // focus stayed on the caller with -b
      expect(await userTmux('display-message', '-p', '-t', 'work', '#{window_name}')).toBe('one');
      const list = JSON.parse((await workmux(t, repo, ['list', '--json'], { env })).stdout);
      expect(list.data.map((w: { tab: string }) => w.tab).sort()).toEqual(['wm-a', 'wm-b']);
      // a tab opened from another session is not in this session's listing, but is with --all
      await userTmux('new-session', '-d', '-s', 'other');
      const otherPane = await userTmux('display-message', '-p', '-t', 'other', '#{pane_id}');
      expect((await workmux(t, repo, ['add', 'c', '-b'], { env: { ...env, TMUX_PANE: otherPane } })).exitCode).toBe(0);
      const tabOf = (out: string) => Object.fromEntries(JSON.parse(out).data.map((w: { handle: string; tab: string | null }) => [w.handle, w.tab]));
      expect(tabOf((await workmux(t, repo, ['list', '--json'], { env })).stdout)).toEqual({ a: 'wm-a', b: 'wm-b', c: null });
      expect(tabOf((await workmux(t, repo, ['list', '--all', '--json'], { env })).stdout)).toEqual({ a: 'wm-a', b: 'wm-b', c: 'wm-c' });
    } finally {
      await killTmuxServer(userSocket, t.env);
    }
  });
});

describe('parallel adds', () => {
  it('ten concurrent `workmux add` runs all succeed and leave .git/config parseable', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => workmux(t, repo, ['add', `par-${i}`, '-b'])));
    for (const result of results) expect(result.exitCode, result.stderr).toBe(0);
    const config = await git(t, repo, 'config', '--list', '--local');
    for (let i = 0; i < 10; i++) expect(config).toContain(`branch.par-${i}.workmux-base=main`);
    expect(await worktreeCount()).toBe(11);
    expect((await windowNames()).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `wm-par-${i}`).sort());
  });
});
