// The emulator's model of the cmux "app", kept entirely in a real tmux server:
//   cmux window → tmux session (@cmux_window_id), workspace → tmux window (@cmux_workspace_id),
//   surface → tmux pane (@cmux_surface_id, plus @cmux_pane_id for cmux's pane container).
// Refs (`window:N`, `workspace:N`, `surface:N`) are ordinals in creation order (tmux ids only grow),
// so they shift — are "recycled" — when earlier objects close, like the real refs.
import { spawnSync } from 'node:child_process';
import { CliError, SocketError } from './args.mjs';

export class Tmux {
  /** @param {string} socket */
  constructor(socket) {
    this.socket = socket;
  }

  /** Runs one tmux command line (argv; a lone ';' separates commands). Throws SocketError on failure. */
  run(args, { allowFailure = false, input } = {}) {
    const result = spawnSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8', input });
    if (result.error) throw new CliError(`cannot run tmux: ${result.error.message}`);
    if (result.status !== 0) {
      const message = (result.stderr || '').trim() || `tmux ${args[0]} failed`;
      // A dead app is an error even where a command may fail (listing panes of an app without windows).
      if (/no server running|error connecting/i.test(message)) {
        throw new CliError(`Socket not found at ${this.socket} (is cmux running?)`);
      }
      if (!allowFailure) throw new SocketError(message);
    }
    return result.stdout ?? '';
  }

  /** Value of a global user option, '' when unset. */
  globalOption(name) {
    return this.run(['show-options', '-gqv', name]).replace(/\n$/, '');
  }

  setGlobalOption(name, value) {
    this.run(['set-option', '-g', name, value]);
  }

  windowOption(tmuxWindow, name) {
    return this.run(['show-options', '-wqv', '-t', tmuxWindow, name]).replace(/\n$/, '');
  }

  setWindowOption(tmuxWindow, name, value) {
    this.run(['set-option', '-w', '-t', tmuxWindow, name, value]);
  }
}

const FIELDS = [
  'session_id', '@cmux_window_id', 'window_id', 'window_index', 'window_active', '@cmux_workspace_id',
  'pane_id', 'pane_index', 'pane_active', '@cmux_surface_id', '@cmux_pane_id', 'pane_pid',
  'pane_current_command', 'pane_current_path', 'pane_tty', 'window_name', 'pane_title',
];
const numeric = (tmuxId) => Number(tmuxId.slice(1));
const byTmuxId = (key) => (a, b) => numeric(a[key]) - numeric(b[key]);

/**
 * Reads the whole app state with one tmux call: global options (focused window, socket mode) and every pane.
 * Objects not yet tagged with a UUID (mid-creation) are skipped.
 */
export function loadState(tmux) {
  const out = tmux.run(['show-options', '-g', ';', 'list-panes', '-a', '-F', FIELDS.map((f) => `#{${f}}`).join('\t')], {
    allowFailure: true,
  });
  const globals = {};
  const rows = [];
  for (const line of out.split('\n')) {
    if (line.startsWith('$')) {
      const parts = line.split('\t');
      const row = Object.fromEntries(FIELDS.slice(0, -1).map((f, i) => [f, parts[i] ?? '']));
      row.pane_title = parts.slice(FIELDS.length - 1).join('\t');
      rows.push(row);
    } else if (line.startsWith('@cmux_')) {
      const space = line.indexOf(' ');
      globals[line.slice(0, space)] = unquote(line.slice(space + 1));
    }
  }
  return buildModel(rows, globals);
}

function unquote(value) {
  return value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

function buildModel(rows, globals) {
  const windows = new Map();
  const workspaces = new Map();
  const surfaces = [];
  for (const row of rows) {
    if (!row['@cmux_window_id'] || !row['@cmux_workspace_id'] || !row['@cmux_surface_id']) continue;
    if (!windows.has(row.session_id)) {
      windows.set(row.session_id, { uuid: row['@cmux_window_id'], tmux: row.session_id, workspaces: [] });
    }
    if (!workspaces.has(row.window_id)) {
      const workspace = {
        uuid: row['@cmux_workspace_id'], tmux: row.window_id, windowIndex: Number(row.window_index),
        title: row.window_name, selected: row.window_active === '1', window: windows.get(row.session_id), surfaces: [],
      };
      workspaces.set(row.window_id, workspace);
      workspace.window.workspaces.push(workspace);
    }
    const workspace = workspaces.get(row.window_id);
    const surface = {
      uuid: row['@cmux_surface_id'], paneUuid: row['@cmux_pane_id'], tmux: row.pane_id, paneIndex: Number(row.pane_index),
      focused: row.pane_active === '1', title: row.pane_title, cwd: row.pane_current_path, pid: Number(row.pane_pid),
      command: row.pane_current_command, tty: row.pane_tty, workspace,
    };
    workspace.surfaces.push(surface);
    surfaces.push(surface);
  }
  const windowList = [...windows.values()].sort(byTmuxId('tmux'));
  const workspaceList = [...workspaces.values()].sort(byTmuxId('tmux'));
  surfaces.sort(byTmuxId('tmux'));
  windowList.forEach((w, i) => {
    w.ref = `window:${i + 1}`;
    w.index = i;
    w.workspaces.sort((a, b) => a.windowIndex - b.windowIndex);
    w.workspaces.forEach((ws, j) => (ws.index = j));
  });
  workspaceList.forEach((ws, i) => {
    ws.ref = `workspace:${i + 1}`;
    ws.surfaces.sort((a, b) => a.paneIndex - b.paneIndex);
    ws.surfaces.forEach((s, j) => (s.index = j));
  });
  surfaces.forEach((s, i) => {
    s.ref = `surface:${i + 1}`;
    s.paneRef = `pane:${i + 1}`;
  });
  const focusedWindow = windowList.find((w) => w.uuid === globals['@cmux_focused_window']) ?? windowList[0];
  for (const w of windowList) w.key = w === focusedWindow;
  return { windows: windowList, workspaces: workspaceList, surfaces, focusedWindow, globals };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (handle) => UUID.test(handle);
export const isRef = (handle) => /^(window|workspace|surface|pane):\d+$/.test(handle);

/** Resolves a UUID, ref or index among `items` (index counts within `items`). */
function resolve(items, handle, kind) {
  const lower = handle.toLowerCase();
  const found = isUuid(handle)
    ? items.find((item) => item.uuid.toLowerCase() === lower)
    : /^\d+$/.test(handle)
      ? items[Number(handle)]
      : items.find((item) => item.ref === handle);
  if (!found) throw new SocketError(`${kind} not found: ${handle}`);
  return found;
}

export function resolveWindow(model, handle) {
  return resolve(model.windows, handle, 'Window');
}

/** Workspace by handle; an index counts within `window` (the caller's or focused window by default). */
export function resolveWorkspace(model, handle, window) {
  const scope = /^\d+$/.test(handle) ? window?.workspaces ?? [] : model.workspaces;
  return resolve(scope, handle, 'Workspace');
}

export function resolveSurface(model, handle, workspace) {
  const scope = /^\d+$/.test(handle) ? workspace?.surfaces ?? [] : model.surfaces;
  const surface = resolve(scope, handle, 'Surface');
  if (workspace && surface.workspace !== workspace) throw new SocketError(`Surface ${handle} is not in workspace ${workspace.ref}`);
  return surface;
}

export const selectedWorkspace = (window) => window?.workspaces.find((ws) => ws.selected) ?? window?.workspaces[0];
export const focusedSurface = (workspace) => workspace?.surfaces.find((s) => s.focused) ?? workspace?.surfaces[0];

/**
 * Drops the UUID or ref half of every `id`/`ref` and `x_id`/`x_ref` pair, recursively, per --id-format.
 * Keys without a counterpart stay.
 */
export function applyIdFormat(value, idFormat) {
  if (Array.isArray(value)) return value.map((item) => applyIdFormat(item, idFormat));
  if (!value || typeof value !== 'object') return value;
  const out = {};
  for (const [key, inner] of Object.entries(value)) {
    const counterpart = key.endsWith('id') ? key.replace(/id$/, 'ref') : key.endsWith('ref') ? key.replace(/ref$/, 'id') : null;
    const paired = counterpart !== null && Object.hasOwn(value, counterpart);
    if (paired && idFormat === 'refs' && key.endsWith('id')) continue;
    if (paired && idFormat === 'uuids' && key.endsWith('ref')) continue;
    out[key] = applyIdFormat(inner, idFormat);
  }
  return out;
}
