// The emulated mux server is a real tmux server whose socket is the WezTerm socket path.
// WezTerm window = tmux session, tab = tmux window, pane = tmux pane; ids are tmux ids without the sigil.
// Workspace, tab title and window title are user options, percent-encoded so any text survives the
// line-based format output.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class RuntimeFailure extends Error {
  /** WARN lines the real CLI logs before the error (e.g. its attempt to auto-start a server). */
  constructor(message, warnings = []) {
    super(message);
    this.warnings = warnings;
  }
}

export const OPT_WORKSPACE = '@wezterm_workspace';
export const OPT_TAB_TITLE = '@wezterm_tab_title';
export const OPT_WINDOW_TITLE = '@wezterm_window_title';
export const DEFAULT_WORKSPACE = 'default';

export const encodeOption = (text) => encodeURIComponent(text);
const decodeOption = (text) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** Where the CLI looks for the mux: $WEZTERM_UNIX_SOCKET, else the default unix domain socket. */
export function socketPath(env) {
  if (env.WEZTERM_UNIX_SOCKET) return env.WEZTERM_UNIX_SOCKET;
  const runtime = env.XDG_RUNTIME_DIR || path.join(env.HOME || os.homedir(), '.local/share');
  return path.join(runtime, 'wezterm', 'sock');
}

export const connectMessage = (socket) => `failed to connect to Socket(${JSON.stringify(socket)}): connecting to ${socket}`;

/**
 * The shell snippet every spawned pane runs: give the program WEZTERM_PANE (the tmux pane id without
 * `%`), then exec it; without a program, the user's shell as a login shell.
 */
export function paneProgram(prog) {
  const script = 'export WEZTERM_PANE="${TMUX_PANE#%}"; if [ $# -eq 0 ]; then exec "${SHELL:-/bin/sh}" -l; fi; exec "$@"';
  return ['sh', '-c', script, 'sh', ...prog];
}

const PANE_FIELDS = [
  ['pane_id', (v) => Number(v.slice(1))],
  ['window_id', (v) => Number(v.slice(1))],
  ['session_id', (v) => Number(v.slice(1))],
  ['window_index', Number],
  ['pane_index', Number],
  ['pane_width', Number],
  ['pane_height', Number],
  ['pane_left', Number],
  ['pane_top', Number],
  ['cursor_x', Number],
  ['cursor_y', Number],
  ['cursor_flag', (v) => v === '1'],
  ['pane_active', (v) => v === '1'],
  ['window_active', (v) => v === '1'],
  ['window_zoomed_flag', (v) => v === '1'],
  ['pane_tty', String],
  ['pane_pid', Number],
  ['pane_current_command', String],
  ['pane_current_path', String],
  ['host', String],
  ['host_short', String],
  [OPT_WORKSPACE, (v) => (v ? decodeOption(v) : DEFAULT_WORKSPACE)],
  [OPT_TAB_TITLE, decodeOption],
  [OPT_WINDOW_TITLE, decodeOption],
  // Last: a title may contain anything but a newline.
  ['pane_title', String],
];
const SEP = '\u001f';
const PANE_FORMAT = PANE_FIELDS.map(([name]) => `#{${name}}`).join(SEP);

export class Mux {
  constructor(env, { autoStart }) {
    this.env = env;
    this.socket = socketPath(env);
    this.autoStart = autoStart;
  }

  /** Runs one tmux command line (several commands may be chained with ';'). Throws RuntimeFailure. */
  tmux(args, { input, emptyOn } = {}) {
    this.assertReachable();
    const env = { ...this.env };
    delete env.TMUX;
    const result = spawnSync('tmux', ['-S', this.socket, ...args], {
      env,
      input: input ?? '',
      encoding: 'utf8',
      timeout: 15_000,
    });
    if (result.error) throw new RuntimeFailure(`tmux: ${result.error.message}`);
    const stderr = String(result.stderr);
    if (result.status !== 0 && emptyOn?.test(stderr)) return '';
    if (result.status !== 0) throw this.failureFrom(stderr.trim());
    return String(result.stdout);
  }

  assertReachable() {
    let isSocket = false;
    try {
      isSocket = fs.statSync(this.socket).isSocket();
    } catch {
      isSocket = false;
    }
    if (!isSocket) throw this.unreachable();
  }

  /**
   * The real CLI would now run `wezterm-mux-server --daemonize` (unless --no-auto-start) and retry; the
   * emulator logs the same warnings but never starts anything, so the retry fails the same way.
   */
  unreachable() {
    if (!this.autoStart) return new RuntimeFailure(connectMessage(this.socket));
    return new RuntimeFailure(`(after spawning server) ${connectMessage(this.socket)}`, [
      `wezterm_client::client > While connecting to Socket(${JSON.stringify(this.socket)}): connecting to ${this.socket}.  Will try spawning the server.`,
      'wezterm_client::client > (emulator) not spawning wezterm-mux-server: nothing is started',
    ]);
  }

  /** tmux's complaint in WezTerm's words. */
  failureFrom(stderr) {
    if (/no server running|error connecting|server exited/.test(stderr)) return this.unreachable();
    return new RuntimeFailure(this.messageFor(stderr));
  }

  messageFor(stderr) {
    let m = /can't find pane:? %?(\d+)/.exec(stderr);
    if (m) return `no such pane ${m[1]}`;
    m = /(?:no such window|can't find window):? @?(\d+)/.exec(stderr);
    if (m) return `no such tab ${m[1]}`;
    m = /(?:no such session|can't find session):? \$?(\d+)/.exec(stderr);
    if (m) return `window ${m[1]} is invalid`;
    return stderr || 'the mux server failed';
  }

  /** Every pane of the server, ordered like WezTerm lists them: window, tab, pane. */
  panes() {
    // A server without sessions (every pane killed) is an empty mux, as in WezTerm.
    const out = this.tmux(['list-panes', '-a', '-F', PANE_FORMAT], { emptyOn: /no current target|no sessions/ });
    const panes = out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const values = line.split(SEP);
        const pane = {};
        PANE_FIELDS.forEach(([name, convert], i) => {
          const key = name.startsWith('@') ? name.slice(1) : name;
          pane[key] = convert(i === PANE_FIELDS.length - 1 ? values.slice(i).join(SEP) : values[i] ?? '');
        });
        return pane;
      });
    return panes.sort((a, b) => a.session_id - b.session_id || a.window_index - b.window_index || a.pane_index - b.pane_index);
  }

  pane(id, panes = this.panes()) {
    const pane = panes.find((p) => p.pane_id === id);
    if (!pane) throw new RuntimeFailure(`no such pane ${id}`);
    return pane;
  }
}

/** The pane a subcommand acts on: --pane-id, else $WEZTERM_PANE, else (headless) an error. */
export function resolvePaneId(flags, env) {
  if (flags['pane-id'] !== undefined) return flags['pane-id'];
  const fromEnv = env.WEZTERM_PANE;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!/^\d+$/.test(fromEnv)) throw new RuntimeFailure(`Failed to parse WEZTERM_PANE=${fromEnv} as a pane id`);
    return Number(fromEnv);
  }
  throw new RuntimeFailure(
    "--pane-id was not specified and $WEZTERM_PANE is not set in the environment, and I couldn't determine which pane was currently focused",
  );
}
