/**
 * The cmux emulator itself must follow shared/contracts/cmux-cli.md, or the backend tests prove nothing.
 * Real tmux server on a private socket per emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCmuxEmulator, type CmuxEmulator } from './emulators/cmux/harness.js';
import { runCmux, waitFor } from './emulators/cmux/run.js';

interface Created { window_id: string; workspace_id: string; surface_id: string; workspace_ref: string; surface_ref: string }

let em: CmuxEmulator;
const cmux = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => runCmux(em.env, args, extraEnv);
const json = async <T>(args: string[]): Promise<T> => {
  const answer = await cmux(args);
  expect(answer.code, answer.stderr).toBe(0);
  return JSON.parse(answer.stdout) as T;
};
const createWorkspace = (name: string, window = em.windowId) =>
  json<Created>(['--json', '--id-format', 'both', 'workspace', 'create', '--window', window, '--cwd', em.dir, '--name', name]);
const screenOf = async (ws: Created) => (await cmux(['read-screen', '--workspace', ws.workspace_id, '--surface', ws.surface_id])).stdout;
const waitForScreen = (ws: Created, pattern: RegExp) => waitFor(async () => pattern.test(await screenOf(ws)) && (await screenOf(ws)), 5000, `${pattern}`);

beforeAll(async () => {
  em = await startCmuxEmulator();
});
afterAll(async () => {
  await em?.cleanup();
});

describe('cmux emulator: binary, socket, errors', () => {
  it('answers --version without a socket and ping only with one', async () => {
    const noSocket = { CMUX_SOCKET_PATH: `${em.dir}/missing.sock` };
    expect(await cmux(['--version'], noSocket)).toMatchObject({ code: 0, stdout: 'cmux 0.64.20 (100) [14e3400b9]\n' });
    const ping = await cmux(['ping'], noSocket);
    expect(ping.code).toBe(1);
    expect(ping.stderr).toMatch(/^Error: /);
    expect(await cmux(['ping'])).toMatchObject({ code: 0, stdout: 'PONG\n' });
    expect(await cmux(['--socket', em.socket, 'ping'], noSocket)).toMatchObject({ code: 0, stdout: 'PONG\n' });
  });

  it('rejects verbs that do not exist with exit 2, like the real CLI', async () => {
    for (const verb of ['create-workspace', 'create-window', 'send-text', 'focus-workspace', 'active-window-id', 'set-workspace-subtitle']) {
      const answer = await cmux([verb, '--workspace', em.workspaceId]);
      expect(answer.code, verb).toBe(2);
      expect(answer.stderr).toBe(`Error: Unknown command '${verb}'. Run 'cmux help' to see available commands.\n`);
    }
    expect((await cmux([])).code).toBe(2);
  });

  it('rejects unknown flags and bad values with exit 1', async () => {
    const rename = await cmux(['rename-workspace', '--workspace', em.workspaceId, '--name', 'x']);
    expect(rename.code).toBe(1);
    expect(rename.stderr).toMatch(/^Error: Unknown flag '--name'/);
    for (const args of [
      ['--id-format', 'names', 'identify'],
      ['read-screen', '--lines', '0'],
      ['set-status', 'k', 'v', '--color', 'red'],
      ['set-progress', '1.5'],
      ['log', '--level', 'loud', '--', 'x'],
      ['send-key', 'hyper-q'],
      ['workspace', 'create', '--focus', 'maybe'],
    ]) {
      const answer = await cmux(args);
      expect(answer.code, args.join(' ')).toBe(1);
      expect(answer.stderr, args.join(' ')).toMatch(/^Error: /);
    }
  });

  it('answers ERROR: Access denied in cmuxOnly mode unless the caller runs inside cmux', async () => {
    const mode = { CMUX_EMULATOR_SOCKET_MODE: 'cmuxOnly' };
    const outside = await cmux(['ping'], { ...mode, CMUX_SURFACE_ID: '', CMUX_WORKSPACE_ID: '' });
    expect(outside).toMatchObject({ code: 1, stderr: 'ERROR: Access denied - only processes started inside cmux can connect\n' });
    expect(await cmux(['ping'], mode)).toMatchObject({ code: 0, stdout: 'PONG\n' });
    expect((await cmux(['--version'], { ...mode, CMUX_SURFACE_ID: '' })).code).toBe(0);
  });
});

describe('cmux emulator: windows, workspaces, identify', () => {
  it('identifies the caller from CMUX_* and the focused location', async () => {
    const id = await json<{ caller: Record<string, string>; focused: Record<string, string> }>(['--json', '--id-format', 'both', 'identify']);
    expect(id.caller).toMatchObject({ window_id: em.windowId, workspace_id: em.workspaceId, surface_id: em.surfaceId, workspace_ref: 'workspace:1' });
    expect(id.focused.window_id).toBe(em.windowId);
    const refsOnly = await json<{ caller: Record<string, string> }>(['identify', '--json']);
    expect(refsOnly.caller.workspace_ref).toBe('workspace:1');
    expect(refsOnly.caller.workspace_id).toBeUndefined();
    expect((await runCmux({ ...em.env, CMUX_WORKSPACE_ID: '', CMUX_SURFACE_ID: '' }, ['--json', 'identify'])).stdout).toMatch(/"caller": null/);
  });

  it('lists windows as a pretty-printed array; new-window comes with one workspace and takes focus', async () => {
    const before = await cmux(['--json', 'list-windows']);
    expect(before.stdout).toMatch(/^\[\n {2}\{\n {4}"id"/);
    expect(JSON.parse(before.stdout)).toHaveLength(1);
    const created = await cmux(['new-window']);
    const windowId = /^OK ([0-9a-f-]{36})\n$/.exec(created.stdout)?.[1];
    expect(windowId).toBeDefined();
    const windows = await json<{ id: string; key: boolean; workspace_count: number; selected_workspace_id: string }[]>(['--json', 'list-windows']);
    expect(windows).toHaveLength(2);
    expect(windows.find((w) => w.id === windowId)).toMatchObject({ key: true, workspace_count: 1 });
    expect((await cmux(['current-window'])).stdout).toBe(`${windowId}\n`);
    const listed = await json<{ window_id: string; workspaces: { id: string }[] }>(['--json', '--id-format', 'both', 'list-workspaces', '--window', windowId!]);
    expect(listed.workspaces).toHaveLength(1);
    expect(await cmux(['close-window', '--window', windowId!])).toMatchObject({ code: 0 });
    expect(await json<unknown[]>(['--json', 'list-windows'])).toHaveLength(1);
    expect((await cmux(['focus-window', '--window', em.windowId])).stdout).toBe('OK window:1\n');
  });

  it('creates workspaces (legacy verb: ref only; workspace create: UUIDs) and lists them per window', async () => {
    const legacy = await cmux(['new-workspace', '--window', em.windowId, '--cwd', em.dir, '--name', 'legacy']);
    expect(legacy.code).toBe(0);
    expect(legacy.stdout).toMatch(/^OK workspace:\d+\n$/);
    const created = await createWorkspace('modern');
    expect(created).toMatchObject({ window_id: em.windowId });
    expect(created.workspace_id).toMatch(/^[0-9a-f-]{36}$/);
    const listed = await json<{ workspaces: { id: string; title: string; selected: boolean }[] }>(['--json', '--id-format', 'both', 'list-workspaces', '--window', em.windowId]);
    expect(listed.workspaces.map((ws) => ws.title)).toEqual(expect.arrayContaining(['legacy', 'modern']));
    // Created in the background: the caller's workspace stays selected.
    expect(listed.workspaces.find((ws) => ws.selected)?.id).toBe(em.workspaceId);
    const tree = await json<{ windows: { workspaces: { id: string; panes: { surfaces: { id: string }[] }[] }[] }[] }>(['--json', '--id-format', 'both', 'tree', '--all']);
    const inTree = tree.windows.flatMap((w) => w.workspaces).find((ws) => ws.id === created.workspace_id);
    expect(inTree?.panes[0]?.surfaces[0]?.id).toBe(created.surface_id);
  });

  it('renames with a positional title, selects, and closes workspaces', async () => {
    const ws = await createWorkspace('to-rename');
    expect((await cmux(['rename-workspace', '--workspace', ws.workspace_id, '--', 'renamed title'])).code).toBe(0);
    const titles = async () =>
      (await json<{ workspaces: { id: string; title: string; selected: boolean }[] }>(['--json', '--id-format', 'both', 'list-workspaces', '--window', em.windowId])).workspaces;
    expect((await titles()).find((w) => w.id === ws.workspace_id)?.title).toBe('renamed title');
    await cmux(['select-workspace', '--workspace', ws.workspace_id]);
    expect((await titles()).find((w) => w.selected)?.id).toBe(ws.workspace_id);
    await cmux(['select-workspace', '--workspace', em.workspaceId]);
    expect((await cmux(['close-workspace', '--workspace', ws.workspace_id])).code).toBe(0);
    expect((await titles()).some((w) => w.id === ws.workspace_id)).toBe(false);
    expect((await cmux(['close-workspace', '--workspace', ws.workspace_id])).stderr).toMatch(/^ERROR: Workspace not found/);
  });

  it('close-workspace on a last workspace closes the window, or does nothing with the noop knob', async () => {
    const windowId = /^OK (\S+)/.exec((await cmux(['new-window'])).stdout)![1]!;
    const [only] = (await json<{ workspaces: { id: string }[] }>(['--json', '--id-format', 'both', 'list-workspaces', '--window', windowId])).workspaces;
    const noop = await cmux(['close-workspace', '--workspace', only!.id], { CMUX_EMULATOR_CLOSE_LAST_WORKSPACE: 'noop' });
    expect(noop.code).toBe(0);
    expect(await json<unknown[]>(['--json', 'list-windows'])).toHaveLength(2);
    await cmux(['close-workspace', '--workspace', only!.id]);
    expect(await json<unknown[]>(['--json', 'list-windows'])).toHaveLength(1);
    await cmux(['focus-window', '--window', em.windowId]);
  });
});

describe('cmux emulator: input and screen', () => {
  it('gives spawned shells the CMUX_* environment and TERM_PROGRAM=ghostty, without TMUX', async () => {
    const ws = await createWorkspace('env');
    await cmux(['send', '--workspace', ws.workspace_id, '--surface', ws.surface_id, '--', 'echo "W=$CMUX_WORKSPACE_ID S=$CMUX_SURFACE_ID P=$CMUX_SOCKET_PATH T=$TERM_PROGRAM X=${TMUX:-none}"\\n']);
    const screen = await waitForScreen(ws, /W=\S+ S=/);
    expect(screen).toContain(`W=${ws.workspace_id} S=${ws.surface_id} P=${em.socket} T=ghostty X=none`);
  });

  it('turns only the two-character \\n, \\r, \\t into keys; other backslashes stay literal', async () => {
    const ws = await createWorkspace('send');
    const answer = await cmux(['send', '--workspace', ws.workspace_id, '--surface', ws.surface_id, '--', "printf '<%s>' 'a\\x' 'b\\tc'\\n"]);
    expect(answer.stdout).toBe(`OK ${ws.surface_ref} ${ws.workspace_ref}\n`);
    // \x stays two characters; \t became a Tab key, which the shell's line editor took as whitespace or completion.
    const screen = await waitForScreen(ws, /<a\\x>/);
    expect(screen).toContain('<a\\x>');
    expect(screen).not.toContain('b\\tc');
  });

  it('delivers text through the paste path: bracketed only when the program asked for bracketed paste', async () => {
    const ws = await createWorkspace('paste');
    const send = (text: string) => cmux(['send', '--workspace', ws.workspace_id, '--surface', ws.surface_id, '--', text]);
    await send("printf '\\033[?2004h'; cat -v\\n");
    await waitForScreen(ws, /cat -v\n/);
    await send('pasted-text\\n');
    const screen = await waitForScreen(ws, /\^\[\[201~/);
    expect(screen).toContain('^[[200~pasted-text^[[201~');
  });

  it('reads the screen as text, with --lines and as JSON with base64', async () => {
    const ws = await createWorkspace('read');
    await cmux(['send', '--workspace', ws.workspace_id, '--surface', ws.surface_id, '--', 'for i in 1 2 3 4 5; do echo line-$i; done\\n']);
    await waitForScreen(ws, /line-5/);
    const last = await cmux(['read-screen', '--workspace', ws.workspace_id, '--surface', ws.surface_id, '--lines', '2']);
    expect(last.stdout).toBe('line-5\n$\n');
    const asJson = await json<{ text: string; base64: string; surface_id: string }>([
      'read-screen', '--workspace', ws.workspace_id, '--surface', ws.surface_id, '--json', '--id-format', 'both',
    ]);
    expect(asJson.surface_id).toBe(ws.surface_id);
    expect(Buffer.from(asJson.base64, 'base64').toString()).toBe(asJson.text);
    expect(asJson.text).toContain('line-3');
  });

  it('sends keys: ctrl-c interrupts the foreground program', async () => {
    const ws = await createWorkspace('keys');
    await cmux(['send', '--workspace', ws.workspace_id, '--surface', ws.surface_id, '--', 'sleep 30; echo finished\\n']);
    await waitForScreen(ws, /sleep 30/);
    expect((await cmux(['send-key', '--workspace', ws.workspace_id, '--surface', ws.surface_id, 'ctrl-c'])).code).toBe(0);
    await cmux(['send', '--workspace', ws.workspace_id, '--surface', ws.surface_id, '--', 'echo after-$((40+2))\\n']);
    const screen = await waitForScreen(ws, /after-42/);
    expect(screen).not.toMatch(/^finished$/m);
  });

  it('drops the first send to a background workspace in the dropping mode', async () => {
    const ws = await createWorkspace('drop');
    const knob = { CMUX_EMULATOR_DROP_BACKGROUND_SENDS: 'first' };
    const send = (text: string) => cmux(['send', '--workspace', ws.workspace_id, '--surface', ws.surface_id, '--', text], knob);
    expect((await send('echo first-$((1+1))\\n')).code).toBe(0);
    expect((await send('echo second-$((1+1))\\n')).code).toBe(0);
    const screen = await waitForScreen(ws, /second-2/);
    expect(screen).not.toContain('first-2');
  });

  it('misroutes input addressed by ref to the focused surface when asked to (the documented hazard)', async () => {
    const ws = await createWorkspace('misroute');
    const knob = { CMUX_EMULATOR_REFS_MISROUTE: '1' };
    await cmux(['focus-window', '--window', em.windowId]);
    await cmux(['select-workspace', '--workspace', em.workspaceId]);
    await cmux(['send', '--workspace', ws.workspace_ref, '--surface', ws.surface_ref, '--', 'echo misrouted-$((2+2))\\n'], knob);
    const focused = { workspace_id: em.workspaceId, surface_id: em.surfaceId } as Created;
    await waitForScreen(focused, /misrouted-4/);
    expect(await screenOf(ws)).not.toContain('misrouted');
  });
});

describe('cmux emulator: sidebar and notifications', () => {
  it('stores status, progress and log per workspace and records notifications', async () => {
    const ws = await createWorkspace('sidebar');
    const target = ['--workspace', ws.workspace_id];
    expect((await cmux(['set-status', 'workmux', 'working', '--icon', 'bolt', '--color', '#ff0000', ...target])).stdout).toBe('OK\n');
    expect((await cmux(['set-progress', '0.5', '--label', 'half', ...target])).stdout).toBe('OK\n');
    expect((await cmux(['log', '--level', 'success', '--source', 'workmux', ...target, '--', 'all good'])).stdout).toBe('OK\n');
    const sidebar = await json<{ status: Record<string, unknown>; progress: unknown; log: unknown[] }>(['__debug-sidebar', ...target]);
    expect(sidebar.status.workmux).toEqual({ value: 'working', icon: 'bolt', color: '#ff0000', priority: 0 });
    expect(sidebar.progress).toEqual({ value: 0.5, label: 'half' });
    expect(sidebar.log).toEqual([{ level: 'success', source: 'workmux', message: 'all good' }]);
    await cmux(['clear-status', 'workmux', ...target]);
    expect((await json<{ status: Record<string, unknown> }>(['__debug-sidebar', ...target])).status).toEqual({});
    const record = await json<{ id: string; title: string }>(['notify', '--title', 'Agent waiting', '--body', 'needs you', ...target, '--json']);
    const all = await json<{ id: string; body: string; workspace_id: string }[]>(['__debug-notifications']);
    expect(all.find((n) => n.id === record.id)).toMatchObject({ body: 'needs you', workspace_id: ws.workspace_id });
  });

  it('reports capabilities as JSON', async () => {
    const caps = await json<{ commands: string[]; windows_own_workspaces: boolean }>(['capabilities', '--json']);
    expect(caps.commands).toEqual(expect.arrayContaining(['workspace', 'send', 'read-screen', 'set-status']));
    expect(caps.commands).not.toContain('__boot');
  });

  it('answers ERROR: No active window once every window is closed', async () => {
    const other = await startCmuxEmulator();
    try {
      const close = await runCmux(other.env, ['close-window', '--window', other.windowId]);
      expect(close.code).toBe(0);
      const current = await runCmux(other.env, ['current-window']);
      expect(current).toMatchObject({ code: 1, stderr: 'ERROR: No active window\n' });
      expect(JSON.parse((await runCmux(other.env, ['--json', 'list-windows'])).stdout)).toEqual([]);
    } finally {
      await other.cleanup();
    }
  });
});
