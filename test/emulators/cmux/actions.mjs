// tmux-level actions of the cmux emulator: creating windows/workspaces with their surfaces, typing, keys.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { CliError } from './args.mjs';

const WINDOW_SIZE = ['-x', '160', '-y', '48'];

/** Starts the tmux server behind the "app" with cmux-like defaults; no-op when it runs already. */
export function startApp(tmux, env) {
  tmux.run([
    'start-server', ';',
    'set-option', '-g', 'exit-empty', 'off', ';', // cmux keeps running with no windows open
    'set-option', '-g', 'default-size', '160x48', ';',
    'set-option', '-g', 'history-limit', '5000', ';',
    'set-option', '-wg', 'automatic-rename', 'off', ';', // workspace titles only change by rename-workspace
    'set-option', '-wg', 'allow-rename', 'off', ';',
    'set-option', '-g', '@cmux_shell', env.SHELL || '/bin/sh', ';',
    'set-option', '-g', '@cmux_socket_mode', env.CMUX_EMULATOR_SOCKET_MODE || 'automation',
  ]);
}

/**
 * The process a surface runs: the app's shell (not a login shell, so /etc/profile cannot reset PATH), with the
 * variables real cmux sets and tmux's own variables removed so the shell looks like a cmux terminal.
 */
function surfaceCommand(tmux, ids, extraEnv) {
  const shell = tmux.globalOption('@cmux_shell') || '/bin/sh';
  return [
    'env', '-u', 'TMUX', '-u', 'TMUX_PANE',
    `CMUX_WORKSPACE_ID=${ids.workspace}`, `CMUX_SURFACE_ID=${ids.surface}`, `CMUX_SOCKET_PATH=${tmux.socket}`,
    'TERM_PROGRAM=ghostty', 'TERM_PROGRAM_VERSION=1.2.0', ...extraEnv, shell,
  ];
}

/**
 * Creates a workspace with one surface: in `window` (a model window), or in a new window when `window` is null.
 * Returns the new UUIDs.
 */
export function createWorkspace(ctx, { window, cwd, title, env = [], command, focus }) {
  const { tmux } = ctx;
  const ids = { window: window?.uuid ?? randomUUID(), workspace: randomUUID(), surface: randomUUID(), pane: randomUUID() };
  const dir = cwd ?? ctx.env.HOME ?? os.homedir();
  const name = title ?? 'Terminal';
  const format = ['-P', '-F', '#{session_id} #{window_id} #{pane_id}'];
  const argv = window
    ? ['new-window', '-d', '-t', `${window.tmux}:`, '-c', dir, '-n', name, ...format]
    : ['new-session', '-d', '-s', `cmux-${ids.window.slice(0, 8)}`, ...WINDOW_SIZE, '-c', dir, '-n', name, ...format];
  const created = tmux.run([...argv, '--', ...surfaceCommand(tmux, ids, env)]).trim();
  const [session, tmuxWindow, pane] = created.split(' ');
  tmux.run([
    ...(window ? [] : ['set-option', '-t', session, '@cmux_window_id', ids.window, ';']),
    'set-option', '-w', '-t', tmuxWindow, '@cmux_workspace_id', ids.workspace, ';',
    'set-option', '-p', '-t', pane, '@cmux_surface_id', ids.surface, ';',
    'set-option', '-p', '-t', pane, '@cmux_pane_id', ids.pane,
  ]);
  if (focus) {
    tmux.run(['select-window', '-t', tmuxWindow]);
    focusWindow(tmux, ids.window);
  }
  if (command) sendTextToPane(tmux, pane, `${command}\\n`);
  return ids;
}

export function focusWindow(tmux, windowUuid) {
  tmux.setGlobalOption('@cmux_focused_window', windowUuid);
}

/**
 * Sends text: only the two-character sequences `\n`/`\r` become Return and `\t` Tab (as the real CLI does).
 * The rest goes in like Ghostty's text input, which takes the paste path: bracketed when the program asked
 * for bracketed paste, line feeds as carriage returns otherwise (tmux `paste-buffer -p` does exactly that).
 */
export function sendTextToPane(tmux, pane, text) {
  for (const part of text.split(/(\\[nrt])/)) {
    if (part === '') continue;
    if (part === '\\n' || part === '\\r') tmux.run(['send-keys', '-t', pane, 'Enter']);
    else if (part === '\\t') tmux.run(['send-keys', '-t', pane, 'Tab']);
    else {
      const buffer = `cmux-send-${randomUUID()}`;
      tmux.run(['load-buffer', '-b', buffer, '-', ';', 'paste-buffer', '-p', '-d', '-b', buffer, '-t', pane], { input: part });
    }
  }
}

const NAMED_KEYS = {
  enter: 'Enter', return: 'Enter', tab: 'Tab', escape: 'Escape', esc: 'Escape', backspace: 'BSpace', delete: 'DC',
  space: 'Space', up: 'Up', down: 'Down', left: 'Left', right: 'Right', home: 'Home', end: 'End',
  pageup: 'PPage', pagedown: 'NPage',
};
const MODIFIERS = { ctrl: 'C-', control: 'C-', alt: 'M-', opt: 'M-', option: 'M-', meta: 'M-' };

/** Maps cmux key names (`enter`, `ctrl-c`, `ctrl+c`, `shift+tab`, `alt+x`) to tmux key names. */
export function tmuxKeyFor(name) {
  const lower = name.toLowerCase();
  if (NAMED_KEYS[lower]) return NAMED_KEYS[lower];
  if (lower === 'shift+tab' || lower === 'shift-tab') return 'BTab';
  const chord = /^([a-z]+)[+-](.+)$/.exec(lower);
  if (chord && MODIFIERS[chord[1]]) {
    const key = NAMED_KEYS[chord[2]] ?? (chord[2].length === 1 ? chord[2] : undefined);
    if (key) return `${MODIFIERS[chord[1]]}${key}`;
  }
  throw new CliError(`Unknown key '${name}'`);
}

export function sendKeyToPane(tmux, pane, name) {
  tmux.run(['send-keys', '-t', pane, tmuxKeyFor(name)]);
}

export function readJsonOption(read, fallback) {
  const raw = read();
  if (!raw) return fallback;
  try {
    return JSON.parse(raw);
  } catch {
    return fallback;
  }
}
