// Starting and stopping the emulated mux server (what `wezterm-mux-server` would be). The CLI emulator
// never starts a server itself; tests do it through harness.ts, which calls these.

import { spawnSync } from 'node:child_process';
import { OPT_WORKSPACE, encodeOption, paneProgram } from './mux.mjs';

function tmux(socket, args, env) {
  const clean = { ...env };
  delete clean.TMUX;
  delete clean.TMUX_PANE;
  const result = spawnSync('tmux', ['-S', socket, ...args], { env: clean, encoding: 'utf8', timeout: 15_000 });
  if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr || result.error?.message}`);
  return result.stdout;
}

/**
 * Starts a private tmux server at `socket` with one WezTerm window in `workspace` running the login shell.
 * The server keeps running with no windows left (a mux server does), until stopServer.
 * Returns the first pane id as WezTerm spells it ("0", "1", ...).
 */
export function startServer({ socket, env, cwd, workspace = 'default', cols = 80, rows = 24 }) {
  const out = tmux(
    socket,
    [
      '-f', '/dev/null', 'new-session', '-d', '-s', 'wezterm-first', '-x', String(cols), '-y', String(rows), '-c', cwd,
      '-e', `WEZTERM_UNIX_SOCKET=${socket}`, '-P', '-F', '#{pane_id}', ...paneProgram([]), ';',
      'set-option', '-g', 'exit-empty', 'off', ';',
      'set-option', '-g', 'history-limit', '5000', ';',
      'set-option', '-t', 'wezterm-first', OPT_WORKSPACE, encodeOption(workspace),
    ],
    env,
  );
  return out.trim().slice(1);
}

export function stopServer({ socket, env }) {
  const clean = { ...env };
  delete clean.TMUX;
  spawnSync('tmux', ['-S', socket, 'kill-server'], { env: clean, timeout: 15_000 });
}
