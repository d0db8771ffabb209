// Read-only subcommands: list, list-clients, get-text.

import { pathToFileURL } from 'node:url';
import { resolvePaneId } from './mux.mjs';

/** `file://host/path` as WezTerm reports a local cwd ("" when unknown). */
const cwdUrl = (host, dir) => (dir ? `file://${host}${pathToFileURL(dir).pathname}` : '');

/** WezTerm falls back to the foreground process name while no program has set a title. */
const paneTitle = (p) => (p.pane_title === '' || p.pane_title === p.host || p.pane_title === p.host_short ? p.pane_current_command : p.pane_title);

/** One `list --format json` object, fields in WezTerm's order. */
export function listEntry(p) {
  return {
    window_id: p.session_id,
    tab_id: p.window_id,
    pane_id: p.pane_id,
    workspace: p.wezterm_workspace,
    size: { rows: p.pane_height, cols: p.pane_width, pixel_width: p.pane_width * 8, pixel_height: p.pane_height * 16, dpi: 96 },
    title: paneTitle(p),
    cwd: cwdUrl(p.host, p.pane_current_path),
    cursor_x: p.cursor_x,
    cursor_y: p.cursor_y,
    cursor_shape: 'Default',
    cursor_visibility: p.cursor_flag ? 'Visible' : 'Hidden',
    left_col: p.pane_left,
    top_row: p.pane_top,
    tab_title: p.wezterm_tab_title,
    window_title: p.wezterm_window_title,
    is_active: p.pane_active,
    is_zoomed: p.window_zoomed_flag && p.pane_active,
    tty_name: p.pane_tty || null,
  };
}

/** Columns padded to their widest cell; numbers right-aligned like WezTerm's tabulate. */
function table(header, rows, numeric) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => (numeric.includes(i) ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i])))
      .join(' ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function list({ mux, flags, out }) {
  const entries = mux.panes().map(listEntry);
  if (flags.format === 'json') {
    out(`${JSON.stringify(entries, null, 2)}\n`);
    return;
  }
  const rows = entries.map((e) => [e.window_id, e.tab_id, e.pane_id, e.workspace, `${e.size.cols}x${e.size.rows}`, e.title, e.cwd]);
  out(table(['WINID', 'TABID', 'PANEID', 'WORKSPACE', 'SIZE', 'TITLE', 'CWD'], rows, [0, 1, 2]));
}

const CLIENT_FORMAT = ['client_pid', 'client_created', 'client_activity', 'client_user', 'host', 'pane_id', '@wezterm_workspace'];

/** Attached tmux clients play WezTerm GUI clients; a headless server has none. */
export function listClients({ mux, flags, out }) {
  const raw = mux.tmux(['list-clients', '-F', CLIENT_FORMAT.map((f) => `#{${f}}`).join('\u001f')]);
  const now = Date.now() / 1000;
  const duration = (secs) => ({ secs: Math.max(0, Math.floor(secs)), nanos: 0 });
  const clients = raw
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pid, created, activity, user, host, pane, workspace] = line.split('\u001f');
      return {
        username: user ?? '',
        hostname: host ?? '',
        pid: Number(pid),
        connection_elapsed: duration(now - Number(created)),
        idle_time: duration(now - Number(activity)),
        workspace: workspace ? decodeURIComponent(workspace) : 'default',
        focused_pane_id: pane ? Number(pane.slice(1)) : null,
        ssh_auth_sock: null,
      };
    });
  if (flags.format === 'json') {
    out(`${JSON.stringify(clients, null, 2)}\n`);
    return;
  }
  const rows = clients.map((c) => [c.username, c.hostname, c.pid, `${c.connection_elapsed.secs}s`, `${c.idle_time.secs}s`, c.workspace, c.focused_pane_id ?? '']);
  out(table(['USER', 'HOST', 'PID', 'CONNECTED', 'IDLE', 'WORKSPACE', 'FOCUS'], rows, [2]));
}

/** Row 0 = top of the screen, negative = scrollback (clamped), end inclusive: tmux -S/-E agree exactly. */
export function getText({ mux, flags, env, out }) {
  const id = resolvePaneId(flags, env);
  const args = ['capture-pane', '-p', '-t', `%${id}`];
  if (flags['start-line'] !== undefined) args.push('-S', String(flags['start-line']));
  if (flags['end-line'] !== undefined) args.push('-E', String(flags['end-line']));
  if (flags.escapes) args.push('-e');
  out(mux.tmux(args));
}
