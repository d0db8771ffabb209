// Command handlers of the cmux emulator. Each takes the invocation context and prints like the real CLI.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { CliError, SocketError, parseBool } from './args.mjs';
import { createWorkspace, focusWindow, readJsonOption, sendKeyToPane, sendTextToPane } from './actions.mjs';
import {
  applyIdFormat, focusedSurface, isRef, loadState, resolveSurface, resolveWindow, resolveWorkspace, selectedWorkspace,
} from './state.mjs';

export const VERSION_LINE = 'cmux 0.64.20 (100) [14e3400b9]';

/** The window a command acts on: --window, the global --window, the caller's window, the focused window. */
function targetWindow(ctx, { required = true } = {}) {
  const handle = ctx.args.flags['--window'] ?? ctx.args.window;
  if (handle) return resolveWindow(ctx.model, handle);
  const window = callerWorkspace(ctx)?.window ?? ctx.model.focusedWindow;
  if (!window && required) throw new SocketError('No active window');
  return window;
}

function callerWorkspace(ctx) {
  const id = ctx.env.CMUX_WORKSPACE_ID;
  return id ? ctx.model.workspaces.find((ws) => ws.uuid.toLowerCase() === id.toLowerCase()) : undefined;
}

function callerSurface(ctx) {
  const id = ctx.env.CMUX_SURFACE_ID;
  return id ? ctx.model.surfaces.find((s) => s.uuid.toLowerCase() === id.toLowerCase()) : undefined;
}

/** --workspace, else $CMUX_WORKSPACE_ID, else the focused window's selected workspace. */
function targetWorkspace(ctx) {
  const handle = ctx.args.flags['--workspace'] ?? ctx.env.CMUX_WORKSPACE_ID;
  if (handle) return resolveWorkspace(ctx.model, handle, targetWindow(ctx, { required: false }));
  const workspace = selectedWorkspace(ctx.model.focusedWindow);
  if (!workspace) throw new SocketError('No active workspace');
  return workspace;
}

/** --surface, else $CMUX_SURFACE_ID when it lives in the workspace, else the workspace's focused surface. */
function targetSurface(ctx, workspace) {
  const handle = ctx.args.flags['--surface'];
  if (handle) return resolveSurface(ctx.model, handle, workspace);
  const caller = callerSurface(ctx);
  return caller?.workspace === workspace ? caller : focusedSurface(workspace);
}

/** Emulates the hazard: input commands addressed by ref land in whatever surface has focus. */
function inputTarget(ctx) {
  const workspace = targetWorkspace(ctx);
  const surface = targetSurface(ctx, workspace);
  const byRef = [ctx.args.flags['--workspace'], ctx.args.flags['--surface']].some((h) => h && isRef(h));
  if (byRef && ctx.env.CMUX_EMULATOR_REFS_MISROUTE === '1') {
    const focused = selectedWorkspace(ctx.model.focusedWindow);
    return { workspace: focused, surface: focusedSurface(focused) };
  }
  return { workspace, surface };
}

const describeLocation = (workspace, surface) => workspace && {
  window_id: workspace.window.uuid, window_ref: workspace.window.ref,
  workspace_id: workspace.uuid, workspace_ref: workspace.ref,
  pane_id: surface?.paneUuid, pane_ref: surface?.paneRef,
  surface_id: surface?.uuid, surface_ref: surface?.ref,
  surface_type: 'terminal', is_browser_surface: false,
};

const surfaceJson = (s) => ({ id: s.uuid, ref: s.ref, index: s.index, title: s.title, type: 'terminal', focused: s.focused, tty: s.tty });
const workspaceJson = (ws) => ({
  id: ws.uuid, ref: ws.ref, index: ws.index, title: ws.title, selected: ws.selected, pinned: false,
  current_directory: focusedSurface(ws)?.cwd ?? '',
});
const windowJson = (w) => ({
  id: w.uuid, ref: w.ref, index: w.index, key: w.key,
  selected_workspace_id: selectedWorkspace(w)?.uuid, selected_workspace_ref: selectedWorkspace(w)?.ref,
});

function printJson(ctx, value) {
  ctx.print(JSON.stringify(applyIdFormat(value, ctx.args.idFormat), null, 2));
}

const reload = (ctx) => (ctx.model = loadState(ctx.tmux));

function creationOptions(ctx) {
  const { flags } = ctx.args;
  const cwd = flags['--cwd'];
  if (cwd !== undefined && !fs.existsSync(cwd)) throw new CliError(`Directory not found: ${cwd}`);
  const env = flags['--env'] ?? [];
  for (const pair of env) if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(pair)) throw new CliError(`Invalid --env '${pair}' (expected KEY=VALUE)`);
  return { cwd, title: flags['--name'], env, command: flags['--command'], focus: parseBool('--focus', flags['--focus'], false) };
}

export const handlers = {
  ping: (ctx) => ctx.print('PONG'),

  identify(ctx) {
    const focusedWs = selectedWorkspace(ctx.model.focusedWindow);
    const caller = callerSurface(ctx);
    printJson(ctx, {
      socket_path: ctx.tmux.socket,
      focused: describeLocation(focusedWs, focusedSurface(focusedWs)) ?? null,
      caller: caller ? describeLocation(caller.workspace, caller) : null,
    });
  },

  capabilities(ctx) {
    const commands = Object.keys(handlers).filter((c) => !c.startsWith('__'));
    const value = { app: 'cmux', version: '0.64.20', protocol: 2, access_mode: accessMode(ctx), windows_own_workspaces: true, commands };
    if (ctx.args.json) printJson(ctx, value);
    else ctx.print(commands.join('\n'));
  },

  'list-windows'(ctx) {
    // Pretty-printed array with exactly the contract's keys (UUIDs whatever --id-format says).
    const rows = ctx.model.windows.map((w) => ({
      id: w.uuid, index: w.index, key: w.key, selected_workspace_id: selectedWorkspace(w)?.uuid ?? null, workspace_count: w.workspaces.length,
    }));
    if (ctx.args.json) ctx.print(JSON.stringify(rows, null, 2));
    else for (const w of ctx.model.windows) ctx.print(`${w.key ? '*' : ' '} ${w.ref} ${w.uuid} workspaces=${w.workspaces.length}`);
  },

  'current-window'(ctx) {
    if (!ctx.model.focusedWindow) throw new SocketError('No active window');
    ctx.print(ctx.model.focusedWindow.uuid);
  },

  'new-window'(ctx) {
    const ids = createWorkspace(ctx, { window: null, focus: true });
    ctx.print(`OK ${ids.window}`);
  },

  'new-workspace'(ctx) {
    if (ctx.env.CMUX_QUIET !== '1' && ctx.tmux.globalOption('@cmux_notice_new_workspace') !== '1') {
      ctx.tmux.setGlobalOption('@cmux_notice_new_workspace', '1');
      ctx.warn("Note: 'cmux new-workspace' is a legacy verb; prefer 'cmux workspace create'. Set CMUX_QUIET=1 to hide this.");
    }
    const ids = createWorkspace(ctx, { window: targetWindow(ctx), ...creationOptions(ctx) });
    const workspace = reload(ctx).workspaces.find((ws) => ws.uuid === ids.workspace);
    ctx.print(`OK ${workspace.ref}`);
  },

  workspace(ctx) {
    // Only `create` exists (the parser rejects other subcommands).
    const ids = createWorkspace(ctx, { window: targetWindow(ctx), ...creationOptions(ctx) });
    const workspace = reload(ctx).workspaces.find((ws) => ws.uuid === ids.workspace);
    if (!ctx.args.json) return ctx.print(`OK ${workspace.ref}`);
    printJson(ctx, { ...describeLocation(workspace, workspace.surfaces[0]), title: workspace.title });
  },

  'list-workspaces'(ctx) {
    const window = targetWindow(ctx);
    if (!ctx.args.json) {
      for (const ws of window.workspaces) ctx.print(`${ws.selected ? '*' : ' '} ${ws.ref}  ${ws.title}${ws.selected ? '  [selected]' : ''}`);
      return;
    }
    printJson(ctx, { window_id: window.uuid, window_ref: window.ref, workspaces: window.workspaces.map(workspaceJson) });
  },

  tree(ctx) {
    const windows = ctx.args.flags['--all'] ? ctx.model.windows : [targetWindow(ctx)];
    const value = windows.map((w) => ({
      ...windowJson(w),
      workspaces: w.workspaces.map((ws) => ({
        ...workspaceJson(ws),
        panes: ws.surfaces.map((s) => ({ id: s.paneUuid, ref: s.paneRef, index: s.index, focused: s.focused, surfaces: [surfaceJson(s)] })),
      })),
    }));
    if (ctx.args.json) return printJson(ctx, { windows: value });
    for (const w of windows) {
      ctx.print(`window ${w.ref}${w.key ? ' [key]' : ''}`);
      for (const ws of w.workspaces) {
        ctx.print(`├── workspace ${ws.ref} "${ws.title}"${ws.selected ? ' [selected]' : ''}`);
        for (const s of ws.surfaces) ctx.print(`│   └── surface ${s.ref} [terminal] "${s.title}"${s.focused ? ' [focused]' : ''}`);
      }
    }
  },

  send(ctx) {
    const { workspace, surface } = inputTarget(ctx);
    const text = ctx.args.positionals.join(' ');
    if (!shouldDropSend(ctx, workspace)) sendTextToPane(ctx.tmux, surface.tmux, text);
    ctx.print(`OK ${surface.ref} ${workspace.ref}`);
  },

  'send-key'(ctx) {
    const { workspace, surface } = inputTarget(ctx);
    sendKeyToPane(ctx.tmux, surface.tmux, ctx.args.positionals[0]);
    ctx.print(`OK ${surface.ref} ${workspace.ref}`);
  },

  'read-screen'(ctx) {
    const workspace = targetWorkspace(ctx);
    const surface = targetSurface(ctx, workspace);
    const text = readScreen(ctx, surface);
    if (!ctx.args.json) return ctx.print(text);
    printJson(ctx, {
      text, base64: Buffer.from(text).toString('base64'), lines: text === '' ? 0 : text.split('\n').length,
      ...describeLocation(workspace, surface),
    });
  },

  'focus-window'(ctx) {
    const window = targetWindow(ctx);
    focusWindow(ctx.tmux, window.uuid);
    ctx.print(`OK ${window.ref}`);
  },

  'select-workspace'(ctx) {
    const workspace = targetWorkspace(ctx);
    ctx.tmux.run(['select-window', '-t', workspace.tmux]);
    ctx.print(`OK ${workspace.ref}`);
  },

  'rename-workspace'(ctx) {
    const workspace = targetWorkspace(ctx);
    ctx.tmux.run(['rename-window', '-t', workspace.tmux, '--', ctx.args.positionals.join(' ')]);
    ctx.print(`OK ${workspace.ref}`);
  },

  'close-workspace'(ctx) {
    const workspace = targetWorkspace(ctx);
    const last = workspace.window.workspaces.length === 1;
    // Emulates builds where closing a window's last workspace answered OK and did nothing.
    if (!(last && ctx.env.CMUX_EMULATOR_CLOSE_LAST_WORKSPACE === 'noop')) ctx.tmux.run(['kill-window', '-t', workspace.tmux]);
    ctx.print(`OK ${workspace.ref}`);
  },

  'close-window'(ctx) {
    const window = targetWindow(ctx);
    ctx.tmux.run(['kill-session', '-t', window.tmux]);
    ctx.print(`OK ${window.ref}`);
  },

  'set-status'(ctx) {
    const { flags, positionals: [key, value] } = ctx.args;
    if (flags['--color'] !== undefined && !/^#[0-9a-fA-F]{3,8}$/.test(flags['--color'])) throw new CliError(`Invalid --color '${flags['--color']}' (expected #hex)`);
    if (flags['--priority'] !== undefined && !/^-?\d+$/.test(flags['--priority'])) throw new CliError(`Invalid --priority '${flags['--priority']}' (expected an integer)`);
    updateJsonOption(ctx, targetWorkspace(ctx), '@cmux_status', {}, (status) => ({
      ...status,
      [key]: { value, icon: flags['--icon'] ?? null, color: flags['--color'] ?? null, priority: Number(flags['--priority'] ?? 0) },
    }));
    ctx.print('OK');
  },

  'clear-status'(ctx) {
    const [key] = ctx.args.positionals;
    updateJsonOption(ctx, targetWorkspace(ctx), '@cmux_status', {}, ({ [key]: _removed, ...rest }) => rest);
    ctx.print('OK');
  },

  'set-progress'(ctx) {
    const raw = ctx.args.positionals[0];
    const value = Number(raw);
    if (!/^\d*\.?\d+$/.test(raw) || value < 0 || value > 1) throw new CliError(`Invalid progress '${raw}' (expected 0.0 to 1.0)`);
    ctx.tmux.setWindowOption(targetWorkspace(ctx).tmux, '@cmux_progress', JSON.stringify({ value, label: ctx.args.flags['--label'] ?? null }));
    ctx.print('OK');
  },

  log(ctx) {
    const level = ctx.args.flags['--level'] ?? 'info';
    if (!['info', 'progress', 'success', 'warning', 'error'].includes(level)) throw new CliError(`Invalid --level '${level}' (expected info, progress, success, warning or error)`);
    const entry = { level, source: ctx.args.flags['--source'] ?? null, message: ctx.args.positionals.join(' ') };
    updateJsonOption(ctx, targetWorkspace(ctx), '@cmux_log', [], (log) => [...log, entry].slice(-100));
    ctx.print('OK');
  },

  notify(ctx) {
    const { flags } = ctx.args;
    if (!flags['--title']) throw new CliError('notify requires --title');
    const workspace = targetWorkspace(ctx);
    const surface = targetSurface(ctx, workspace);
    const record = {
      id: randomUUID(), title: flags['--title'], subtitle: flags['--subtitle'] ?? '', body: flags['--body'] ?? '',
      workspace_id: workspace.uuid, surface_id: surface?.uuid ?? null, created_at: new Date().toISOString(),
    };
    const all = readJsonOption(() => ctx.tmux.globalOption('@cmux_notifications'), []);
    ctx.tmux.setGlobalOption('@cmux_notifications', JSON.stringify([...all, record]));
    if (ctx.args.json) printJson(ctx, record);
    else ctx.print('OK');
  },

  // ── emulator-only verbs (documented in README.md; the real CLI has none of them) ──
  '__debug-sidebar'(ctx) {
    const workspace = targetWorkspace(ctx);
    const read = (name, fallback) => readJsonOption(() => ctx.tmux.windowOption(workspace.tmux, name), fallback);
    ctx.print(JSON.stringify({ workspace_id: workspace.uuid, status: read('@cmux_status', {}), progress: read('@cmux_progress', null), log: read('@cmux_log', []) }, null, 2));
  },

  '__debug-notifications'(ctx) {
    ctx.print(JSON.stringify(readJsonOption(() => ctx.tmux.globalOption('@cmux_notifications'), []), null, 2));
  },
};

function updateJsonOption(ctx, workspace, name, fallback, update) {
  const current = readJsonOption(() => ctx.tmux.windowOption(workspace.tmux, name), fallback);
  ctx.tmux.setWindowOption(workspace.tmux, name, JSON.stringify(update(current)));
}

function readScreen(ctx, surface) {
  const { flags } = ctx.args;
  const lines = flags['--lines'];
  if (lines !== undefined && !/^[1-9]\d*$/.test(lines)) throw new CliError(`Invalid --lines '${lines}' (expected a positive integer)`);
  // --lines reaches into scrollback, like --scrollback.
  const withHistory = flags['--scrollback'] || lines !== undefined;
  const raw = ctx.tmux.run(['capture-pane', '-p', '-J', '-t', surface.tmux, ...(withHistory ? ['-S', '-'] : [])]);
  const all = raw.split('\n').map((line) => line.trimEnd());
  while (all.length && all[all.length - 1] === '') all.pop();
  return (lines ? all.slice(-Number(lines)) : all).join('\n');
}

/**
 * CMUX_EMULATOR_DROP_BACKGROUND_SENDS=first|always: text sent to a workspace that is not the selected workspace
 * of the key window is dropped (first: only the first such send per workspace), as on some real builds.
 */
function shouldDropSend(ctx, workspace) {
  const mode = ctx.env.CMUX_EMULATOR_DROP_BACKGROUND_SENDS;
  if (mode !== 'first' && mode !== 'always') return false;
  if (workspace.window.key && workspace.selected) return false;
  if (mode === 'always') return true;
  if (ctx.tmux.windowOption(workspace.tmux, '@cmux_emu_dropped') === '1') return false;
  ctx.tmux.setWindowOption(workspace.tmux, '@cmux_emu_dropped', '1');
  return true;
}

/** cmuxOnly (the real default) admits only callers started inside cmux; the emulator checks $CMUX_SURFACE_ID. */
export function accessMode(ctx) {
  return ctx.env.CMUX_EMULATOR_SOCKET_MODE || ctx.model.globals['@cmux_socket_mode'] || 'automation';
}

export function checkAccess(ctx) {
  if (accessMode(ctx) !== 'cmuxOnly') return;
  if (!callerSurface(ctx)) throw new SocketError('Access denied - only processes started inside cmux can connect');
}
