// Argument parsing for the cmux emulator: global options, the command table, per-command flags.
// Mirrors the facts in shared/contracts/cmux-cli.md: unknown command → exit 2, unknown flag or bad value → exit 1.

export class CliError extends Error {
  /** @param {string} message printed as `Error: <message>` @param {number} exitCode */
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** A reply the "app" sends back over the socket; printed verbatim as `ERROR: <message>`, exit 1. */
export class SocketError extends Error {}

const VALUE = 'value';
const BOOL = 'bool';
const MULTI = 'multi';

const CREATE_FLAGS = { '--window': VALUE, '--cwd': VALUE, '--name': VALUE, '--focus': VALUE, '--command': VALUE, '--env': MULTI };
const WS = { '--workspace': VALUE };
const WS_SURFACE = { '--workspace': VALUE, '--surface': VALUE };

/**
 * name → { flags, positionals: [min, max] }. Only what the contract documents (plus emulator-only `__` verbs).
 * `workspace` is a group whose subcommands are listed in `sub`.
 */
export const COMMANDS = {
  help: {},
  ping: {},
  identify: {},
  capabilities: {},
  'list-windows': {},
  'current-window': {},
  'new-window': {},
  'new-workspace': { flags: CREATE_FLAGS, legacy: true },
  workspace: { sub: { create: { flags: CREATE_FLAGS } } },
  'list-workspaces': { flags: { '--window': VALUE } },
  tree: { flags: { '--all': BOOL, '--window': VALUE } },
  send: { flags: WS_SURFACE, positionals: [1, Infinity] },
  'send-key': { flags: WS_SURFACE, positionals: [1, 1] },
  'read-screen': { flags: { ...WS_SURFACE, '--scrollback': BOOL, '--lines': VALUE } },
  'focus-window': { flags: { '--window': VALUE } },
  'select-workspace': { flags: WS },
  'rename-workspace': { flags: WS, positionals: [1, Infinity] },
  'close-workspace': { flags: WS },
  'close-window': { flags: { '--window': VALUE } },
  'set-status': { flags: { ...WS, '--icon': VALUE, '--color': VALUE, '--priority': VALUE }, positionals: [2, 2] },
  'clear-status': { flags: WS, positionals: [1, 1] },
  'set-progress': { flags: { ...WS, '--label': VALUE }, positionals: [1, 1] },
  log: { flags: { ...WS, '--level': VALUE, '--source': VALUE }, positionals: [1, Infinity] },
  notify: { flags: { ...WS_SURFACE, '--title': VALUE, '--subtitle': VALUE, '--body': VALUE } },
  // Emulator-only verbs (not in the real CLI): boot the "app", read back sidebar metadata and notifications.
  __boot: { flags: { '--cwd': VALUE } },
  '__debug-sidebar': { flags: WS },
  '__debug-notifications': {},
};

const GLOBAL_VALUE = new Set(['--socket', '--password', '--window', '--id-format']);
const ID_FORMATS = new Set(['refs', 'uuids', 'both']);

/**
 * @param {string[]} argv process.argv.slice(2)
 * @returns {{ version?: boolean, command?: string, sub?: string, json: boolean, idFormat: string,
 *   socket?: string, password?: string, window?: string, flags: Record<string, any>, positionals: string[] }}
 */
export function parseArgv(argv) {
  const parsed = { json: false, idFormat: 'refs', flags: {}, positionals: [] };
  let i = 0;
  // Global options before the command.
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--version' || arg === '-v') return { ...parsed, version: true };
    if (arg === '--help' || arg === '-h') return { ...parsed, command: 'help' };
    if (arg === '--json') { parsed.json = true; continue; }
    const [name, inline] = splitInline(arg);
    if (GLOBAL_VALUE.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new CliError(`${name} requires a value`);
      setGlobal(parsed, name, value);
      continue;
    }
    if (arg.startsWith('-')) throw new CliError(`Unknown global option '${arg}'`);
    break;
  }
  const command = argv[i++];
  if (command === undefined) throw new CliError("Missing command. Run 'cmux help' to see available commands.", 2);
  let spec = COMMANDS[command];
  if (!spec || !Object.hasOwn(COMMANDS, command)) {
    throw new CliError(`Unknown command '${command}'. Run 'cmux help' to see available commands.`, 2);
  }
  parsed.command = command;
  if (spec.sub) {
    const sub = argv[i++];
    if (sub === undefined || !Object.hasOwn(spec.sub, sub)) {
      throw new CliError(`Unknown ${command} subcommand '${sub ?? ''}'. Available: ${Object.keys(spec.sub).join(', ')}`, 2);
    }
    parsed.sub = sub;
    spec = spec.sub[sub];
  }
  parseCommandArgs(argv.slice(i), spec, parsed);
  return parsed;
}

function parseCommandArgs(args, spec, parsed) {
  const flags = spec.flags ?? {};
  const label = parsed.sub ? `${parsed.command} ${parsed.sub}` : parsed.command;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') { parsed.positionals.push(...args.slice(i + 1)); break; }
    if (arg === '--json') { parsed.json = true; continue; }
    if (!arg.startsWith('-') || /^-\d/.test(arg)) { parsed.positionals.push(arg); continue; }
    const [name, inline] = splitInline(arg);
    if (name === '--id-format') {
      setGlobal(parsed, name, inline ?? args[++i]);
      continue;
    }
    const kind = Object.hasOwn(flags, name) ? flags[name] : undefined;
    if (!kind) throw new CliError(`Unknown flag '${name}' for '${label}'. Run 'cmux help ${parsed.command}' for usage.`);
    if (kind === BOOL) { parsed.flags[name] = true; continue; }
    const value = inline ?? args[++i];
    if (value === undefined) throw new CliError(`${name} requires a value`);
    if (kind === MULTI) (parsed.flags[name] ??= []).push(value);
    else parsed.flags[name] = value;
  }
  const [min, max] = spec.positionals ?? [0, 0];
  if (parsed.positionals.length < min) throw new CliError(`'${label}' needs ${min} argument(s). Run 'cmux help ${parsed.command}' for usage.`);
  if (parsed.positionals.length > max) throw new CliError(`Unexpected argument '${parsed.positionals[max]}' for '${label}'`);
}

function splitInline(arg) {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 2 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

function setGlobal(parsed, name, value) {
  if (value === undefined) throw new CliError(`${name} requires a value`);
  if (name === '--id-format') {
    if (!ID_FORMATS.has(value)) throw new CliError(`Invalid --id-format '${value}' (expected refs, uuids or both)`);
    parsed.idFormat = value;
  } else {
    parsed[name.slice(2)] = value;
  }
}

/** Parses `true|false` flag values; anything else is a bad value (exit 1). */
export function parseBool(name, value, fallback) {
  if (value === undefined) return fallback;
  if (value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no') return false;
  throw new CliError(`Invalid value for ${name}: '${value}' (expected true or false)`);
}

export const usage = `cmux (emulator) — commands:
  ping | identify | capabilities | list-windows | current-window | new-window
  new-workspace | workspace create | list-workspaces | tree | send | send-key | read-screen
  focus-window | select-workspace | rename-workspace | close-workspace | close-window
  set-status | clear-status | set-progress | log | notify
Global options: --socket PATH --password PW --window W --json --id-format refs|uuids|both`;
