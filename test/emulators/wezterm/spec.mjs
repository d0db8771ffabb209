// The command-line surface of `wezterm cli`, exactly as ../../../../shared/contracts/wezterm-cli.md lists it.
// Anything not here (send-key, --no-newline, ...) is rejected by the parser with exit 2.

const paneId = { long: 'pane-id', value: 'PANE_ID', type: 'u64', help: 'Specify the target pane' };
const format = { long: 'format', value: 'FORMAT', choices: ['table', 'json'], default: 'table', help: 'Controls the output format' };
const prog = { name: 'PROG', multiple: true };
const usage = (sub, tail = '') => `wezterm cli ${sub} [OPTIONS]${tail}`;

export const CLI_USAGE = 'wezterm cli [OPTIONS] <COMMAND>';

/** Options accepted between `cli` and the subcommand. */
export const CLI_OPTIONS = {
  usage: CLI_USAGE,
  options: [
    { long: 'no-auto-start', help: "Don't automatically start the server" },
    { long: 'prefer-mux', help: 'Prefer connecting to a background mux server' },
    { long: 'class', value: 'CLASS', help: 'When connecting to a gui instance, use this class' },
  ],
  positionals: [],
};

export const SUBCOMMANDS = {
  list: { usage: usage('list'), options: [format], positionals: [], help: 'list windows, tabs and panes' },
  'list-clients': { usage: usage('list-clients'), options: [format], positionals: [], help: 'list clients' },
  spawn: {
    usage: usage('spawn', ' [PROG]...'),
    help: 'Spawn a command into a new window or tab',
    options: [
      paneId,
      { long: 'domain-name', value: 'DOMAIN_NAME' },
      { long: 'window-id', value: 'WINDOW_ID', type: 'u64', conflicts: ['new-window', 'workspace'] },
      { long: 'new-window' },
      { long: 'cwd', value: 'CWD' },
      { long: 'workspace', value: 'WORKSPACE', requires: ['new-window'] },
    ],
    positionals: [prog],
  },
  'split-pane': {
    usage: usage('split-pane', ' [PROG]...'),
    help: 'split the current pane',
    options: [
      paneId,
      { long: 'horizontal', conflicts: ['left', 'right', 'top', 'bottom'] },
      { long: 'left', conflicts: ['right', 'top', 'bottom'] },
      { long: 'right', conflicts: ['left', 'top', 'bottom'] },
      { long: 'top', conflicts: ['left', 'right', 'bottom'] },
      { long: 'bottom', conflicts: ['left', 'right', 'top'] },
      { long: 'top-level' },
      { long: 'cells', value: 'CELLS', type: 'u64', conflicts: ['percent'] },
      { long: 'percent', value: 'PERCENT', type: 'u64' },
      { long: 'cwd', value: 'CWD' },
      { long: 'move-pane-id', value: 'MOVE_PANE_ID', type: 'u64', conflicts: ['cwd'] },
    ],
    positionals: [prog],
  },
  'send-text': {
    usage: usage('send-text', ' [TEXT]'),
    help: 'Send text to a pane as though it were pasted',
    options: [paneId, { long: 'no-paste' }],
    positionals: [{ name: 'TEXT' }],
  },
  'get-text': {
    usage: usage('get-text'),
    help: 'Retrieves the textual content of a pane and output it to stdout',
    options: [
      paneId,
      { long: 'start-line', value: 'START_LINE', type: 'i64' },
      { long: 'end-line', value: 'END_LINE', type: 'i64' },
      { long: 'escapes' },
    ],
    positionals: [],
  },
  'kill-pane': { usage: usage('kill-pane'), help: 'Kill a pane', options: [paneId], positionals: [] },
  'activate-pane': { usage: usage('activate-pane'), help: 'Activate (focus) a pane', options: [paneId], positionals: [] },
  'activate-tab': {
    usage: usage('activate-tab'),
    help: 'Activate a tab',
    options: [
      { long: 'tab-id', value: 'TAB_ID', type: 'u64' },
      { long: 'tab-index', value: 'TAB_INDEX', type: 'i64' },
      { long: 'tab-relative', value: 'TAB_RELATIVE', type: 'i64' },
      { long: 'no-wrap', requires: ['tab-relative'] },
      paneId,
    ],
    groups: [{ names: ['tab-id', 'tab-index', 'tab-relative'], required: true }],
    positionals: [],
  },
  'set-tab-title': {
    usage: usage('set-tab-title', ' <TITLE>'),
    help: 'Change the title of a tab',
    options: [{ long: 'tab-id', value: 'TAB_ID', type: 'u64' }, paneId],
    positionals: [{ name: 'TITLE', required: true }],
  },
  'set-window-title': {
    usage: usage('set-window-title', ' <TITLE>'),
    help: 'Change the title of a window',
    options: [{ long: 'window-id', value: 'WINDOW_ID', type: 'u64' }, paneId],
    positionals: [{ name: 'TITLE', required: true }],
  },
  'rename-workspace': {
    usage: usage('rename-workspace', ' <NEW_WORKSPACE>'),
    help: 'Rename a workspace',
    options: [{ long: 'workspace', value: 'WORKSPACE' }, paneId],
    positionals: [{ name: 'NEW_WORKSPACE', required: true }],
  },
  'zoom-pane': {
    usage: usage('zoom-pane'),
    help: 'Zoom, unzoom, or toggle zoom state',
    options: [
      paneId,
      { long: 'zoom', conflicts: ['unzoom', 'toggle'] },
      { long: 'unzoom', conflicts: ['zoom', 'toggle'] },
      { long: 'toggle', conflicts: ['zoom', 'unzoom'] },
    ],
    positionals: [],
  },
  'move-pane-to-new-tab': {
    usage: usage('move-pane-to-new-tab'),
    help: 'Move a pane into a new tab',
    options: [
      paneId,
      { long: 'window-id', value: 'WINDOW_ID', type: 'u64', conflicts: ['new-window'] },
      { long: 'new-window' },
      { long: 'workspace', value: 'WORKSPACE' },
    ],
    positionals: [],
  },
};

/** Help text for `wezterm cli [sub] --help` (stdout, exit 0). */
export function helpText(sub) {
  if (!sub) {
    const lines = Object.entries(SUBCOMMANDS).map(([name, s]) => `  ${name.padEnd(22)}${s.help}`);
    return `Interact with experimental mux server\n\nUsage: ${CLI_USAGE}\n\nCommands:\n${lines.join('\n')}\n`;
  }
  const spec = SUBCOMMANDS[sub];
  const opts = spec.options.map((o) => `      ${(o.value ? `--${o.long} <${o.value}>` : `--${o.long}`).padEnd(30)}${o.help ?? ''}`);
  return `${spec.help}\n\nUsage: ${spec.usage}\n\nOptions:\n${opts.join('\n')}\n  -h, --help                      Print help\n`;
}
