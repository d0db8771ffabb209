// Subcommands that create, move or destroy panes: spawn, split-pane, move-pane-to-new-tab, kill-pane.

import os from 'node:os';
import { UsageFailure } from './clap.mjs';
import { DEFAULT_WORKSPACE, OPT_WORKSPACE, RuntimeFailure, encodeOption, paneProgram, resolvePaneId } from './mux.mjs';

/** Domains the emulated mux knows; every one spawns locally. Extra names via WEZTERM_EMULATOR_DOMAINS. */
function checkDomain(name, env) {
  if (name === undefined) return;
  const known = ['local', 'unix', ...(env.WEZTERM_EMULATOR_DOMAINS ?? '').split(',').filter(Boolean)];
  if (!known.includes(name)) throw new RuntimeFailure(`domain name ${name} is invalid`);
}

/** `-e` so every pane knows the socket even when the server was started without it. */
const envArgs = (mux) => ['-e', `WEZTERM_UNIX_SOCKET=${mux.socket}`];

const uniqueSessionName = () => `wezterm-${process.pid}-${Date.now().toString(36)}`;

/**
 * A new WezTerm window (tmux session) in `workspace`. tmux sessions need a program, so `prog` runs in it;
 * the session is named uniquely so the workspace option is set in the same tmux call.
 */
function newWindow(mux, { workspace, cwd, prog, config }) {
  const name = uniqueSessionName();
  const cols = String(config.initial_cols ?? 80);
  const rows = String(config.initial_rows ?? 24);
  const out = mux.tmux([
    'new-session', '-d', '-s', name, '-x', cols, '-y', rows, '-c', cwd, ...envArgs(mux), '-P', '-F', '#{session_id} #{pane_id}',
    ...paneProgram(prog), ';',
    'set-option', '-t', name, OPT_WORKSPACE, encodeOption(workspace),
  ]);
  const [session, pane] = out.trim().split(' ');
  return { sessionId: Number(session.slice(1)), paneId: Number(pane.slice(1)) };
}

export function spawn({ mux, flags, positionals, env, config, out }) {
  checkDomain(flags['domain-name'], env);
  const prog = positionals.PROG ?? [];
  if (flags['new-window']) {
    const from = flags['pane-id'] ?? (env.WEZTERM_PANE ? Number(env.WEZTERM_PANE) : undefined);
    const cwd = flags.cwd ?? (from !== undefined ? mux.panes().find((p) => p.pane_id === from)?.pane_current_path : undefined);
    const created = newWindow(mux, { workspace: flags.workspace ?? DEFAULT_WORKSPACE, cwd: cwd ?? env.HOME ?? os.homedir(), prog, config });
    out(`${created.paneId}\n`);
    return;
  }
  const panes = mux.panes();
  let sessionId;
  let cwd = flags.cwd;
  if (flags['window-id'] !== undefined) {
    sessionId = flags['window-id'];
    if (!panes.some((p) => p.session_id === sessionId)) throw new RuntimeFailure(`window ${sessionId} is invalid`);
  } else {
    const id = resolvePaneId(flags, env);
    const pane = panes.find((p) => p.pane_id === id);
    if (!pane) throw new RuntimeFailure(`pane ${id} not found`);
    sessionId = pane.session_id;
    cwd ??= pane.pane_current_path;
  }
  // WezTerm appends the tab at the end of the window and makes it active.
  const paneId = mux.tmux([
    'new-window', '-a', '-t', `$${sessionId}:{end}`, '-c', cwd ?? env.HOME ?? os.homedir(), ...envArgs(mux),
    '-P', '-F', '#{pane_id}', ...paneProgram(prog),
  ]);
  out(`${paneId.trim().slice(1)}\n`);
}

function splitDirection(flags) {
  if (flags.horizontal || flags.right) return ['-h'];
  if (flags.left) return ['-h', '-b'];
  if (flags.top) return ['-v', '-b'];
  return ['-v'];
}

export function splitPane({ mux, flags, positionals, env, out }) {
  const prog = positionals.PROG ?? [];
  if (flags['move-pane-id'] !== undefined && prog.length > 0) {
    throw new UsageFailure("the argument '--move-pane-id <MOVE_PANE_ID>' cannot be used with '[PROG]...'", 'wezterm cli split-pane [OPTIONS] [PROG]...');
  }
  const id = resolvePaneId(flags, env);
  const target = mux.pane(id);
  const size = flags.cells !== undefined ? ['-l', String(flags.cells)] : ['-l', `${flags.percent ?? 50}%`];
  const placement = [...splitDirection(flags), ...(flags['top-level'] ? ['-f'] : []), ...size];
  if (flags['move-pane-id'] !== undefined) {
    const moving = mux.pane(flags['move-pane-id']);
    mux.tmux(['join-pane', ...placement, '-s', `%${moving.pane_id}`, '-t', `%${target.pane_id}`]);
    out(`${moving.pane_id}\n`);
    return;
  }
  const created = mux.tmux([
    'split-window', ...placement, '-t', `%${target.pane_id}`, '-c', flags.cwd ?? target.pane_current_path, ...envArgs(mux),
    '-P', '-F', '#{pane_id}', ...paneProgram(prog),
  ]);
  out(`${created.trim().slice(1)}\n`);
}

export function killPane({ mux, flags, env }) {
  const id = resolvePaneId(flags, env);
  mux.tmux(['kill-pane', '-t', `%${id}`]);
}

/**
 * Moves a pane into a new tab of its own window, of `--window-id`, or of a new window. A new tmux session
 * needs a first pane: a placeholder is created and swapped with the moving pane, then killed where the
 * moving pane used to be.
 */
export function movePaneToNewTab({ mux, flags, env, config }) {
  const id = resolvePaneId(flags, env);
  const pane = mux.pane(id);
  if (flags['new-window']) {
    const created = newWindow(mux, { workspace: flags.workspace ?? DEFAULT_WORKSPACE, cwd: pane.pane_current_path, prog: ['sleep', '2147483647'], config });
    mux.tmux(['swap-pane', '-d', '-s', `%${pane.pane_id}`, '-t', `%${created.paneId}`, ';', 'kill-pane', '-t', `%${created.paneId}`]);
    return;
  }
  const sessionId = flags['window-id'] ?? pane.session_id;
  if (!mux.panes().some((p) => p.session_id === sessionId)) throw new RuntimeFailure(`window ${sessionId} is invalid`);
  mux.tmux(['break-pane', '-a', '-s', `%${pane.pane_id}`, '-t', `$${sessionId}:{end}`]);
}
