import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cliErrorMessage, createWeztermBackend, cwdFromUrl, parseListJson, switchPaneEscape, type WeztermDeps,
} from '../backends/wezterm.js';
import { HandshakeTimeoutError } from '../backends/fifo-handshake.js';
import type { Backend, PaneInfo, Tab } from '../backends/types.js';
import { runtimeDir } from '../src/core/paths.js';
import { WorkmuxError } from '../src/core/errors.js';
import { startWeztermEmulator, waitFor, type WeztermEmulator } from './emulators/wezterm/harness.js';

const ESCAPE = /^\x1b\]1337;SetUserVar=workmux-switch-pane=([A-Za-z0-9+/]+={0,2})\x07$/;

/** Decodes what lua/workmux.lua receives: the user var's name and its JSON value. */
function decodeEscape(sequence: string): { workspace: string; tab_title: string } {
  const base64 = ESCAPE.exec(sequence)?.[1];
  if (!base64) throw new Error(`not a workmux-switch-pane escape: ${JSON.stringify(sequence)}`);
  return JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
}

describe('pure helpers', () => {
  it('builds the cross-workspace escape as OSC 1337 SetUserVar with base64 JSON and BEL', () => {
    const sequence = switchPaneEscape({ workspace: 'wörk space', tabTitle: 'wm-feature/ä "x"' });
    expect(sequence.startsWith('\x1b]1337;SetUserVar=workmux-switch-pane=')).toBe(true);
    expect(sequence.endsWith('\x07')).toBe(true);
    expect(decodeEscape(sequence)).toEqual({ workspace: 'wörk space', tab_title: 'wm-feature/ä "x"' });
    expect(Object.keys(decodeEscape(sequence))).toEqual(['workspace', 'tab_title']);
  });

  it('parses list JSON, tolerating unknown fields and missing optional ones', () => {
    const json = JSON.stringify([
      { window_id: 0, tab_id: 1, pane_id: 2, workspace: 'w', title: 't', cwd: 'file://h/a%20b', tab_title: 'x', is_active: true, tty_name: '/dev/pts/1', future_field: { a: 1 } },
      { window_id: 0, tab_id: 1, pane_id: 3, tty_name: null },
    ]);
    expect(parseListJson(json)).toEqual([
      { window_id: 0, tab_id: 1, pane_id: 2, workspace: 'w', title: 't', cwd: 'file://h/a%20b', tab_title: 'x', is_active: true, tty_name: '/dev/pts/1' },
      { window_id: 0, tab_id: 1, pane_id: 3, workspace: 'default', title: '', cwd: '', tab_title: '', is_active: false, tty_name: null },
    ]);
    expect(() => parseListJson('not json')).toThrow(WorkmuxError);
    expect(() => parseListJson('[{"pane_id":"1"}]')).toThrow(/numeric ids/);
  });

  it('turns cwd URLs into paths', () => {
    expect(cwdFromUrl('file://myhost/home/u/my%20proj')).toBe('/home/u/my proj');
    expect(cwdFromUrl('file:///tmp/x')).toBe('/tmp/x');
    expect(cwdFromUrl('')).toBe('');
    expect(cwdFromUrl('https://example.com/x')).toBe('');
  });

  it('extracts the message of a CLI error line', () => {
    expect(cliErrorMessage('12:00:01.123  ERROR  wezterm > no such pane 4; terminating\n')).toBe('no such pane 4');
    expect(cliErrorMessage('WARN something\nplain failure\n')).toBe('plain failure');
  });
});

describe('WezTerm backend over the emulator', () => {
  let wez: WeztermEmulator;
  let written: string[];

  const makeBackend = (env: NodeJS.ProcessEnv = wez.env, settings: Record<string, unknown> = {}, deps: WeztermDeps = {}): Backend =>
    createWeztermBackend(
      { env, projectName: 'proj', settings, statusIcons: { working: 'W', waiting: 'Q', done: 'D' } },
      { writeTerminal: (s) => written.push(s), ...deps },
    );
  const cli = (...args: string[]) => {
    const result = wez.wezterm(['cli', ...args]);
    if (result.status !== 0) throw new Error(result.stderr);
    return result.stdout;
  };
  const shellTab = (backend: Backend, name: string, background = true) =>
    backend.openTab({ name, cwd: wez.dir, command: ['sh', '-c', 'exec sh'], background });
  const fifos = () => (fs.existsSync(runtimeDir(wez.env)) ? fs.readdirSync(runtimeDir(wez.env)).filter((f) => f.endsWith('.fifo')) : []);

  beforeEach(async () => {
    wez = await startWeztermEmulator();
    written = [];
  });
  afterEach(async () => {
    await wez.cleanup();
  });

  it('checks availability and explains an unreachable socket, a foreign pane and a missing binary', async () => {
    await expect(makeBackend().ensureAvailable()).resolves.toBeUndefined();

    const socket = path.join(wez.dir, 'gone.sock');
    const unreachable = await makeBackend({ ...wez.env, WEZTERM_UNIX_SOCKET: socket }).ensureAvailable().catch((e: unknown) => e);
    expect(unreachable).toBeInstanceOf(WorkmuxError);
    expect((unreachable as WorkmuxError).message).toBe(`cannot reach the WezTerm mux server at ${socket}`);
    expect((unreachable as WorkmuxError).hint).toContain("config.unix_domains = { { name = 'unix' } }");
    expect((unreachable as WorkmuxError).hint).toContain("config.default_gui_startup_args = { 'connect', 'unix' }");
    expect(fs.existsSync(socket)).toBe(false); // --no-auto-start: nothing was started

    await expect(makeBackend({ ...wez.env, WEZTERM_PANE: '4242' }).ensureAvailable()).rejects.toThrow(/WEZTERM_PANE=4242\) is not known/);
    await expect(makeBackend(wez.env, { binary: path.join(wez.dir, 'no-wezterm') }).ensureAvailable()).rejects.toThrow(/no-wezterm not found/);
  });

  it('reports a CLI that does not answer', async () => {
    const hung = path.join(wez.dir, 'hung-wezterm');
    fs.writeFileSync(hung, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const backend = makeBackend(wez.env, { binary: hung, timeout_ms: 300 });
    await expect(backend.listPanes()).rejects.toThrow('wezterm cli did not answer within 300 ms (the mux server may be hung)');
  });

  it('opens an appended tab titled with its name, and lists it with a plain cwd', async () => {
    const backend = makeBackend();
    expect(backend.callerPane()).toBe(wez.firstPaneId);
    expect(await backend.currentScope()).toEqual({ id: 'default', name: 'default' });
    const a = await shellTab(backend, 'wm-a');
    const b = await shellTab(backend, 'wm-b', false);
    expect(a).toMatchObject({ name: 'wm-a', scope: { id: 'default', name: 'default' } });
    const panes = await backend.listPanes();
    expect(panes.map((p) => [p.id, p.tabName])).toEqual([[wez.firstPaneId, ''], [a.paneId, 'wm-a'], [b.paneId, 'wm-b']]);
    const paneA = panes.find((p) => p.id === a.paneId)!;
    expect(paneA).toMatchObject({ tabId: a.id, cwd: fs.realpathSync(wez.dir), dead: false, scope: { id: 'default', name: 'default' } });
    expect(paneA.tty).toMatch(/^\/dev\//);
    // Background tabs hand the focus back to the caller; foreground ones keep it.
    expect(activeTmuxWindow()).toBe(`@${b.id}`);
  });

  /** Which tab the first window shows (not in `list`): asked from tmux, which the emulator maps tabs onto. */
  function activeTmuxWindow(): string {
    return execFileSync('tmux', ['-S', wez.socket, 'display-message', '-p', '-t', '$0', '#{window_id}'], { encoding: 'utf8' }).trim();
  }

  it('gives the tab command its env and keeps the caller focused for background tabs', async () => {
    const backend = makeBackend();
    const out = path.join(wez.dir, 'env.txt');
    await backend.openTab({ name: 'wm-env', cwd: wez.dir, env: { WM_HANDLE: 'a b' }, command: ['sh', '-c', `printf %s "$WM_HANDLE" > ${out}; exec sleep 60`], background: true });
    expect(await waitFor(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8'), 'env file')).toBe('a b');
    expect(activeTmuxWindow()).toBe('@0');
  });

  it('splits panes right and below inside the tab', async () => {
    const backend = makeBackend();
    const tab = await shellTab(backend, 'wm-split');
    const right = await backend.splitPane(tab.paneId, { direction: 'horizontal', size: { percent: 30 }, cwd: wez.dir, command: ['sh'] });
    const below = await backend.splitPane(right, { direction: 'vertical', size: { cells: 5 }, cwd: wez.dir, command: ['sh'] });
    const list = JSON.parse(cli('list', '--format', 'json')) as { pane_id: number; tab_id: number; left_col: number; size: { rows: number } }[];
    const byId = (id: string) => list.find((p) => String(p.pane_id) === id)!;
    expect(byId(right).tab_id).toBe(Number(tab.id));
    expect(byId(below).tab_id).toBe(Number(tab.id));
    expect(byId(right).left_col).toBeGreaterThan(0);
    expect(byId(below).size.rows).toBe(5);
  });

  it('types text, presses keys and reads the screen back', async () => {
    const backend = makeBackend();
    const tab = await shellTab(backend, 'wm-io');
    await backend.sendText(tab.paneId, 'echo "ab""cd"');
    await backend.sendKey(tab.paneId, 'enter');
    await waitFor(async () => (await backend.capture(tab.paneId)).split('\n').includes('abcd'), 'echo output');

    await backend.sendText(tab.paneId, 'sleep 100');
    await backend.sendKey(tab.paneId, 'enter');
    await backend.sendKey(tab.paneId, 'ctrl-c');
    await backend.sendText(tab.paneId, 'echo after-$((40+2))');
    await backend.sendKey(tab.paneId, 'enter');
    await waitFor(async () => (await backend.capture(tab.paneId)).includes('after-42'), 'ctrl-c interrupted sleep');

    await backend.sendText(tab.paneId, 'seq 1 80');
    await backend.sendKey(tab.paneId, 'enter');
    await waitFor(async () => (await backend.capture(tab.paneId)).split('\n').includes('80'), 'seq output');
    expect((await backend.capture(tab.paneId)).split('\n')).not.toContain('5');
    expect((await backend.capture(tab.paneId, { lines: 200 })).split('\n')).toContain('5');
  });

  it('delivers a multi-line paste without submitting it', async () => {
    const backend = makeBackend();
    const file = path.join(wez.dir, 'raw');
    const tab = await backend.openTab({ name: 'wm-raw', cwd: wez.dir, command: ['sh', '-c', `stty raw -echo; printf '\\033[?2004h'; exec cat > ${file}`], background: true });
    await waitFor(() => fs.existsSync(file), 'recorder');
    await backend.sendText(tab.paneId, 'line one\nline two');
    await backend.sendKey(tab.paneId, 'enter');
    await backend.sendKey(tab.paneId, 'escape');
    const expected = '\x1b[200~line one\rline two\x1b[201~\r\x1b';
    expect(await waitFor(() => fs.readFileSync(file, 'latin1').length >= expected.length && fs.readFileSync(file, 'latin1'), 'paste bytes')).toBe(expected);
  });

  it('closes every pane of a tab and leaves the others alone', async () => {
    const backend = makeBackend();
    const keep = await shellTab(backend, 'wm-keep');
    const tab = await shellTab(backend, 'wm-close');
    await backend.splitPane(tab.paneId, { direction: 'vertical', cwd: wez.dir, command: ['sh'] });
    await backend.closeTab(tab);
    const panes = await backend.listPanes();
    expect(panes.map((p) => p.tabName)).toEqual(['', 'wm-keep']);
    expect(panes.find((p) => p.tabName === 'wm-keep')!.id).toBe(keep.paneId);
    await expect(backend.closeTab(tab)).resolves.toBeUndefined(); // already closed: nothing to do
  });

  it('removes the new pane when titling it fails, so no untitled tab is left behind', async () => {
    const flaky = path.join(wez.dir, 'flaky-wezterm');
    fs.writeFileSync(
      flaky,
      `#!/bin/sh\ncase " $* " in *" set-tab-title "*) echo '00:00:00.000  ERROR  wezterm > no such pane 77; terminating' >&2; exit 1;; esac\nexec wezterm "$@"\n`,
      { mode: 0o755 },
    );
    const backend = makeBackend(wez.env, { binary: flaky });
    await expect(shellTab(backend, 'wm-flaky')).rejects.toThrow(/exited right after it was spawned/);
    expect((await backend.listPanes()).map((p) => p.id)).toEqual([wez.firstPaneId]);
  });

  it('works from outside WezTerm: tabs go to a window of the configured workspace, or a new one', async () => {
    const outside = { ...wez.env, WEZTERM_PANE: undefined };
    const inDefault = await shellTab(makeBackend(outside), 'wm-out');
    expect(inDefault.scope.name).toBe('default');
    const backend = makeBackend(outside, { workspace: 'fresh' });
    expect(backend.callerPane()).toBeUndefined();
    const tab = await shellTab(backend, 'wm-fresh');
    expect(tab.scope).toEqual({ id: 'fresh', name: 'fresh' });
    expect((await backend.listPanes()).map((p) => p.tabName)).toEqual(['wm-fresh']);
    expect((await backend.listPanes({ allScopes: true })).map((p) => p.tabName)).toEqual(['', 'wm-out', 'wm-fresh']);
  });

  it('reports a pane that vanished', async () => {
    const backend = makeBackend();
    const tab = await shellTab(backend, 'wm-gone');
    cli('kill-pane', '--pane-id', tab.paneId);
    await expect(backend.sendText(tab.paneId, 'x')).rejects.toThrow(`WezTerm pane ${tab.paneId} no longer exists`);
  });

  it('closes a tab only after the calling process has exited (deferred close)', async () => {
    // Stands in for the workmux process that runs inside the tab; it "exits" when the test kills it.
    const caller = spawn('sleep', ['60'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => caller.on('exit', resolve));
    try {
      const backend = makeBackend(wez.env, {}, { callerPid: caller.pid, deferredCloseMaxWaitMs: 60_000 });
      const tab = await shellTab(backend, 'wm-deferred');
      await backend.splitPane(tab.paneId, { direction: 'horizontal', cwd: wez.dir, command: ['sh'] });
      await backend.closeTabDeferred(tab);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect((await backend.listPanes()).filter((p) => p.tabName === 'wm-deferred')).toHaveLength(2);
      caller.kill();
      await exited;
      await waitFor(async () => (await backend.listPanes()).every((p) => p.tabName !== 'wm-deferred'), 'deferred close', 10_000);
    } finally {
      caller.kill();
    }
  });

  it('does not wait for a caller that never exits longer than the deferred-close limit', async () => {
    const caller = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const backend = makeBackend(wez.env, {}, { callerPid: caller.pid, deferredCloseMaxWaitMs: 300 });
      const tab = await shellTab(backend, 'wm-stuck');
      await backend.closeTabDeferred(tab);
      await waitFor(async () => (await backend.listPanes()).every((p) => p.tabName !== 'wm-stuck'), 'capped deferred close');
      expect(caller.exitCode).toBeNull();
    } finally {
      caller.kill();
    }
  });

  describe('two workspaces', () => {
    let otherPane: string;
    let sameNameTabs: { here: Tab; there: PaneInfo };

    beforeEach(async () => {
      otherPane = cli('spawn', '--new-window', '--workspace', 'other').trim();
      const backend = makeBackend();
      const here = await shellTab(backend, 'wm-shared');
      const thereId = cli('spawn', '--pane-id', otherPane, '--cwd', wez.dir).trim();
      cli('set-tab-title', '--pane-id', thereId, 'wm-shared');
      const there = (await backend.listPanes({ allScopes: true })).find((p) => p.id === thereId)!;
      sameNameTabs = { here, there };
    });

    it('lists the current workspace only, every workspace with allScopes', async () => {
      const backend = makeBackend();
      const scoped = await backend.listPanes();
      expect(new Set(scoped.map((p) => p.scope.name))).toEqual(new Set(['default']));
      const all = await backend.listPanes({ allScopes: true });
      expect(all.filter((p) => p.scope.name === 'other').map((p) => p.id)).toEqual([otherPane, sameNameTabs.there.id]);
      // Seen from a pane of the other workspace, the scope follows $WEZTERM_PANE.
      const fromOther = makeBackend({ ...wez.env, WEZTERM_PANE: otherPane });
      expect(await fromOther.currentScope()).toEqual({ id: 'other', name: 'other' });
      expect((await fromOther.listPanes()).map((p) => p.id)).toEqual([otherPane, sameNameTabs.there.id]);
    });

    it('closing a tab never touches the tab of the same name in another workspace', async () => {
      const backend = makeBackend();
      await backend.closeTab(sameNameTabs.here);
      const all = await backend.listPanes({ allScopes: true });
      expect(all.filter((p) => p.tabName === 'wm-shared').map((p) => p.id)).toEqual([sameNameTabs.there.id]);
    });

    it('jumps to another workspace through the user-var escape, and activates same-workspace tabs directly', async () => {
      const backend = makeBackend();
      const there = sameNameTabs.there;
      const thereTab: Tab = { id: there.tabId, name: there.tabName, scope: there.scope, paneId: there.id };
      await backend.focus(thereTab);
      expect(written).toHaveLength(1);
      expect(decodeEscape(written[0]!)).toEqual({ workspace: 'other', tab_title: 'wm-shared' });

      cli('activate-tab', '--pane-id', wez.firstPaneId, '--tab-index', '0');
      await backend.focus(sameNameTabs.here);
      expect(written).toHaveLength(1);
      expect(activeTmuxWindow()).toBe(`@${sameNameTabs.here.id}`);
    });
  });

  describe('named-pipe handshake', () => {
    it('resolves once the pane signals, and removes the fifo', async () => {
      const backend = makeBackend();
      const handshake = await backend.handshake();
      expect(fifos()).toHaveLength(1);
      await backend.openTab({ name: 'wm-ready', cwd: wez.dir, command: ['sh', '-c', `${handshake.signalScript}; exec sh`], background: true });
      await handshake.wait(5_000);
      expect(fifos()).toEqual([]);
    });

    it('times out when the pane never signals, and removes the fifo', async () => {
      const backend = makeBackend();
      const handshake = await backend.handshake();
      const tab = await backend.openTab({ name: 'wm-silent', cwd: wez.dir, command: ['sh', '-c', 'echo never-ready; exec sleep 60'], background: true });
      const error = await handshake.wait(300).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HandshakeTimeoutError);
      expect(fifos()).toEqual([]);
      expect(await backend.capture(tab.paneId)).toContain('never-ready');
    });

    it('removes the fifo when disposed without waiting (the tab failed to open)', async () => {
      const backend = makeBackend();
      const handshake = await backend.handshake();
      await expect(backend.openTab({ name: 'wm-x', cwd: wez.dir, command: ['true'], domain: 'SSHMUX:nowhere', background: true })).rejects.toThrow(
        /domain name SSHMUX:nowhere is invalid/,
      );
      await handshake.dispose();
      await handshake.dispose();
      expect(fifos()).toEqual([]);
    });
  });
});
