/**
 * WezTerm backend: every operation is one `wezterm cli --no-auto-start <sub> --pane-id N ...` process
 * (facts in shared/contracts/wezterm-cli.md). Tabs are identified by their tab title (`set-tab-title`), the
 * scope is the workspace of `$WEZTERM_PANE`. WezTerm cannot insert a tab after the current one (spawn
 * appends) nor show a status in tab titles without Lua (lua/workmux.lua).
 *
 * Remote panes: `TabSpec.domain` is passed as `spawn --domain-name` (e.g. `SSHMUX:host`). The worktree path
 * must exist on that host, the readiness fifo lives on this machine (so the handshake only works for
 * domains that share the filesystem), and `list` reports the remote cwd as seen on the remote host.
 */
import fs from 'node:fs';
import { run } from '../src/core/exec.js';
import { CommandError, WorkmuxError } from '../src/core/errors.js';
import { createFifoHandshake } from './fifo-handshake.js';
import { runAfterExit } from './deferred.js';
import type {
  AgentStatus, Backend, BackendContext, BackendFactory, Handshake, Key, PaneId, PaneInfo, Scope, SplitSpec, Tab, TabSpec,
} from './types.js';

export const DEFAULT_CLI_TIMEOUT_MS = 10_000;
export const SWITCH_PANE_USER_VAR = 'workmux-switch-pane';

const CONFIG_HINT =
  "add to wezterm.lua: config.unix_domains = { { name = 'unix' } } and config.default_gui_startup_args = { 'connect', 'unix' }, " +
  'restart WezTerm, and run workmux from a WezTerm pane';

/** Control keys are raw bytes written with `send-text --no-paste` (there is no send-key). */
export const KEY_BYTES: Record<Key, string> = { enter: '\r', 'ctrl-c': '\x03', 'ctrl-d': '\x04', escape: '\x1b', tab: '\t' };

/** The fields workmux reads from one `wezterm cli list --format json` object (others are ignored). */
export interface WeztermPane {
  window_id: number;
  tab_id: number;
  pane_id: number;
  workspace: string;
  title: string;
  cwd: string;
  tab_title: string;
  is_active: boolean;
  tty_name: string | null;
}

/** Parses `list --format json`, tolerating unknown fields; throws when the shape is not a pane list. */
export function parseListJson(text: string): WeztermPane[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new WorkmuxError('wezterm cli list --format json did not print JSON', { detail: text.slice(0, 500) });
  }
  if (!Array.isArray(data)) throw new WorkmuxError('wezterm cli list --format json did not print an array', { detail: text.slice(0, 500) });
  return data.map((item: Record<string, unknown>) => {
    if (typeof item?.pane_id !== 'number' || typeof item.tab_id !== 'number' || typeof item.window_id !== 'number') {
      throw new WorkmuxError('wezterm cli list printed a pane without numeric ids', { detail: JSON.stringify(item).slice(0, 500) });
    }
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    return {
      window_id: item.window_id,
      tab_id: item.tab_id,
      pane_id: item.pane_id,
      workspace: text(item.workspace) || 'default',
      title: text(item.title),
      cwd: text(item.cwd),
      tab_title: text(item.tab_title),
      is_active: item.is_active === true,
      tty_name: typeof item.tty_name === 'string' ? item.tty_name : null,
    };
  });
}

/** `file://host/home/u/proj` → `/home/u/proj`; '' when unknown or not a file URL. */
export function cwdFromUrl(url: string): string {
  if (!url) return '';
  if (url.startsWith('/')) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'file:' ? decodeURIComponent(parsed.pathname) : '';
  } catch {
    return '';
  }
}

/**
 * The escape that asks lua/workmux.lua (a `user-var-changed` handler in the GUI) to switch to `workspace`
 * and activate the tab titled `tabTitle`: OSC 1337 SetUserVar with a base64 JSON value, ended by BEL.
 */
export function switchPaneEscape(target: { workspace: string; tabTitle: string }): string {
  const json = JSON.stringify({ workspace: target.workspace, tab_title: target.tabTitle });
  return `\x1b]1337;SetUserVar=${SWITCH_PANE_USER_VAR}=${Buffer.from(json, 'utf8').toString('base64')}\x07`;
}

/** The message inside `<time>  ERROR  wezterm > <message>; terminating`, else the last stderr line. */
export function cliErrorMessage(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  const line = [...lines].reverse().find((l) => /\bERROR\b/.test(l)) ?? lines.at(-1) ?? '';
  return /ERROR\s+wezterm\s*>\s*(.*?)(?:; terminating)?$/.exec(line)?.[1] ?? line;
}

/** Writes to the controlling terminal (where the GUI sees it), or stderr when there is none. */
function writeToControllingTerminal(sequence: string): void {
  try {
    const fd = fs.openSync('/dev/tty', 'w');
    try {
      fs.writeSync(fd, sequence);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    process.stderr.write(sequence);
  }
}

const withEnv = (command: string[], env: Record<string, string> | undefined): string[] => {
  const pairs = Object.entries(env ?? {}).map(([k, v]) => `${k}=${v}`);
  return pairs.length ? ['env', ...pairs, ...command] : command;
};

export interface WeztermDeps {
  /** Where the cross-workspace escape goes (default: /dev/tty, else stderr). */
  writeTerminal?: (sequence: string) => void;
  /** The process a deferred close waits for (default: this process). */
  callerPid?: number;
  /** How long a deferred close waits for that process at most (default DEFERRED_MAX_WAIT_MS). */
  deferredCloseMaxWaitMs?: number;
}


class WeztermBackend implements Backend {
  readonly kind = 'wezterm' as const;
  readonly capabilities = { insertAfter: false, statusInTabs: false, splits: true, pushOutput: false, heldPanes: false };
  private readonly binary: string;
  private readonly timeoutMs: number;

  constructor(private readonly ctx: BackendContext, private readonly deps: WeztermDeps) {
    const { binary, timeout_ms: timeout } = ctx.settings;
    this.binary = typeof binary === 'string' && binary ? binary : 'wezterm';
    this.timeoutMs = typeof timeout === 'number' && timeout > 0 ? timeout : DEFAULT_CLI_TIMEOUT_MS;
  }

  /** `wezterm cli --no-auto-start <args>` (never start a stray mux server); stdout, or an actionable error. */
  private async cli(args: string[], input?: string): Promise<string> {
    const argv = [this.binary, 'cli', '--no-auto-start', ...args];
    try {
      return (await run(argv, { env: this.ctx.env, extendEnv: false, timeout: this.timeoutMs, input })).stdout;
    } catch (error) {
      throw this.explain(error, args[0] ?? '');
    }
  }

  private socketName(stderr = ''): string {
    const fromError = /Socket\("((?:[^"\\]|\\.)*)"\)/.exec(stderr)?.[1];
    if (fromError) return fromError.replace(/\\(.)/g, '$1');
    return this.ctx.env.WEZTERM_UNIX_SOCKET || 'the default socket ($XDG_RUNTIME_DIR/wezterm/sock; WEZTERM_UNIX_SOCKET is not set)';
  }

  private explain(error: unknown, sub: string): unknown {
    if (!(error instanceof CommandError)) return error;
    if (error.timedOut) {
      return new WorkmuxError(`wezterm cli did not answer within ${this.timeoutMs} ms (the mux server may be hung)`, {
        hint: 'check `wezterm cli list`; if it hangs too, restart WezTerm (or wezterm-mux-server)',
        cause: error,
      });
    }
    if (/command not found/.test(error.message)) {
      return new WorkmuxError(`${this.binary} not found`, { hint: 'install WezTerm, or set wezterm.binary in the workmux config to its path', cause: error });
    }
    const message = cliErrorMessage(error.stderr);
    if (/failed to connect|connecting to|Connection refused/i.test(message)) {
      return new WorkmuxError(`cannot reach the WezTerm mux server at ${this.socketName(error.stderr)}`, { hint: CONFIG_HINT, cause: error });
    }
    const vanished = /no such pane (\d+)|pane (\d+) not found/.exec(message);
    if (vanished) {
      return new WorkmuxError(`WezTerm pane ${vanished[1] ?? vanished[2]} no longer exists`, {
        hint: 'its tab was closed; `workmux list` shows what is still open',
        cause: error,
      });
    }
    return new WorkmuxError(`wezterm cli ${sub} failed: ${message}`, { detail: error.detail, cause: error });
  }

  private async list(): Promise<WeztermPane[]> {
    return parseListJson(await this.cli(['list', '--format', 'json']));
  }

  /** The caller's workspace; outside WezTerm the configured `workspace` (default "default"). */
  private workspaceIn(panes: readonly WeztermPane[]): string {
    const caller = this.callerPane();
    const own = caller === undefined ? undefined : panes.find((p) => String(p.pane_id) === caller);
    if (own) return own.workspace;
    const configured = this.ctx.settings.workspace;
    return typeof configured === 'string' && configured ? configured : 'default';
  }

  callerPane(): PaneId | undefined {
    return this.ctx.env.WEZTERM_PANE || undefined;
  }

  async ensureAvailable(): Promise<void> {
    if (process.platform === 'win32') {
      throw new WorkmuxError('the WezTerm backend works on Unix only (Linux, macOS)', { hint: 'run workmux inside WSL, or use tmux' });
    }
    const panes = await this.list();
    const caller = this.callerPane();
    if (caller !== undefined && !panes.some((p) => String(p.pane_id) === caller)) {
      throw new WorkmuxError(`this pane ($WEZTERM_PANE=${caller}) is not known to the WezTerm mux server at ${this.socketName()}`, {
        hint: `the pane and the CLI talk to different mux servers; ${CONFIG_HINT}`,
      });
    }
  }

  async currentScope(): Promise<Scope> {
    const workspace = this.workspaceIn(await this.list());
    return { id: workspace, name: workspace };
  }

  async openTab(spec: TabSpec): Promise<Tab> {
    // Always --pane-id: a headless mux has no focused pane. Outside WezTerm, any pane of the workspace.
    const caller = this.callerPane();
    const anchor = caller ? { pane: caller, workspace: '' } : await this.anchorOutsideWezterm();
    const where = anchor.pane ? ['--pane-id', anchor.pane] : ['--new-window', '--workspace', anchor.workspace];
    const domain = spec.domain ? ['--domain-name', spec.domain] : [];
    const paneId = (await this.cli(['spawn', ...where, ...domain, '--cwd', spec.cwd, '--', ...withEnv(spec.command, spec.env)])).trim();
    try {
      await this.cli(['set-tab-title', '--pane-id', paneId, spec.name]);
      // spawn activates the new tab; a background tab gives the focus back to the caller.
      if (spec.background && anchor.pane) await this.cli(['activate-pane', '--pane-id', anchor.pane]);
      else if (!spec.background) await this.cli(['activate-pane', '--pane-id', paneId]);
      const created = (await this.list()).find((p) => String(p.pane_id) === paneId);
      if (!created) throw new WorkmuxError(`WezTerm pane ${paneId} no longer exists`);
      return { id: String(created.tab_id), name: spec.name, scope: { id: created.workspace, name: created.workspace }, paneId };
    } catch (error) {
      // Never leave a half-made tab behind (an untitled tab cannot be found again).
      await this.cli(['kill-pane', '--pane-id', paneId]).catch(() => undefined);
      if (error instanceof WorkmuxError && /no longer exists/.test(error.message)) {
        throw new WorkmuxError(`the new WezTerm tab (pane ${paneId}) exited right after it was spawned`, {
          hint: `check that \`${spec.command[0]}\` runs in ${spec.cwd}`,
          cause: error,
        });
      }
      throw error;
    }
  }

  private async anchorOutsideWezterm(): Promise<{ pane?: PaneId; workspace: string }> {
    const panes = await this.list();
    const workspace = this.workspaceIn(panes);
    const pane = panes.find((p) => p.workspace === workspace);
    return { pane: pane && String(pane.pane_id), workspace };
  }

  async splitPane(target: PaneId, spec: SplitSpec): Promise<PaneId> {
    const size = spec.size ? ('cells' in spec.size ? ['--cells', String(spec.size.cells)] : ['--percent', String(spec.size.percent)]) : [];
    const side = spec.direction === 'horizontal' ? '--right' : '--bottom';
    const args = ['split-pane', '--pane-id', target, side, ...size, '--cwd', spec.cwd, '--', ...withEnv(spec.command, spec.env)];
    return (await this.cli(args)).trim();
  }

  async listPanes(opts: { allScopes?: boolean } = {}): Promise<PaneInfo[]> {
    const panes = await this.list();
    const workspace = this.workspaceIn(panes);
    return panes
      .filter((p) => opts.allScopes || p.workspace === workspace)
      .map((p) => ({
        id: String(p.pane_id),
        tabId: String(p.tab_id),
        tabName: p.tab_title,
        scope: { id: p.workspace, name: p.workspace },
        title: p.title,
        cwd: cwdFromUrl(p.cwd),
        currentCommand: '',
        tty: p.tty_name ?? undefined,
        dead: false,
        active: p.is_active,
      }));
  }

  async sendText(pane: PaneId, text: string): Promise<void> {
    // No TEXT argument: send-text pastes all of stdin (no argv length limit, no option parsing of the text).
    await this.cli(['send-text', '--pane-id', pane], text);
  }

  async sendKey(pane: PaneId, key: Key): Promise<void> {
    await this.cli(['send-text', '--pane-id', pane, '--no-paste', '--', KEY_BYTES[key]]);
  }

  async capture(pane: PaneId, opts: { lines?: number } = {}): Promise<string> {
    const range = opts.lines ? ['--start-line', String(-opts.lines)] : [];
    return this.cli(['get-text', '--pane-id', pane, ...range]);
  }

  /** Panes of `tab`: by tab id while its title still matches, else by title in the tab's workspace. */
  private panesOfTab(panes: readonly WeztermPane[], tab: Tab): WeztermPane[] {
    const byId = panes.filter((p) => String(p.tab_id) === tab.id && p.tab_title === tab.name);
    if (byId.length) return byId;
    const first = panes.find((p) => p.tab_title === tab.name && p.workspace === tab.scope.name);
    return first ? panes.filter((p) => p.tab_id === first.tab_id) : [];
  }

  async focus(target: Tab | PaneId): Promise<void> {
    if (typeof target === 'string') {
      await this.cli(['activate-pane', '--pane-id', target]);
      return;
    }
    const panes = await this.list();
    const tabPanes = this.panesOfTab(panes, target);
    const first = tabPanes[0];
    if (!first) throw new WorkmuxError(`WezTerm tab ${JSON.stringify(target.name)} is not open`, { hint: 'reopen it with `workmux open`' });
    if (this.callerPane() !== undefined && first.workspace !== this.workspaceIn(panes)) {
      // The CLI cannot switch the GUI's workspace: ask the Lua handler in wezterm.lua to do it.
      (this.deps.writeTerminal ?? writeToControllingTerminal)(switchPaneEscape({ workspace: first.workspace, tabTitle: target.name }));
      return;
    }
    const active = tabPanes.find((p) => p.is_active) ?? first;
    await this.cli(['activate-tab', '--tab-id', String(active.tab_id), '--pane-id', String(active.pane_id)]);
  }

  async closeTab(tab: Tab): Promise<void> {
    const panes = this.panesOfTab(await this.list(), tab);
    for (const pane of panes.reverse()) {
      await this.cli(['kill-pane', '--pane-id', String(pane.pane_id)]).catch((error: unknown) => {
        // Closing one pane can end another (a shell waiting on it): already gone is fine.
        if (!(error instanceof WorkmuxError && /no longer exists/.test(error.message))) throw error;
      });
    }
  }

  /** Once the caller has exited (at most a few seconds), kill the tab's panes in reverse order. */
  async closeTabDeferred(tab: Tab): Promise<void> {
    const paneIds = this.panesOfTab(await this.list(), tab).map((p) => String(p.pane_id)).reverse();
    if (paneIds.length === 0) return;
    // Pane ids and the binary travel as positional parameters ($0, $@), never inside the script text.
    const killAll = ['sh', '-c', 'for pane in "$@"; do "$0" cli --no-auto-start kill-pane --pane-id "$pane"; done', this.binary, ...paneIds];
    runAfterExit(killAll, this.ctx.env, { pid: this.deps.callerPid, maxWaitMs: this.deps.deferredCloseMaxWaitMs });
  }

  /** WezTerm tab titles cannot show a status without Lua: the status lives in workmux's store. */
  async setStatus(_tab: Tab, _status: AgentStatus | null): Promise<void> {}

  handshake(): Promise<Handshake> {
    return createFifoHandshake(this.ctx.env);
  }
}

/** The factory with injectable side doors (terminal writer, caller pid) for tests. */
export function createWeztermBackend(ctx: BackendContext, deps: WeztermDeps = {}): Backend {
  return new WeztermBackend(ctx, deps);
}

export const createBackend: BackendFactory = (ctx) => createWeztermBackend(ctx);
