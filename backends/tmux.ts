import { nanoid } from 'nanoid';
import { isOnPath, run, type RunResult } from '../src/core/exec.js';
import { CommandError, WorkmuxError } from '../src/core/errors.js';
import { HandshakeTimeoutError } from './fifo-handshake.js';
import { openTmuxOutputStream } from './tmux-control.js';
import type {
  AgentStatus, Backend, BackendContext, BackendFactory, Handshake, Key, PaneId, PaneInfo, PaneOutputStream, Scope, SplitSpec, Tab, TabSpec,
} from './types.js';

const STATUS_OPTION = '@workmux_status';
/** Prepended to the user's window-status formats so the icon shows without touching the rest. */
const STATUS_FORMAT_PREFIX = `#{?${STATUS_OPTION},#{${STATUS_OPTION}} ,}`;
const KEY_NAMES: Record<Key, string> = { enter: 'Enter', 'ctrl-c': 'C-c', 'ctrl-d': 'C-d', escape: 'Escape', tab: 'Tab' };
const PANE_FORMAT = ['#{pane_id}', '#{window_id}', '#{window_name}', '#{session_id}', '#{session_name}', '#{pane_title}',
  '#{pane_current_path}', '#{pane_current_command}', '#{pane_pid}', '#{pane_tty}', '#{pane_dead}', '#{pane_active}'].join('\t');
const CREATED_FORMAT = '#{window_id}\t#{pane_id}\t#{session_id}\t#{session_name}';
const TIMEOUT_MS = 10_000;

/** tmux session names cannot contain `.` or `:`. */
export function sessionNameForProject(projectName: string): string {
  return projectName.replace(/[.:]/g, '_') || 'workmux';
}

export function parsePaneLine(line: string): PaneInfo | undefined {
  const f = line.split('\t');
  if (f.length < 12) return undefined;
  return {
    id: f[0]!, tabId: f[1]!, tabName: f[2]!, scope: { id: f[3]!, name: f[4]! }, title: f[5]!, cwd: f[6]!,
    currentCommand: f[7]!, pid: Number(f[8]) || undefined, tty: f[9] || undefined, dead: f[10] === '1', active: f[11] === '1',
  };
}

/**
 * tmux backend. Inside tmux ($TMUX set) it talks to the user's server and inserts tabs right after the
 * calling pane's window. Outside any multiplexer it runs workmux's own server on a private socket
 * (`-L workmux`), one session per project, so `workmux add` works on a machine with only tmux and git.
 */
class TmuxBackend implements Backend {
  readonly kind = 'tmux' as const;
  readonly capabilities = { insertAfter: true, statusInTabs: true, splits: true, pushOutput: true, heldPanes: true };
  private readonly socketArgs: string[];
  private readonly embedded: boolean;
  private readonly sessionName: string;

  constructor(private readonly ctx: BackendContext) {
    const explicitSocket = ctx.env.WORKMUX_TMUX_SOCKET || (ctx.settings.socket as string | undefined);
    this.embedded = !ctx.env.TMUX;
    this.socketArgs = this.embedded ? ['-L', explicitSocket || 'workmux'] : [];
    this.sessionName = sessionNameForProject(ctx.projectName);
  }

  /** Runs `tmux <socket> args...`; `;` elements chain several tmux commands into one process. */
  private tmux(args: string[], options: { input?: string; reject?: boolean; timeout?: number } = {}): Promise<RunResult> {
    return run(['tmux', ...this.socketArgs, ...args], { env: this.ctx.env, timeout: options.timeout ?? TIMEOUT_MS, ...options });
  }


  async ensureAvailable(): Promise<void> {
    if (!isOnPath('tmux', this.ctx.env)) {
      throw new WorkmuxError('tmux is not installed or not on PATH', { hint: 'install tmux (apt-get install tmux / brew install tmux)' });
    }
  }

  callerPane(): PaneId | undefined {
    return this.embedded ? undefined : this.ctx.env.TMUX_PANE || undefined;
  }

  attachHint(scope: Scope): string | undefined {
    if (!this.embedded) return undefined;
    return `attach with: tmux ${this.socketArgs.join(' ')} attach -t '=${scope.name}'`;
  }

  async currentScope(): Promise<Scope> {
    const caller = this.callerPane();
    if (caller) {
      const [id = '', name = ''] = (await this.tmux(['display-message', '-p', '-t', caller, '#{session_id}\t#{session_name}'])).stdout.trim().split('\t');
      return { id, name };
    }
    const found = await this.tmux(['display-message', '-p', '-t', `=${this.sessionName}:`, '#{session_id}'], { reject: false });
    return { id: found.exitCode === 0 ? found.stdout.trim() : '', name: this.sessionName };
  }

  async openTab(spec: TabSpec): Promise<Tab> {
    const envArgs = Object.entries(spec.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const common = ['-n', spec.name, '-c', spec.cwd, '-P', '-F', CREATED_FORMAT, ...envArgs, '--', ...spec.command];
    // The first call also takes a pending handshake's lock and reads the window formats (see beforeNewPane).
    const before = [...this.beforeNewPane(), ...(this.globalFormats ? [] : [...TmuxBackend.FORMAT_QUERY, ';'])];
    let created: string;
    const caller = this.callerPane();
    if (caller) {
      const found = await this.tmux([...before, 'display-message', '-p', '-t', caller, '#{window_id}']);
      const callerWindow = this.takeFormats(found.stdout).trim();
      created = (await this.tmux(['new-window', '-d', '-a', '-t', callerWindow, ...common])).stdout;
    } else {
      created = await this.openTabEmbedded(before, common);
    }
    const [tabId = '', paneId = '', scopeId = '', scopeName = ''] = created.trim().split('\t');
    const setup = await this.windowSetup(tabId);
    // With a handshake under way the options ride along with its wait (one process fewer); else now.
    if (this.handshakeInFlight) this.handshakeInFlight.setup = setup;
    else await this.tmux(setup);
    const tab: Tab = { id: tabId, name: spec.name, scope: { id: scopeId, name: scopeName }, paneId };
    if (!spec.background) await this.focus(tab);
    return tab;
  }

  /**
   * Embedded server: the first tab of a project creates its session; later ones append to it. `before` runs
   * with the first attempt (it holds the server start and a handshake's lock, which must happen once).
   */
  private async openTabEmbedded(before: string[], common: string[]): Promise<string> {
    const appendArgs = ['new-window', '-d', '-t', `=${this.sessionName}:`, ...common];
    const appended = await this.tmux([...before, ...appendArgs], { reject: false });
    const rest = this.takeFormats(appended.stdout);
    if (appended.exitCode === 0) return rest;
    if (!/can't find session|no current target|no server running|error connecting/i.test(appended.stderr)) throw new CommandError(['tmux', ...appendArgs], appended);
    const made = await this.tmux(['new-session', '-d', '-s', this.sessionName, '-x', '200', '-y', '50', ...common], { reject: false });
    if (made.exitCode === 0) return made.stdout;
    // Lost a race with another workmux creating the same session: append after all.
    if (!/duplicate session/.test(made.stderr)) throw new CommandError(['tmux', 'new-session'], made);
    return (await this.tmux(appendArgs)).stdout;
  }

  /** The user's global window-status formats, read once (inside the call that opens the first tab). */
  private globalFormats?: [string, string];
  private static readonly FORMAT_QUERY = ['show-options', '-gv', 'window-status-format', ';', 'show-options', '-gv', 'window-status-current-format'];

  /** When the formats were asked for, they are the first two lines of `stdout`: remembers them, returns the rest. */
  private takeFormats(stdout: string): string {
    if (this.globalFormats) return stdout;
    const [statusFormat = '', currentFormat = '', ...rest] = stdout.split('\n');
    this.globalFormats = [statusFormat, currentFormat];
    return rest.join('\n');
  }

  /** Keeps the window name (the tab's identity) fixed and makes room for the status icon. */
  private async windowSetup(windowId: string): Promise<string[]> {
    if (!this.globalFormats) this.takeFormats((await this.tmux(TmuxBackend.FORMAT_QUERY)).stdout);
    const [statusFormat, currentFormat] = this.globalFormats!;
    const withIcon = (format: string) => (format.startsWith(STATUS_FORMAT_PREFIX) ? format : STATUS_FORMAT_PREFIX + format);
    return [
      'set-option', '-w', '-t', windowId, 'automatic-rename', 'off', ';',
      'set-option', '-w', '-t', windowId, 'allow-rename', 'off', ';',
      'set-option', '-w', '-t', windowId, 'window-status-format', withIcon(statusFormat), ';',
      'set-option', '-w', '-t', windowId, 'window-status-current-format', withIcon(currentFormat),
    ];
  }

  async splitPane(target: PaneId, spec: SplitSpec): Promise<PaneId> {
    const size = spec.size ? ('cells' in spec.size ? ['-l', String(spec.size.cells)] : ['-l', `${spec.size.percent}%`]) : [];
    const envArgs = Object.entries(spec.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const args = [...this.beforeNewPane(), 'split-window', '-d', spec.direction === 'horizontal' ? '-h' : '-v', ...size, '-t', target, '-c', spec.cwd,
      '-P', '-F', '#{pane_id}', ...envArgs, '--', ...spec.command];
    return (await this.tmux(args)).stdout.trim();
  }

  async listPanes(opts: { allScopes?: boolean } = {}): Promise<PaneInfo[]> {
    const result = await this.tmux(['list-panes', '-a', '-F', PANE_FORMAT], { reject: false });
    if (result.exitCode !== 0) {
      // No tmux, no server, or a server without sessions: there are no panes.
      if (result.notFound || /no server running|error connecting|No such file|no current target/i.test(result.stderr)) return [];
      throw new CommandError(['tmux', 'list-panes'], result);
    }
    const panes = result.stdout.split('\n').map(parsePaneLine).filter((p): p is PaneInfo => p !== undefined);
    if (opts.allScopes) return panes;
    // The scope comes out of the same listing (no second tmux call): the caller's session, or the project's.
    const caller = this.callerPane();
    const inScope = caller
      ? (pane: PaneInfo) => pane.scope.id === panes.find((p) => p.id === caller)?.scope.id
      : (pane: PaneInfo) => pane.scope.name === this.sessionName;
    return panes.filter(inScope);
  }

  async sendText(pane: PaneId, text: string): Promise<void> {
    const buffer = `workmux-${nanoid(8).replace(/[^A-Za-z0-9]/g, 'x')}`;
    // load-buffer reads stdin; paste-buffer -p pastes bracketed when the program asked for it, -d frees it.
    await this.tmux(['load-buffer', '-b', buffer, '-', ';', 'paste-buffer', '-b', buffer, '-t', pane, '-p', '-d'], { input: text });
  }

  async sendKey(pane: PaneId, key: Key): Promise<void> {
    await this.tmux(['send-keys', '-t', pane, KEY_NAMES[key]]);
  }

  async capture(pane: PaneId, opts: { lines?: number } = {}): Promise<string> {
    const range = opts.lines ? ['-S', String(-opts.lines)] : [];
    return (await this.tmux(['capture-pane', '-p', '-J', '-t', pane, ...range])).stdout;
  }

  async focus(target: Tab | PaneId): Promise<void> {
    const pane = typeof target === 'string' ? target : target.paneId;
    const args = ['select-window', '-t', pane, ';', 'select-pane', '-t', pane];
    // Another session: move the caller's client there (no client exists in embedded mode).
    if (this.callerPane()) args.push(';', 'switch-client', '-t', pane);
    await this.tmux(args, { reject: false });
  }

  async closeTab(tab: Tab): Promise<void> {
    const result = await this.tmux(['kill-window', '-t', tab.id || tab.paneId], { reject: false });
    if (result.exitCode !== 0 && !/can't find|no such|no server/i.test(result.stderr)) throw new CommandError(['tmux', 'kill-window'], result);
  }

  async closeTabDeferred(tab: Tab): Promise<void> {
    // Runs inside the tmux server after a delay, with no shell involved, so it outlives this process.
    await this.tmux(['run-shell', '-b', '-d', '0.5', '-C', `kill-window -t ${tab.id || tab.paneId}`]);
  }

  async setStatus(tab: Tab, status: AgentStatus | null): Promise<void> {
    const args = status
      ? ['set-option', '-w', '-t', tab.id, STATUS_OPTION, this.ctx.statusIcons[status]]
      : ['set-option', '-w', '-u', '-t', tab.id, STATUS_OPTION];
    await this.tmux(args, { reject: false });
  }

  /**
   * Control mode (`tmux -C attach -f ignore-size,read-only`): output arrives as `%output` lines without
   * polling, raw — so Codex's OSC 7501 state sequence is visible, which capture-pane swallows.
   */
  openOutputStream(onOutput: (paneId: PaneId, data: string) => void, onStructureChange?: () => void): PaneOutputStream {
    return openTmuxOutputStream({ socketArgs: this.socketArgs, env: this.ctx.env, onOutput, onStructureChange });
  }

  /** The handshake whose channel the next new pane signals (at most one: panes are created one at a time). */
  private handshakeInFlight?: { channel: string; locked: boolean; setup: string[] };

  /**
   * tmux commands that must run in the same call as the next new-window/new-session/split-window: start
   * workmux's own server (embedded; it stays alive while empty) and take the pending handshake's lock, so
   * the lock is held before the pane can signal without a round trip of its own.
   */
  private beforeNewPane(): string[] {
    const commands = this.embedded ? ['start-server', ';', 'set-option', '-s', 'exit-empty', 'off', ';'] : [];
    const pending = this.handshakeInFlight;
    if (pending && !pending.locked) {
      pending.locked = true;
      commands.push('wait-for', '-L', pending.channel, ';');
    }
    return commands;
  }

  /**
   * Readiness per the tmux contract: a `wait-for` channel is locked before the pane starts (taken by the
   * call that creates the pane, see beforeNewPane); the pane's script unlocks it; we wait to lock it again.
   * The wait call also carries the new window's options and releases the channel: one process in all.
   * Held: after signalling, the pane's script waits on a second channel, which the wait call signals once
   * the pane is known to be up (`wait-for -S` before anyone waits is remembered by tmux, so the two sides
   * need no further ordering). The pane signals while it is held, so releasing it costs no round trip.
   */
  async handshake(options: { held?: boolean } = {}): Promise<Handshake> {
    const id = nanoid(10).replace(/[^A-Za-z0-9]/g, 'x');
    const state = { channel: `workmux-ready-${id}`, locked: false, setup: [] as string[] };
    const hold = options.held ? `workmux-hold-${id}` : undefined;
    const release = hold ? [';', 'wait-for', '-S', hold] : [];
    this.handshakeInFlight = state;
    let released = false;
    const finish = () => {
      if (this.handshakeInFlight === state) this.handshakeInFlight = undefined;
    };
    return {
      // Held: one tmux client unlocks and then waits on the hold (`\;` chains them in the server) — one
      // process fewer in the pane while git is still checking the worktree out.
      signalScript: `tmux wait-for -U ${state.channel}${hold ? ` \\; wait-for ${hold}` : ''}`,
      wait: async (timeoutMs) => {
        // No pane took the lock (nothing was opened): take it here, so the wait blocks until a signal.
        const lock = state.locked ? [] : [...(this.embedded ? ['start-server', ';'] : []), 'wait-for', '-L', state.channel, ';'];
        state.locked = true;
        finish();
        const setup = state.setup.length ? [...state.setup, ';'] : [];
        const args = [...lock, ...setup, 'wait-for', '-L', state.channel, ';', 'wait-for', '-U', state.channel, ...release];
        const result = await this.tmux(args, { reject: false, timeout: timeoutMs });
        if (result.timedOut) throw new HandshakeTimeoutError(timeoutMs, `tmux wait-for ${state.channel}`);
        if (result.exitCode !== 0) throw new CommandError(['tmux', ...args], result);
        released = true;
      },
      dispose: async () => {
        finish();
        if (released || !state.locked) return;
        released = true;
        // A held pane that was never let go is still waiting (its tab is being closed): let it go too.
        await this.tmux(['wait-for', '-U', state.channel, ...release], { reject: false });
      },
    };
  }
}

export const createBackend: BackendFactory = (ctx) => new TmuxBackend(ctx);
