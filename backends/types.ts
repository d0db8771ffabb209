/**
 * The Backend seam: one file per multiplexer implements these primitives.
 * Everything that is the same for every multiplexer (pane layout, readiness handshake,
 * typing the agent command, delivering and verifying a prompt, exit escalation) lives
 * once above this layer, in backends/session.ts and src/workflows/.
 */

export type BackendKind = 'tmux' | 'wezterm' | 'cmux';

/** Opaque pane handle as the multiplexer spells it: tmux `%12`, WezTerm `42`, cmux surface UUID. */
export type PaneId = string;

/** Where tabs live: a tmux session, a WezTerm workspace, a cmux window. */
export interface Scope {
  id: string;
  name: string;
}

/** A tab (tmux window, WezTerm tab, cmux workspace). `name` is its identity for later lookups. */
export interface Tab {
  id: string;
  name: string;
  scope: Scope;
  /** The first pane of the tab, where the startup command runs. */
  paneId: PaneId;
}

export interface TabSpec {
  /** Tab/window/workspace title: `<window_prefix><handle>`. */
  name: string;
  cwd: string;
  /** argv of the process the first pane runs (a handshake script that ends by exec'ing a login shell). */
  command: string[];
  env?: Record<string, string>;
  /** Keep focus where it is (true) or switch to the new tab (false). */
  background: boolean;
  /** Backend-specific placement hint (cmux: auto | workspace | window). */
  placement?: string;
  /** Backend-specific: WezTerm domain (`SSHMUX:host`). */
  domain?: string;
}

export type SplitDirection = 'horizontal' | 'vertical';

export interface SplitSpec {
  /** horizontal = side by side (new pane on the right); vertical = stacked (new pane below). */
  direction: SplitDirection;
  /** Size of the new pane: cells, or percent of the split pane. */
  size?: { cells: number } | { percent: number };
  cwd: string;
  command: string[];
  env?: Record<string, string>;
}

export interface PaneInfo {
  id: PaneId;
  tabId: string;
  tabName: string;
  scope: Scope;
  title: string;
  /** Plain filesystem path ('' when unknown). */
  cwd: string;
  /** Foreground command name when the multiplexer knows it ('' otherwise). */
  currentCommand: string;
  pid?: number;
  tty?: string;
  dead: boolean;
  active?: boolean;
}

export type Key = 'enter' | 'ctrl-c' | 'ctrl-d' | 'escape' | 'tab';

export type AgentStatus = 'working' | 'waiting' | 'done';

export interface BackendCapabilities {
  /** New tabs can be placed right after the caller's tab. */
  insertAfter: boolean;
  /** The status icon can show in the tab list without user configuration. */
  statusInTabs: boolean;
  splits: boolean;
  /** The multiplexer can push output (tmux control mode) instead of being polled. */
  pushOutput: boolean;
  /** `handshake({ held: true })` is supported: a new pane can be opened and kept from starting its shell. */
  heldPanes: boolean;
}

/**
 * Readiness handshake: prepared before the pane starts, signalled from inside the pane, awaited by workmux.
 * tmux: `wait-for` channel; WezTerm and cmux: a named pipe.
 */
export interface Handshake {
  /**
   * A POSIX sh snippet the pane runs once it is up (before exec'ing the login shell). A held handshake's
   * snippet then waits for the release that `wait` sends.
   */
  readonly signalScript: string;
  /** Releases a held pane, then resolves once the pane signalled; rejects with a HandshakeTimeoutError after timeoutMs. */
  wait(timeoutMs: number): Promise<void>;
  /** Frees whatever the handshake holds (lock, fifo). Safe to call more than once. */
  dispose(): Promise<void>;
}

export interface Backend {
  readonly kind: BackendKind;
  readonly capabilities: BackendCapabilities;
  /** Throws a WorkmuxError that says how to fix the problem. */
  ensureAvailable(): Promise<void>;
  /** Scope tabs are created in and listed from by default. */
  currentScope(): Promise<Scope>;
  /** The caller's own pane when workmux runs inside the multiplexer, else undefined. */
  callerPane(): PaneId | undefined;
  openTab(spec: TabSpec): Promise<Tab>;
  splitPane(target: PaneId, spec: SplitSpec): Promise<PaneId>;
  listPanes(opts?: { allScopes?: boolean }): Promise<PaneInfo[]>;
  /** Paste semantics: multi-line text arrives as one paste and is not submitted. */
  sendText(pane: PaneId, text: string): Promise<void>;
  sendKey(pane: PaneId, key: Key): Promise<void>;
  capture(pane: PaneId, opts?: { lines?: number }): Promise<string>;
  focus(target: Tab | PaneId): Promise<void>;
  closeTab(tab: Tab): Promise<void>;
  /**
   * Close the tab after the calling process has finished (used when a command runs inside the tab
   * it is about to close, so it does not cut itself off).
   */
  closeTabDeferred(tab: Tab): Promise<void>;
  setStatus(tab: Tab, status: AgentStatus | null): Promise<void>;
  /**
   * `held` (capabilities.heldPanes): the pane waits before it signals until `wait` releases it, so a tab can
   * open while its directory is still being prepared and its shell starts only once that is done.
   */
  handshake(options?: { held?: boolean }): Promise<Handshake>;
  /** A line telling the user how to see the new tab (embedded tmux: the attach command), or undefined. */
  attachHint?(scope: Scope): string | undefined;
  /** The title a tab requested as `name` really gets (cmux keeps only [A-Za-z0-9_-]); default: `name`. */
  tabTitleFor?(name: string): string;
  /** A desktop/sidebar notification where the multiplexer has one (cmux `notify`). */
  notify?(tab: Tab, title: string, body: string): Promise<void>;
  /**
   * Raw pane output pushed as it happens (tmux control mode), where the multiplexer can; others are polled.
   * `onStructureChange` fires when panes or windows come or go, so a watcher need not poll for that either.
   */
  openOutputStream?(onOutput: (paneId: PaneId, data: string) => void, onStructureChange?: () => void): PaneOutputStream;
}

/** Raw output of the panes of some scopes, pushed as it happens (capabilities.pushOutput). */
export interface PaneOutputStream {
  /** Streams the panes of exactly these scopes from now on (streams for other scopes are closed). */
  follow(scopeIds: readonly string[]): void;
  close(): void;
}

/** What a backend factory is given. */
export interface BackendContext {
  env: NodeJS.ProcessEnv;
  /** Project (repository) name: the embedded tmux default keeps one session per project. */
  projectName: string;
  /** The backend's own config section (`tmux`, `wezterm` or `cmux` key), validated by the config layer. */
  settings: Record<string, unknown>;
  /** Icons for setStatus, from config `status_icons`. */
  statusIcons: Record<AgentStatus, string>;
}

/** Every file in backends/ that implements a multiplexer exports `createBackend` of this type. */
export type BackendFactory = (ctx: BackendContext) => Backend;
