/**
 * The cmux backend over the cmux emulator (a real tmux server on a private socket): placement with one and
 * two open windows, typed launch, read-back retry, sidebar status, closing, and the errors a user can act on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CmuxBackend } from '../backends/cmux.js';
import { startCmuxEmulator } from './emulators/cmux/harness.js';
import { cmuxBackendFor, openReadyTab, startLoggedEmulator, type EmulatedCmux } from './emulators/cmux/backend-fixture.js';
import { waitFor } from './emulators/cmux/run.js';

let emu: EmulatedCmux;
let backend: CmuxBackend;
let worktree: string;

const cmuxJson = async <T>(args: string[]) => JSON.parse(await emu.em.cmux(args)) as T;
const windowIds = async () => (await cmuxJson<{ id: string }[]>(['--json', 'list-windows'])).map((w) => w.id);
const workspacesOf = async (windowId: string) =>
  (await cmuxJson<{ workspaces: { id: string; title: string; selected: boolean }[] }>(['--json', '--id-format', 'both', 'list-workspaces', '--window', windowId])).workspaces;
const newWindow = async () => /^OK (\S+)/.exec(await emu.em.cmux(['new-window']))![1]!;

beforeEach(async () => {
  emu = await startLoggedEmulator();
  worktree = path.join(emu.em.dir, 'worktree');
  fs.mkdirSync(worktree);
  backend = cmuxBackendFor(emu.em.env);
});
afterEach(async () => {
  // Input commands got UUIDs only, and no verb outside the contract was ever called.
  const handleFlags = new Set(['--workspace', '--surface', '--window']);
  for (const argv of emu.invocations()) {
    argv.forEach((arg, i) => {
      if (handleFlags.has(argv[i - 1] ?? '')) expect(arg, argv.join(' ')).toMatch(/^[0-9a-f]{8}-[0-9a-f-]{27}$/);
    });
    if (argv[0] === 'rename-workspace') expect(argv).not.toContain('--name');
    const missingVerbs = ['create-workspace', 'create-window', 'send-text', 'focus-workspace', 'active-window-id', 'set-workspace-subtitle'];
    expect(argv.filter((arg) => missingVerbs.includes(arg)), argv.join(' ')).toEqual([]);
  }
  await emu.em.cleanup();
});

describe('cmux backend: availability', () => {
  it('is available inside the emulated cmux, finding `cmux` on PATH when the app bundle path is absent', async () => {
    await expect(backend.ensureAvailable()).resolves.toBeUndefined();
    expect(emu.invocations().map((argv) => argv[0])).toEqual(['__boot', '--version', 'ping']);
  });

  it('names the missing binary and the setting to fix it', async () => {
    const configured = cmuxBackendFor(emu.em.env, { binary_path: path.join(emu.em.dir, 'nope', 'cmux') });
    await expect(configured.ensureAvailable()).rejects.toThrow(`cmux binary not found at ${path.join(emu.em.dir, 'nope', 'cmux')}; set cmux.binary_path`);
    const noPath = cmuxBackendFor({ ...emu.em.env, PATH: '/usr/bin:/bin' });
    await expect(noPath.ensureAvailable()).rejects.toThrow('cmux binary not found at /Applications/cmux.app/Contents/Resources/bin/cmux; set cmux.binary_path');
  });

  it('refuses to run outside cmux unless require_in_cmux is false', async () => {
    const outside = { ...emu.em.env, CMUX_WORKSPACE_ID: undefined, CMUX_SURFACE_ID: undefined };
    await expect(cmuxBackendFor(outside).ensureAvailable()).rejects.toThrow('not running inside cmux ($CMUX_WORKSPACE_ID unset)');
    await expect(cmuxBackendFor(outside, { require_in_cmux: false }).ensureAvailable()).resolves.toBeUndefined();
  });

  it('explains the socket access mode when cmux denies access', async () => {
    const strict = await startCmuxEmulator({ socketMode: 'cmuxOnly' });
    try {
      const outside = { ...strict.env, CMUX_WORKSPACE_ID: undefined, CMUX_SURFACE_ID: undefined };
      const error = await cmuxBackendFor(outside, { require_in_cmux: false }).ensureAvailable().catch((e: unknown) => e);
      expect(error).toMatchObject({ message: expect.stringContaining('only admits processes started inside cmux') });
      expect((error as { hint: string }).hint).toMatch(/run workmux from a cmux terminal, or set the cmux socket access mode to "automation"/);
      await expect(cmuxBackendFor(strict.env).ensureAvailable()).resolves.toBeUndefined();
      await strict.tmux(['kill-server']);
      await expect(cmuxBackendFor(strict.env).ensureAvailable()).rejects.toThrow(/^cannot reach the cmux app: cmux ping failed: Socket not found/);
    } finally {
      await strict.cleanup();
    }
  });

  it('turns an ERROR: answer into a one-line error', async () => {
    const gone = { id: '00000000-0000-4000-8000-000000000000', name: 'x', scope: { id: emu.em.windowId, name: 'w' }, paneId: emu.em.surfaceId };
    const error = await backend.setStatus(gone, 'working').catch((e: unknown) => e);
    expect((error as Error).message).toBe('cmux set-status: Workspace not found: 00000000-0000-4000-8000-000000000000');
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('cmux backend: placement', () => {
  it('auto with one window: a new workspace in the caller\'s window, titled and started in the worktree', async () => {
    const tab = await openReadyTab(backend, { name: 'wm-feat/x.1', cwd: worktree, env: { WM_TEST: 'hello' } });
    expect(await windowIds()).toEqual([emu.em.windowId]);
    expect(tab.scope.id).toBe(emu.em.windowId);
    expect(tab.name).toBe('wm-feat-x-1');
    expect((await workspacesOf(emu.em.windowId)).find((ws) => ws.id === tab.id)?.title).toBe('wm-feat-x-1');
    await backend.sendText(tab.paneId, 'echo "at=$PWD env=$WM_TEST"');
    await backend.sendKey(tab.paneId, 'enter');
    await waitFor(async () => (await backend.capture(tab.paneId)).includes(`at=${worktree} env=hello`), 5000, 'command output');
    // background: the caller's workspace stays selected
    expect((await workspacesOf(emu.em.windowId)).find((ws) => ws.selected)?.id).toBe(emu.em.workspaceId);
  });

  it('auto with two windows: a new window, reusing the workspace it comes with', async () => {
    await newWindow();
    const tab = await openReadyTab(backend, { name: 'wm-two', cwd: worktree });
    const windows = await windowIds();
    expect(windows).toHaveLength(3);
    expect(windows).toContain(tab.scope.id);
    expect(await workspacesOf(tab.scope.id)).toEqual([expect.objectContaining({ id: tab.id, title: 'wm-two' })]);
    expect(await workspacesOf(emu.em.windowId)).toHaveLength(1);
  });

  it('workspace with one and with two windows: always the caller\'s window, even when another has focus', async () => {
    const first = await openReadyTab(backend, { name: 'wm-a', cwd: worktree, placement: 'workspace' });
    await newWindow(); // takes focus
    const second = await openReadyTab(backend, { name: 'wm-b', cwd: worktree, placement: 'workspace' });
    expect([first.scope.id, second.scope.id]).toEqual([emu.em.windowId, emu.em.windowId]);
    expect((await workspacesOf(emu.em.windowId)).map((ws) => ws.title)).toEqual(['Terminal', 'wm-a', 'wm-b']);
    expect(await windowIds()).toHaveLength(2);
  });

  it('window with one and with two windows: a new window each time (setting, overridable per tab)', async () => {
    const windowed = cmuxBackendFor(emu.em.env, { placement: 'window' });
    const first = await openReadyTab(windowed, { name: 'wm-w1', cwd: worktree });
    expect(await windowIds()).toHaveLength(2);
    const second = await openReadyTab(windowed, { name: 'wm-w2', cwd: worktree });
    expect(await windowIds()).toHaveLength(3);
    for (const tab of [first, second]) expect(await workspacesOf(tab.scope.id)).toEqual([expect.objectContaining({ id: tab.id, title: tab.name })]);
    // background tabs hand focus back to the caller's window; a foreground one keeps it
    expect((await emu.em.cmux(['current-window'])).trim()).toBe(emu.em.windowId);
    const foreground = await openReadyTab(windowed, { name: 'wm-w3', cwd: worktree, background: false });
    expect((await emu.em.cmux(['current-window'])).trim()).toBe(foreground.scope.id);
    const overridden = await openReadyTab(windowed, { name: 'wm-ws', cwd: worktree, placement: 'workspace' });
    expect(overridden.scope.id).toBe(emu.em.windowId);
    expect(await windowIds()).toHaveLength(4);
  });

  it('rejects an unknown placement before creating anything', async () => {
    await expect(backend.openTab({ name: 'x', cwd: worktree, command: ['true'], background: true, placement: 'tab' })).rejects.toThrow(/invalid cmux placement 'tab'/);
    expect(() => cmuxBackendFor(emu.em.env, { placement: 'pane' })).toThrow(/invalid cmux placement 'pane'/);
  });
});

describe('cmux backend: input read-back', () => {
  it('retries once when a background workspace dropped the text', async () => {
    const dropping = cmuxBackendFor({ ...emu.em.env, CMUX_EMULATOR_DROP_BACKGROUND_SENDS: 'first' });
    const tab = await openReadyTab(dropping, { name: 'wm-drop', cwd: worktree });
    const launchSends = emu.invocations().filter((argv) => argv[0] === 'send' && argv.at(-1)!.includes('cmux-launch-'));
    expect(launchSends).toHaveLength(2); // the first was dropped, the retry arrived
    await dropping.sendText(tab.paneId, 'echo typed-$((6*7))');
    await dropping.sendKey(tab.paneId, 'enter');
    await waitFor(async () => (await dropping.capture(tab.paneId)).includes('typed-42'), 5000, 'typed text');
  });

  it('reports a second miss and closes the workspace it created', async () => {
    const dropping = cmuxBackendFor({ ...emu.em.env, CMUX_EMULATOR_DROP_BACKGROUND_SENDS: 'always' });
    await expect(openReadyTab(dropping, { name: 'wm-lost', cwd: worktree })).rejects.toThrow(/did not show up on its screen, even after a retry/);
    expect((await workspacesOf(emu.em.windowId)).map((ws) => ws.title)).toEqual(['Terminal']);
    expect(fs.readdirSync(emu.em.env.XDG_RUNTIME_DIR!, { recursive: true }).filter((f) => String(f).includes('cmux-launch-'))).toEqual([]);
  });

  it('sends backslash sequences literally although `cmux send` would turn \\n into Return', async () => {
    const tab = await openReadyTab(backend, { name: 'wm-bs', cwd: worktree });
    await backend.sendText(tab.paneId, "printf '[%s]\\n' 'a\\nb' 'c\\td'");
    await backend.sendKey(tab.paneId, 'enter');
    // %s prints its argument as is: both backslash pairs must reach the shell as two characters.
    const screen = await waitFor(async () => {
      const text = await backend.capture(tab.paneId);
      return /^\[c\\td\]$/m.test(text) && text;
    }, 5000, 'printf output');
    expect(screen).toMatch(/^\[a\\nb\]$/m);
  });
});

describe('cmux backend: status, focus, listing, closing', () => {
  it('shows status in the sidebar, clears it, and notifies', async () => {
    const tab = await openReadyTab(backend, { name: 'wm-status', cwd: worktree });
    await backend.setStatus(tab, 'waiting');
    const sidebar = () => cmuxJson<{ status: Record<string, { value: string; icon: string }> }>(['__debug-sidebar', '--workspace', tab.id]);
    expect((await sidebar()).status.workmux).toMatchObject({ value: 'waiting', icon: '💬' });
    await backend.setStatus(tab, 'done');
    expect((await sidebar()).status.workmux).toMatchObject({ value: 'done', icon: '✅' });
    await backend.setStatus(tab, null);
    expect((await sidebar()).status).toEqual({});
    await backend.notify(tab, 'wm-status is waiting', 'Do you want to proceed?');
    expect(await cmuxJson<unknown[]>(['__debug-notifications'])).toEqual([
      expect.objectContaining({ title: 'wm-status is waiting', body: 'Do you want to proceed?', workspace_id: tab.id }),
    ]);
  });

  it('focuses window then workspace, lists panes per scope, captures', async () => {
    const tab = await openReadyTab(backend, { name: 'wm-focus', cwd: worktree });
    const other = await newWindow();
    expect((await emu.em.cmux(['current-window'])).trim()).toBe(other);
    await backend.focus(tab);
    expect((await emu.em.cmux(['current-window'])).trim()).toBe(emu.em.windowId);
    expect((await workspacesOf(emu.em.windowId)).find((ws) => ws.selected)?.id).toBe(tab.id);
    const focusCalls = emu.invocations().filter((argv) => ['focus-window', 'select-workspace'].includes(argv[0]!)).map((argv) => argv[0]);
    expect(focusCalls.slice(-2)).toEqual(['focus-window', 'select-workspace']);

    const here = await backend.listPanes();
    expect(here.map((p) => p.id).sort()).toEqual([emu.em.surfaceId, tab.paneId].sort());
    expect(here.find((p) => p.id === tab.paneId)).toMatchObject({ tabId: tab.id, tabName: 'wm-focus', cwd: worktree, dead: false });
    expect(await backend.listPanes({ allScopes: true })).toHaveLength(3);
    expect(await backend.capture(tab.paneId, { lines: 5 })).toMatch(/\$$/);
  });

  it('closes a workspace, and a window\'s last workspace with close-window', async () => {
    const noopLast = cmuxBackendFor({ ...emu.em.env, CMUX_EMULATOR_CLOSE_LAST_WORKSPACE: 'noop' }, { placement: 'window' });
    const windowed = await openReadyTab(noopLast, { name: 'wm-last', cwd: worktree });
    const workspace = await openReadyTab(noopLast, { name: 'wm-one-of-two', cwd: worktree, placement: 'workspace' });
    await noopLast.closeTab(windowed);
    expect(await windowIds()).toEqual([emu.em.windowId]);
    await noopLast.closeTab(workspace);
    expect((await workspacesOf(emu.em.windowId)).map((ws) => ws.id)).toEqual([emu.em.workspaceId]);
    await expect(noopLast.closeTab(workspace)).resolves.toBeUndefined(); // already gone
    expect(emu.invocations().filter((argv) => argv[0]?.startsWith('close-')).map((argv) => argv[0])).toEqual(['close-window', 'close-workspace']);
  });

  it('says so when a surface vanished', async () => {
    const tab = await openReadyTab(backend, { name: 'wm-gone', cwd: worktree });
    await emu.em.cmux(['close-workspace', '--workspace', tab.id]);
    await expect(cmuxBackendFor(emu.em.env).sendKey(tab.paneId, 'enter')).rejects.toThrow(`cmux surface ${tab.paneId} no longer exists`);
  });
});
