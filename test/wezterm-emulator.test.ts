import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWeztermEmulator, waitFor, type WeztermEmulator } from './emulators/wezterm/harness.js';

// Conformance of the `wezterm cli` emulator with shared/contracts/wezterm-cli.md.

let wez: WeztermEmulator;
beforeEach(async () => {
  wez = await startWeztermEmulator();
});
afterEach(async () => {
  await wez.cleanup();
});

interface ListEntry {
  window_id: number;
  tab_id: number;
  pane_id: number;
  workspace: string;
  tab_title: string;
  window_title: string;
  is_active: boolean;
  is_zoomed: boolean;
  cwd: string;
  left_col: number;
  tty_name: string | null;
  [key: string]: unknown;
}

function ok(args: string[], input?: string): string {
  const result = wez.wezterm(['cli', ...args], { input });
  if (result.status !== 0) throw new Error(`wezterm cli ${args.join(' ')} → ${result.status}: ${result.stderr}`);
  return result.stdout;
}
const list = (): ListEntry[] => JSON.parse(ok(['list', '--format', 'json']));
const spawnTab = (...prog: string[]) => ok(['spawn', '--pane-id', wez.firstPaneId, ...(prog.length ? ['--', ...prog] : [])]).trim();
const screenOf = (pane: string) => ok(['get-text', '--pane-id', pane]);
const RUNTIME_ERROR = /^\d\d:\d\d:\d\d\.\d{3} {2}ERROR {2}wezterm > (.*); terminating\n$/;

describe('list --format json', () => {
  it('prints one object per pane with exactly the contract fields', () => {
    const entries = list();
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(Object.keys(entry!)).toEqual([
      'window_id', 'tab_id', 'pane_id', 'workspace', 'size', 'title', 'cwd', 'cursor_x', 'cursor_y', 'cursor_shape',
      'cursor_visibility', 'left_col', 'top_row', 'tab_title', 'window_title', 'is_active', 'is_zoomed', 'tty_name',
    ]);
    expect(entry).toMatchObject({
      pane_id: Number(wez.firstPaneId),
      workspace: 'default',
      size: { rows: 24, cols: 80 },
      tab_title: '',
      window_title: '',
      is_active: true,
      is_zoomed: false,
      cursor_visibility: 'Visible',
    });
    expect(Object.keys(entry!.size as object)).toEqual(['rows', 'cols', 'pixel_width', 'pixel_height', 'dpi']);
    expect(entry!.tty_name).toMatch(/^\/dev\//);
    expect(typeof entry!.title).toBe('string');
    // A URL, not a plain path.
    const url = new URL(entry!.cwd);
    expect(url.protocol).toBe('file:');
    expect(decodeURIComponent(url.pathname)).toBe(fs.realpathSync(wez.env.HOME!));
  });

  it('reports titles set with set-tab-title and set-window-title, any text included', () => {
    const title = 'wm-feature x/ünï "q" 50%';
    ok(['set-tab-title', '--pane-id', wez.firstPaneId, title]);
    ok(['set-window-title', '--pane-id', wez.firstPaneId, 'the window']);
    const [entry] = list();
    expect(entry!.tab_title).toBe(title);
    expect(entry!.window_title).toBe('the window');
    const tab = spawnTab();
    ok(['set-tab-title', '--tab-id', String(list().find((e) => String(e.pane_id) === tab)!.tab_id), 'second']);
    expect(list().map((e) => e.tab_title)).toEqual([title, 'second']);
  });

  it('reports the title a program set with OSC 2, else the foreground process name', async () => {
    const titled = spawnTab('sh', '-c', "printf '\\033]2;agent: thinking\\007'; exec sleep 60");
    const plain = spawnTab('sleep', '60');
    const titleOf = (id: string) => list().find((e) => String(e.pane_id) === id)?.title;
    expect(await waitFor(() => titleOf(titled) === 'agent: thinking', 'OSC 2 title')).toBe(true);
    expect(await waitFor(() => titleOf(plain) === 'sleep' && titleOf(plain), 'process name')).toBe('sleep');
  });

  it('prints a table by default', () => {
    const [header, row] = ok(['list']).split('\n');
    expect(header!.split(/\s+/)).toEqual(['WINID', 'TABID', 'PANEID', 'WORKSPACE', 'SIZE', 'TITLE', 'CWD']);
    expect(row).toContain('default');
    expect(row).toContain('80x24');
  });

  it('list-clients is an empty JSON array on a headless mux', () => {
    expect(JSON.parse(ok(['list-clients', '--format', 'json']))).toEqual([]);
  });
});

describe('command-line rejection (clap)', () => {
  const rejected = [
    { args: ['send-key', '--pane-id', '0', 'Enter'], error: "error: unrecognized subcommand 'send-key'" },
    { args: ['send-text', '--no-newline', '--pane-id', '0', 'x'], error: "error: unexpected argument '--no-newline' found" },
    { args: ['list', '--bogus'], error: "error: unexpected argument '--bogus' found" },
    { args: ['list', '--format', 'xml'], error: "error: invalid value 'xml' for '--format <FORMAT>'" },
    { args: ['kill-pane', '--pane-id'], error: "error: a value is required for '--pane-id <PANE_ID>' but none was supplied" },
    { args: ['kill-pane', '--pane-id', 'abc'], error: "error: invalid value 'abc' for '--pane-id <PANE_ID>'" },
    { args: ['spawn', '--window-id', '0', '--new-window'], error: "error: the argument '--window-id <WINDOW_ID>' cannot be used with '--new-window'" },
    { args: ['spawn', '--workspace', 'w'], error: 'error: the following required arguments were not provided:\n  --new-window' },
    { args: ['split-pane', '--left', '--right'], error: "error: the argument '--left' cannot be used with '--right'" },
    { args: ['split-pane', '--cells', '3', '--percent', '3'], error: "error: the argument '--cells <CELLS>' cannot be used with '--percent <PERCENT>'" },
    { args: ['set-tab-title', '--pane-id', '0'], error: 'error: the following required arguments were not provided:\n  <TITLE>' },
    { args: ['activate-tab', '--pane-id', '0'], error: 'error: the following required arguments were not provided' },
    { args: ['activate-tab', '--tab-id', '0', '--tab-index', '1'], error: "error: the argument '--tab-id <TAB_ID>' cannot be used with '--tab-index <TAB_INDEX>'" },
    { args: ['zoom-pane', '--zoom', '--unzoom'], error: "error: the argument '--zoom' cannot be used with '--unzoom'" },
    { args: ['kill-pane', '--pane-id', '0', '--pane-id', '1'], error: "error: the argument '--pane-id <PANE_ID>' cannot be used multiple times" },
    { args: ['send-text', '--pane-id', '0', 'a', 'b'], error: "error: unexpected argument 'b' found" },
  ];
  it.each(rejected)('rejects `wezterm cli $args` with exit 2 and usage', ({ args, error }) => {
    const result = wez.wezterm(['cli', ...args]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.startsWith(error)).toBe(true);
    expect(result.stderr).toMatch(/\n\nUsage: wezterm cli .*\n\nFor more information, try '--help'\.\n$/);
  });

  it('leaves the mux untouched when it rejects a command line', () => {
    wez.wezterm(['cli', 'spawn', '--pane-id', wez.firstPaneId, '--bogus']);
    expect(list()).toHaveLength(1);
  });

  it('accepts --opt=value, negative line numbers and text after --', () => {
    expect(wez.wezterm(['cli', 'get-text', `--pane-id=${wez.firstPaneId}`, '--start-line', '-5']).status).toBe(0);
    expect(wez.wezterm(['cli', 'send-text', '--pane-id', wez.firstPaneId, '--no-paste', '--', '--not-a-flag']).status).toBe(0);
  });
});

describe('runtime errors', () => {
  it('reports a missing pane as `no such pane N` with exit 1', () => {
    const result = wez.wezterm(['cli', 'kill-pane', '--pane-id', '999']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(RUNTIME_ERROR);
    expect(RUNTIME_ERROR.exec(result.stderr)![1]).toBe('no such pane 999');
    for (const args of [['send-text', '--pane-id', '999', 'x'], ['get-text', '--pane-id', '999'], ['activate-pane', '--pane-id', '999']]) {
      expect(RUNTIME_ERROR.exec(wez.wezterm(['cli', ...args]).stderr)?.[1]).toBe('no such pane 999');
    }
  });

  it('reports an unreachable socket and never starts a server', () => {
    const socket = path.join(wez.dir, 'missing-sock');
    const noAutoStart = wez.wezterm(['cli', '--no-auto-start', 'list'], { env: { WEZTERM_UNIX_SOCKET: socket } });
    expect(noAutoStart.status).toBe(1);
    expect(RUNTIME_ERROR.exec(noAutoStart.stderr)![1]).toBe(`failed to connect to Socket("${socket}"): connecting to ${socket}`);
    // Without --no-auto-start the real CLI tries to start a server first and says so.
    const autoStart = wez.wezterm(['cli', 'list'], { env: { WEZTERM_UNIX_SOCKET: socket } });
    expect(autoStart.status).toBe(1);
    const lines = autoStart.stderr.trimEnd().split('\n');
    expect(lines[0]).toContain('WARN   wezterm_client::client > While connecting to Socket(');
    expect(RUNTIME_ERROR.exec(`${lines.at(-1)}\n`)![1]).toContain(`(after spawning server) failed to connect to Socket("${socket}")`);
    expect(fs.existsSync(socket)).toBe(false);
  });

  it('needs --pane-id or $WEZTERM_PANE on a headless mux', () => {
    const result = wez.wezterm(['cli', 'get-text'], { env: { WEZTERM_PANE: '' } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--pane-id was not specified and $WEZTERM_PANE is not set');
  });

  it('rejects an unknown domain', () => {
    const result = wez.wezterm(['cli', 'spawn', '--pane-id', wez.firstPaneId, '--domain-name', 'SSHMUX:nowhere']);
    expect(result.status).toBe(1);
    expect(RUNTIME_ERROR.exec(result.stderr)![1]).toBe('domain name SSHMUX:nowhere is invalid');
    expect(wez.wezterm(['cli', 'spawn', '--pane-id', wez.firstPaneId, '--domain-name', 'SSHMUX:nowhere'], {
      env: { WEZTERM_EMULATOR_DOMAINS: 'SSHMUX:nowhere' },
    }).status).toBe(0);
  });
});

describe('spawn and split-pane', () => {
  it('appends new tabs at the end of the window, whichever tab is active', () => {
    const first = list()[0]!;
    const a = spawnTab();
    const b = spawnTab();
    ok(['activate-tab', '--pane-id', wez.firstPaneId, '--tab-index', '0']);
    const c = spawnTab();
    const panes = list();
    expect(panes.map((p) => String(p.pane_id))).toEqual([wez.firstPaneId, a, b, c]);
    expect(new Set(panes.map((p) => p.window_id))).toEqual(new Set([first.window_id]));
    expect(new Set(panes.map((p) => p.tab_id)).size).toBe(4);
  });

  it('gives every spawned pane WEZTERM_PANE and WEZTERM_UNIX_SOCKET', async () => {
    const report = (name: string) => path.join(wez.dir, `${name}.env`);
    const program = (name: string) => ['sh', '-c', `printf '%s %s' "$WEZTERM_PANE" "$WEZTERM_UNIX_SOCKET" > ${report(name)}; exec sleep 60`];
    const tab = spawnTab(...program('tab'));
    const split = ok(['split-pane', '--pane-id', tab, '--', ...program('split')]).trim();
    const window = ok(['spawn', '--new-window', '--workspace', 'other', '--', ...program('window')]).trim();
    for (const [name, id] of [['tab', tab], ['split', split], ['window', window]] as const) {
      const seen = await waitFor(() => fs.existsSync(report(name)) && fs.readFileSync(report(name), 'utf8'), `${name} env`);
      expect(seen).toBe(`${id} ${wez.socket}`);
    }
    // Without a program: the login shell, with the same variables.
    const shell = spawnTab();
    ok(['send-text', '--pane-id', shell, '--no-paste', 'echo "pane=$WEZTERM_PANE"\r']);
    await waitFor(() => screenOf(shell).includes(`pane=${shell}`), 'shell output');
  });

  it('creates a new window in a new workspace, and tabs in a given window', () => {
    const pane = ok(['spawn', '--new-window', '--workspace', 'other', '--cwd', wez.dir]).trim();
    const entry = list().find((e) => String(e.pane_id) === pane)!;
    expect(entry.workspace).toBe('other');
    expect(entry.window_id).not.toBe(list()[0]!.window_id);
    expect(decodeURIComponent(new URL(entry.cwd).pathname)).toBe(fs.realpathSync(wez.dir));
    const second = ok(['spawn', '--window-id', String(entry.window_id)]).trim();
    expect(list().find((e) => String(e.pane_id) === second)).toMatchObject({ window_id: entry.window_id, workspace: 'other' });
    const missing = wez.wezterm(['cli', 'spawn', '--window-id', '77']);
    expect(RUNTIME_ERROR.exec(missing.stderr)![1]).toBe('window 77 is invalid');
  });

  it('splits right or below with a size, in the same tab', () => {
    const right = ok(['split-pane', '--pane-id', wez.firstPaneId, '--right', '--percent', '25']).trim();
    const below = ok(['split-pane', '--pane-id', wez.firstPaneId, '--bottom', '--cells', '5']).trim();
    const panes = list();
    const byId = (id: string) => panes.find((p) => String(p.pane_id) === id)!;
    expect(new Set(panes.map((p) => p.tab_id)).size).toBe(1);
    expect(byId(right).left_col).toBeGreaterThan(0);
    expect((byId(right).size as { cols: number }).cols).toBe(20);
    expect((byId(below).size as { rows: number }).rows).toBe(5);
    expect(byId(below).top_row).toBeGreaterThan(0);
    // The new pane is the active one in its tab.
    expect(panes.filter((p) => p.is_active).map((p) => String(p.pane_id))).toEqual([below]);
  });
});

describe('send-text and get-text', () => {
  /** A pane in raw mode that records every byte it receives. */
  async function recorder(bracketed: boolean): Promise<{ pane: string; received: () => string }> {
    const file = path.join(wez.dir, `rec-${Math.random().toString(36).slice(2)}`);
    const enable = bracketed ? `printf '\\033[?2004h'; ` : '';
    const pane = spawnTab('sh', '-c', `stty raw -echo; ${enable}touch ${file}; exec cat > ${file}`);
    await waitFor(() => fs.existsSync(file), 'recorder ready');
    return { pane, received: () => fs.readFileSync(file, 'latin1') };
  }

  it('pastes with newlines turned into CR when the program did not ask for bracketed paste', async () => {
    const rec = await recorder(false);
    ok(['send-text', '--pane-id', rec.pane, 'one\ntwo']);
    expect(await waitFor(() => rec.received().length >= 7 && rec.received(), 'paste')).toBe('one\rtwo');
  });

  it('brackets the paste when the program enabled bracketed paste', async () => {
    const rec = await recorder(true);
    ok(['send-text', '--pane-id', rec.pane], 'body');
    expect(await waitFor(() => rec.received().endsWith('\x1b[201~') && rec.received(), 'bracketed paste')).toBe('\x1b[200~body\x1b[201~');
  });

  it('writes raw bytes with --no-paste, from the argument or from stdin', async () => {
    const rec = await recorder(true);
    ok(['send-text', '--pane-id', rec.pane, '--no-paste', 'a\nb\x03']);
    ok(['send-text', '--pane-id', rec.pane, '--no-paste'], '\x1b\r');
    expect(await waitFor(() => rec.received().length >= 6 && rec.received(), 'raw bytes')).toBe('a\nb\x03\x1b\r');
  });

  it('indexes lines from the top of the screen, negative into scrollback, end inclusive', async () => {
    const pane = spawnTab('sh', '-c', 'seq 1 60; exec sleep 60');
    await waitFor(() => screenOf(pane).includes('60'), 'seq output');
    const screen = screenOf(pane).split('\n');
    // 60 lines and the cursor row: the screen's 24 rows start at 38.
    expect(screen.slice(0, 23)).toEqual(Array.from({ length: 23 }, (_, i) => String(38 + i)));
    expect(screen).toHaveLength(25); // 24 rows, each ending with a newline
    expect(ok(['get-text', '--pane-id', pane, '--start-line', '0', '--end-line', '0'])).toBe('38\n');
    expect(ok(['get-text', '--pane-id', pane, '--start-line', '-3', '--end-line', '-1'])).toBe('35\n36\n37\n');
    const all = ok(['get-text', '--pane-id', pane, '--start-line', '-1000', '--end-line', '1']).split('\n');
    expect(all.slice(0, 3)).toEqual(['1', '2', '3']);
    expect(all.at(-2)).toBe('39');
  });
});

describe('focus, titles, workspaces, zoom, moving and killing', () => {
  it('activate-pane and activate-tab change the active pane and tab', () => {
    const split = ok(['split-pane', '--pane-id', wez.firstPaneId]).trim();
    ok(['activate-pane', '--pane-id', wez.firstPaneId]);
    expect(list().find((p) => p.is_active)!.pane_id).toBe(Number(wez.firstPaneId));
    ok(['activate-pane', '--pane-id', split]);
    expect(list().find((p) => p.is_active)!.pane_id).toBe(Number(split));
    const tab = spawnTab();
    const activeTab = activeTabId;
    ok(['activate-tab', '--pane-id', tab, '--tab-index', '0']);
    expect(activeTab()).toBe(list()[0]!.tab_id);
    ok(['activate-tab', '--pane-id', tab, '--tab-relative', '-1']);
    expect(activeTab()).toBe(list().at(-1)!.tab_id);
    ok(['activate-tab', '--pane-id', tab, '--tab-relative', '1', '--no-wrap']);
    expect(activeTab()).toBe(list().at(-1)!.tab_id);
    ok(['activate-tab', '--tab-id', String(list()[0]!.tab_id)]);
    expect(activeTab()).toBe(list()[0]!.tab_id);
  });

  /** The active tab of the first window is not in `list`: ask tmux, which the emulator maps tabs onto. */
  function activeTabId(): number {
    const out = execFileSync('tmux', ['-S', wez.socket, 'display-message', '-p', '-t', `$${list()[0]!.window_id}`, '#{window_id}'], { encoding: 'utf8' });
    return Number(out.trim().slice(1));
  }

  it('rename-workspace renames every window of the workspace', () => {
    ok(['spawn', '--new-window', '--workspace', 'other']);
    ok(['rename-workspace', '--pane-id', wez.firstPaneId, 'main']);
    expect(list().map((p) => p.workspace)).toEqual(['main', 'other']);
    ok(['rename-workspace', '--workspace', 'other', 'side']);
    expect(list().map((p) => p.workspace)).toEqual(['main', 'side']);
  });

  it('zoom-pane zooms, unzooms and toggles', () => {
    const split = ok(['split-pane', '--pane-id', wez.firstPaneId]).trim();
    const zoomed = () => list().filter((p) => p.is_zoomed).map((p) => String(p.pane_id));
    ok(['zoom-pane', '--pane-id', wez.firstPaneId]);
    expect(zoomed()).toEqual([wez.firstPaneId]);
    ok(['zoom-pane', '--pane-id', split, '--toggle']);
    expect(zoomed()).toEqual([split]);
    ok(['zoom-pane', '--pane-id', split, '--unzoom']);
    expect(zoomed()).toEqual([]);
  });

  it('move-pane-to-new-tab moves a pane into a new tab or a new window', () => {
    const split = ok(['split-pane', '--pane-id', wez.firstPaneId]).trim();
    ok(['move-pane-to-new-tab', '--pane-id', split]);
    let panes = list();
    expect(panes).toHaveLength(2);
    expect(panes[1]!.tab_id).not.toBe(panes[0]!.tab_id);
    expect(panes[1]!.window_id).toBe(panes[0]!.window_id);
    const other = ok(['split-pane', '--pane-id', wez.firstPaneId]).trim();
    ok(['move-pane-to-new-tab', '--pane-id', other, '--new-window', '--workspace', 'far']);
    panes = list();
    const moved = panes.find((p) => String(p.pane_id) === other)!;
    expect(moved.workspace).toBe('far');
    expect(moved.window_id).not.toBe(panes[0]!.window_id);
    expect(panes).toHaveLength(3);
  });

  it('kill-pane removes the pane, and the mux survives its last pane', () => {
    const tab = spawnTab();
    ok(['kill-pane', '--pane-id', tab]);
    expect(list().map((p) => String(p.pane_id))).toEqual([wez.firstPaneId]);
    ok(['kill-pane', '--pane-id', wez.firstPaneId]);
    expect(list()).toEqual([]);
  });
});
