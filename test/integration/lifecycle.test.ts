import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { WORKMUX_BIN, eventually, git, tmux, workmux, useTestRepo, type TestEnv } from '../helpers/env.js';

let t: TestEnv;
let repo: string;
useTestRepo((world) => ({ t, repo } = world));

const wtPath = (handle: string) => path.join(t.dir, 'proj__worktrees', handle);
const windowNames = async () =>
  (await execa('tmux', ['-L', t.socket, 'list-windows', '-a', '-F', '#{window_name}'], { reject: false, env: t.env })).stdout.split('\n').filter(Boolean);
const branches = async () => (await git(t, repo, 'branch', '--format=%(refname:short)')).split('\n').filter(Boolean).sort();

describe('remove keeps work safe', () => {
  it('refuses uncommitted changes (naming the files) and unmerged commits without --force', async () => {
    expect((await workmux(t, repo, ['add', 'feature/safe', '-b'])).exitCode).toBe(0);
    fs.writeFileSync(path.join(wtPath('feature-safe'), 'notes.txt'), 'draft');
    const dirty = await workmux(t, repo, ['remove', 'feature-safe']);
    expect(dirty.exitCode).toBe(1);
    expect(dirty.stderr).toMatch(/refusing to remove feature-safe: it has uncommitted changes \(notes\.txt\).*--force/);
    await git(t, wtPath('feature-safe'), 'add', '.');
    await git(t, wtPath('feature-safe'), 'commit', '-q', '-m', 'work');
    const unmerged = await workmux(t, repo, ['remove', 'feature/safe']);
    expect(unmerged.exitCode).toBe(1);
    expect(unmerged.stderr).toMatch(/branch feature\/safe has 1 commit that no other branch contains/);
    expect(fs.existsSync(wtPath('feature-safe'))).toBe(true);
    expect(await windowNames()).toEqual(['wm-feature-safe']);

    // keeping the branch loses nothing: allowed
    const kept = await workmux(t, repo, ['remove', 'feature-safe', '--keep-branch']);
    expect(kept.exitCode, kept.stderr).toBe(0);
    expect(fs.existsSync(wtPath('feature-safe'))).toBe(false);
    expect(await branches()).toEqual(['feature/safe', 'main']);
    expect(await windowNames()).toEqual([]);
  });

  it('removes tab, worktree, branch and base record of merged work; --force discards the rest', async () => {
    expect((await workmux(t, repo, ['add', 'done', '-b'])).exitCode).toBe(0);
    expect((await workmux(t, repo, ['add', 'junk', '-b'])).exitCode).toBe(0);
    fs.writeFileSync(path.join(wtPath('junk'), 'scratch'), 'x');
    const removed = await workmux(t, repo, ['remove', 'done', '--json']);
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout).data[0]).toMatchObject({ handle: 'done', tabClosed: true, worktreeRemoved: true, branchDeleted: true });
    expect((await execa('git', ['config', 'branch.done.workmux-base'], { cwd: repo, reject: false, env: t.env })).exitCode).toBe(1);
    expect((await workmux(t, repo, ['remove', 'junk', '--force'])).exitCode).toBe(0);
    expect(await branches()).toEqual(['main']);
    expect(await windowNames()).toEqual([]);
    // no trash left beside the worktrees
    expect(fs.readdirSync(path.join(t.dir, 'proj__worktrees'))).toEqual([]);
  });

  it('checks every name before removing any', async () => {
    expect((await workmux(t, repo, ['add', 'clean', '-b'])).exitCode).toBe(0);
    const result = await workmux(t, repo, ['remove', 'clean', 'nope']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/no worktree named "nope"/);
    expect(fs.existsSync(wtPath('clean'))).toBe(true);
  });

  it('runs pre_remove hooks with the worktree env', async () => {
    fs.mkdirSync(path.join(t.home, '.config', 'workmux'), { recursive: true });
    const log = path.join(t.dir, 'pre-remove.log');
    fs.writeFileSync(path.join(t.home, '.config', 'workmux', 'config.yaml'), `pre_remove:\n  - echo "$WM_HANDLE $WM_BRANCH $PWD" >> '${log}'\n`);
    expect((await workmux(t, repo, ['add', 'hooked', '-b'])).exitCode).toBe(0);
    expect((await workmux(t, repo, ['remove', 'hooked'])).exitCode).toBe(0);
    expect(fs.readFileSync(log, 'utf8').trim()).toBe(`hooked hooked ${wtPath('hooked')}`);
  });

  it('removes the tab it runs in without cutting itself off (deferred close)', async () => {
    expect((await workmux(t, repo, ['add', 'inside'])).exitCode).toBe(0);
    const pane = await tmux(t, 'display-message', '-p', '-t', '=proj:wm-inside', '#{pane_id}');
    const done = path.join(t.dir, 'inside-done');
    // typed into the tab's own shell, as a user would
    await tmux(t, 'send-keys', '-t', pane, '-l', `${WORKMUX_BIN} remove inside > '${done}' 2>&1; echo exit=$? >> '${done}'`);
    await tmux(t, 'send-keys', '-t', pane, 'Enter');
    const output: string = await eventually(() => (fs.existsSync(done) && fs.readFileSync(done, 'utf8').includes('exit=') ? fs.readFileSync(done, 'utf8') : ''));
    expect(output, output).toMatch(/removed inside: worktree, tab \(closing now\), branch inside/);
    expect(output, output).toMatch(/exit=0/);
    await eventually(async () => !(await windowNames()).includes('wm-inside'));
    expect(fs.existsSync(wtPath('inside'))).toBe(false);
    expect(await branches()).toEqual(['main']);
  });
});

describe('open, close, send, capture, path, list', () => {
  it('close keeps the worktree; open brings the tab back and restarts the agent; send and capture talk to it', async () => {
    expect((await workmux(t, repo, ['add', 'talk', '-a', 'cat', '-b'])).exitCode).toBe(0);
    expect((await workmux(t, repo, ['path', 'talk'])).stdout).toBe(wtPath('talk'));
    expect((await workmux(t, repo, ['send', 'talk', 'hello from send'])).exitCode).toBe(0);
    // cat echoes the line back: it arrived and was submitted
    await eventually(async () => ((await workmux(t, repo, ['capture', 'talk'])).stdout.match(/hello from send/g) ?? []).length >= 2);
    expect((await workmux(t, repo, ['send', 'talk'], { input: 'from stdin\n' })).exitCode).toBe(0);
    await eventually(async () => ((await workmux(t, repo, ['capture', 'talk'])).stdout.match(/from stdin/g) ?? []).length >= 2);

    const closed = await workmux(t, repo, ['close', 'talk']);
    expect(closed.stdout).toContain('closed the tab of talk');
    expect(await windowNames()).toEqual([]);
    expect(fs.existsSync(wtPath('talk'))).toBe(true);
    const listed = JSON.parse((await workmux(t, repo, ['list', '--json'])).stdout).data[0];
    expect(listed).toMatchObject({ handle: 'talk', tab: null });

    expect((await workmux(t, repo, ['open', 'talk', '-a', 'cat', '-b'])).exitCode).toBe(0);
    expect(await windowNames()).toEqual(['wm-talk']);
    await eventually(async () => (await tmux(t, 'display-message', '-p', '-t', '=proj:wm-talk', '#{pane_current_command}')) === 'cat');
    // open on an open tab focuses it instead of creating a second one
    expect((await workmux(t, repo, ['open', 'talk'])).exitCode).toBe(0);
    expect(await windowNames()).toEqual(['wm-talk']);
    // and a prompt given to open reaches the running agent
    expect((await workmux(t, repo, ['open', 'talk', '-p', 'prompt via open'])).exitCode).toBe(0);
    await eventually(async () => ((await workmux(t, repo, ['capture', 'talk'])).stdout.match(/prompt via open/g) ?? []).length >= 2);
    expect(await windowNames()).toEqual(['wm-talk']);
    const after = JSON.parse((await workmux(t, repo, ['list', '--json'])).stdout).data[0];
    expect(after).toMatchObject({ handle: 'talk', tab: 'wm-talk', backend: 'tmux', agent: 'cat', dirty: false, base: 'main' });
  });

  it('send and capture fail clearly when the tab is not open', async () => {
    expect((await workmux(t, repo, ['add', 'quiet', '-b'])).exitCode).toBe(0);
    await workmux(t, repo, ['close', 'quiet']);
    const result = await workmux(t, repo, ['send', 'quiet', 'hi']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/quiet has no open tab — open it with `workmux open quiet`/);
  });

  it('list works with no tmux server and shows dirty worktrees', async () => {
    expect((await workmux(t, repo, ['add', 'a', '-b'])).exitCode).toBe(0);
    fs.writeFileSync(path.join(wtPath('a'), 'x'), '1');
    await tmux(t, 'kill-server');
    const result = await workmux(t, repo, ['list']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^HANDLE\s+BRANCH\s+BASE\s+DIRTY\s+TAB\s+AGENT\s+PATH\na\s+a\s+main\s+yes\s+-\s+-\s+\//);
  });
});

describe('stop and graceful close', () => {
  it('stop runs the exit ladder with the profile\'s exit command and keeps the tab as a shell', async () => {
    // A "claude" that ignores Ctrl-C and leaves only on /exit, recording how it was asked.
    const log = path.join(t.dir, 'fake-claude.log');
    // (a Node script: tmux reports a bash script's foreground process as "bash", i.e. a shell)
    const fake = path.join(t.dir, 'fake-claude.mjs');
    fs.writeFileSync(
      fake,
      `#!${process.execPath}\nimport fs from 'node:fs';\nimport readline from 'node:readline';\n` +
        `process.on('SIGINT', () => fs.appendFileSync(${JSON.stringify(log)}, 'got-ctrl-c\\n'));\n` +
        `console.log('fake claude ready');\n` +
        `readline.createInterface({ input: process.stdin }).on('line', (line) => {\n` +
        `  fs.appendFileSync(${JSON.stringify(log)}, 'got: ' + line + '\\n');\n  if (line === '/exit') process.exit(0);\n});\n`,
      { mode: 0o755 },
    );
    fs.mkdirSync(path.join(t.home, '.config', 'workmux'), { recursive: true });
    fs.writeFileSync(path.join(t.home, '.config', 'workmux', 'config.yaml'), `agents:\n  claude: ${fake}\n`);
    expect((await workmux(t, repo, ['add', 'polite', '-a', 'claude', '-b'])).exitCode).toBe(0);
    await eventually(async () => (await workmux(t, repo, ['capture', 'polite'])).stdout.includes('fake claude ready'));
    const stopped = await workmux(t, repo, ['stop', 'polite', '--json']);
    expect(stopped.exitCode, stopped.stderr).toBe(0);
    expect(JSON.parse(stopped.stdout).data).toEqual({ handle: 'polite', stopped: true, tier: 'exit-command' });
    expect(fs.readFileSync(log, 'utf8')).toBe('got: /exit\n');
    expect(await tmux(t, 'display-message', '-p', '-t', '=proj:wm-polite', '#{pane_current_command}')).toBe('bash');

    // close on a running agent asks it to exit before the tab goes
    expect((await workmux(t, repo, ['send', 'polite', fake])).exitCode).toBe(0);
    await eventually(async () => (await tmux(t, 'display-message', '-p', '-t', '=proj:wm-polite', '#{pane_current_command}')) === 'node');
    expect((await workmux(t, repo, ['close', 'polite'])).exitCode).toBe(0);
    expect(fs.readFileSync(log, 'utf8')).toBe('got: /exit\ngot: /exit\n');
    expect(await windowNames()).toEqual([]);
  });
});

describe('init', () => {
  it('writes a config skeleton that loads, and refuses to overwrite one without --force', async () => {
    const created = await workmux(t, repo, ['init']);
    expect(created.exitCode, created.stderr).toBe(0);
    const file = path.join(repo, 'workmux.config.yaml');
    expect(fs.readFileSync(file, 'utf8')).toContain('# agent: claude');
    expect((await workmux(t, repo, ['list'])).exitCode).toBe(0); // the skeleton is a valid (empty) config
    fs.appendFileSync(file, 'window_prefix: mine-\n');
    const again = await workmux(t, repo, ['init']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/already has a config: .*workmux\.config\.yaml — edit it, or pass --force/);
    expect(fs.readFileSync(file, 'utf8')).toContain('window_prefix: mine-');
    expect((await workmux(t, repo, ['init', '--force'])).exitCode).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('window_prefix: mine-');
  });
});
