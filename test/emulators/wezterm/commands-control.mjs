// Subcommands that type into, focus or rename things: send-text, activate-pane, activate-tab,
// set-tab-title, set-window-title, rename-workspace, zoom-pane.

import { OPT_TAB_TITLE, OPT_WINDOW_TITLE, OPT_WORKSPACE, RuntimeFailure, encodeOption, resolvePaneId } from './mux.mjs';

/**
 * Paste: tmux `paste-buffer -p` brackets the text only when the program enabled bracketed paste and
 * otherwise turns LF into CR — WezTerm's paste rules. `--no-paste`: the bytes as they are (`send-keys -H`).
 */
export function sendText({ mux, flags, positionals, env, readStdin }) {
  const id = resolvePaneId(flags, env);
  const bytes = positionals.TEXT !== undefined ? Buffer.from(positionals.TEXT) : readStdin();
  mux.pane(id);
  if (bytes.length === 0) return;
  if (flags['no-paste']) {
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0'));
    mux.tmux(['send-keys', '-t', `%${id}`, '-H', ...hex]);
    return;
  }
  const buffer = `wezterm-paste-${process.pid}`;
  mux.tmux(['load-buffer', '-b', buffer, '-', ';', 'paste-buffer', '-d', '-p', '-b', buffer, '-t', `%${id}`], { input: bytes });
}

export function activatePane({ mux, flags, env }) {
  const id = resolvePaneId(flags, env);
  mux.tmux(['select-window', '-t', `%${id}`, ';', 'select-pane', '-t', `%${id}`]);
}

/** Tabs of the window that holds `pane`, in order, with the active one. */
function tabsOfWindow(panes, sessionId) {
  const tabs = [];
  for (const p of panes) {
    if (p.session_id !== sessionId || tabs.some((t) => t.id === p.window_id)) continue;
    tabs.push({ id: p.window_id, active: p.window_active });
  }
  return tabs;
}

export function activateTab({ mux, flags, env }) {
  const panes = mux.panes();
  if (flags['tab-id'] !== undefined) {
    if (!panes.some((p) => p.window_id === flags['tab-id'])) throw new RuntimeFailure(`no such tab ${flags['tab-id']}`);
    mux.tmux(['select-window', '-t', `@${flags['tab-id']}`]);
    return;
  }
  const pane = mux.pane(resolvePaneId(flags, env), panes);
  const tabs = tabsOfWindow(panes, pane.session_id);
  let index;
  if (flags['tab-index'] !== undefined) {
    const wanted = flags['tab-index'];
    index = wanted < 0 ? tabs.length + wanted : wanted;
    if (index < 0 || index >= tabs.length) throw new RuntimeFailure(`invalid tab index ${wanted}`);
  } else {
    const current = Math.max(0, tabs.findIndex((t) => t.active));
    const moved = current + flags['tab-relative'];
    index = flags['no-wrap'] ? Math.min(tabs.length - 1, Math.max(0, moved)) : ((moved % tabs.length) + tabs.length) % tabs.length;
  }
  mux.tmux(['select-window', '-t', `@${tabs[index].id}`]);
}

export function setTabTitle({ mux, flags, positionals, env }) {
  let tabId = flags['tab-id'];
  if (tabId === undefined) tabId = mux.pane(resolvePaneId(flags, env)).window_id;
  else if (!mux.panes().some((p) => p.window_id === tabId)) throw new RuntimeFailure(`no such tab ${tabId}`);
  mux.tmux(['set-option', '-w', '-t', `@${tabId}`, OPT_TAB_TITLE, encodeOption(positionals.TITLE)]);
}

export function setWindowTitle({ mux, flags, positionals, env }) {
  let windowId = flags['window-id'];
  if (windowId === undefined) windowId = mux.pane(resolvePaneId(flags, env)).session_id;
  else if (!mux.panes().some((p) => p.session_id === windowId)) throw new RuntimeFailure(`window ${windowId} is invalid`);
  mux.tmux(['set-option', '-t', `$${windowId}`, OPT_WINDOW_TITLE, encodeOption(positionals.TITLE)]);
}

export function renameWorkspace({ mux, flags, positionals, env }) {
  const panes = mux.panes();
  const old = flags.workspace ?? mux.pane(resolvePaneId(flags, env), panes).wezterm_workspace;
  const sessions = [...new Set(panes.filter((p) => p.wezterm_workspace === old).map((p) => p.session_id))];
  const commands = sessions.flatMap((s, i) => [...(i ? [';'] : []), 'set-option', '-t', `$${s}`, OPT_WORKSPACE, encodeOption(positionals.NEW_WORKSPACE)]);
  if (commands.length) mux.tmux(commands);
}

/** WezTerm zooms the given pane; tmux `resize-pane -Z` toggles the zoom of a pane's window. */
export function zoomPane({ mux, flags, env }) {
  const pane = mux.pane(resolvePaneId(flags, env));
  const zoomedHere = pane.window_zoomed_flag && pane.pane_active;
  const wantZoom = flags.unzoom ? false : flags.toggle ? !zoomedHere : true;
  if (wantZoom === zoomedHere) return;
  const target = `%${pane.pane_id}`;
  if (wantZoom && pane.window_zoomed_flag) mux.tmux(['resize-pane', '-Z', '-t', target]);
  if (wantZoom) mux.tmux(['select-pane', '-t', target, ';', 'resize-pane', '-Z', '-t', target]);
  else mux.tmux(['resize-pane', '-Z', '-t', target]);
}
