/**
 * cmux backend: a cmux window is a Scope, a workspace a Tab, a surface a pane. Only UUIDs go to input commands
 * (refs are recycled and have landed in the focused surface). Facts: shared/contracts/cmux-cli.md.
 *
 * Starting a command: cmux creates a workspace with its own shell and takes no argv, and only `new-workspace`
 * has `--command` — but it answers with a ref, not UUIDs. So workmux uses `workspace create` (UUIDs in JSON) and
 * types `exec /bin/sh <launcher>` into the surface; the launcher file deletes itself when it runs, which proves
 * the line arrived and was executed (background workspaces have dropped input on some builds).
 */
import fs from 'node:fs';
import path from 'node:path';
import { nanoid } from 'nanoid';
import { UsageError, WorkmuxError } from '../src/core/errors.js';
import { runtimeDir } from '../src/core/paths.js';
import { CmuxCli, accessDenied, binaryNotFound, resolveCmuxBinary } from './cmux-cli.js';
import { cmuxSendChunks, launcherCommandLine, launcherScript, probeFor, sanitizeWorkspaceTitle, textArrived } from './cmux-text.js';
import { runAfterExit } from './deferred.js';
import { createFifoHandshake } from './fifo-handshake.js';
import type {
  AgentStatus, Backend, BackendCapabilities, BackendContext, BackendFactory, Handshake, Key, PaneId, PaneInfo, Scope,
  SplitSpec, Tab, TabSpec,
} from './types.js';

export type CmuxPlacement = 'auto' | 'workspace' | 'window';
const PLACEMENTS: readonly CmuxPlacement[] = ['auto', 'workspace', 'window'];

/** Waits the backend uses; tests shorten them. */
export interface CmuxTimings {
  /** How long a sent text may take to show up in `read-screen` before it counts as dropped. */
  confirmTextMs: number;
  /** How long the launcher may take to start after Enter before Enter is sent once more, then before giving up. */
  launcherStartMs: number;
  pollMs: number;
}
const DEFAULT_TIMINGS: CmuxTimings = { confirmTextMs: 1500, launcherStartMs: 5000, pollMs: 100 };

interface Located { windowId: string; workspaceId: string; surfaceId: string }
interface TreeSurface { id: string; title?: string; focused?: boolean; tty?: string }
interface TreeWorkspace { id: string; ref?: string; title?: string; current_directory?: string; panes?: { surfaces?: TreeSurface[] }[] }
interface TreeWindow { id: string; ref?: string; workspaces?: TreeWorkspace[] }
interface IdentifyJson { caller?: { window_id?: string; window_ref?: string; workspace_id?: string } | null }
interface CreatedJson { window_id?: string; window_ref?: string; workspace_id?: string; surface_id?: string }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const surfacesOf = (ws: TreeWorkspace) => (ws.panes ?? []).flatMap((pane) => pane.surfaces ?? []);

export function parsePlacement(value: unknown, where: string): CmuxPlacement {
  if (value === undefined || value === null || value === '') return 'auto';
  if (typeof value === 'string' && (PLACEMENTS as readonly string[]).includes(value)) return value as CmuxPlacement;
  throw new UsageError(`invalid cmux placement '${String(value)}' in ${where}`, { hint: 'use auto, workspace or window' });
}

export class CmuxBackend implements Backend {
  readonly kind = 'cmux' as const;
  readonly capabilities: BackendCapabilities = { insertAfter: false, statusInTabs: true, splits: false, pushOutput: false, heldPanes: false };
  private readonly env: NodeJS.ProcessEnv;
  private readonly cli: CmuxCli;
  private readonly placement: CmuxPlacement;
  private readonly requireInCmux: boolean;
  private readonly located = new Map<PaneId, Located>();
  private binary?: string;
  private callerScope?: Promise<Scope | undefined>;

  constructor(private readonly ctx: BackendContext, private readonly timings: CmuxTimings = DEFAULT_TIMINGS) {
    this.env = ctx.env;
    this.placement = parsePlacement(ctx.settings.placement, 'cmux.placement');
    this.requireInCmux = ctx.settings.require_in_cmux !== false;
    this.cli = new CmuxCli(() => this.binaryPath(), this.env);
  }

  private binaryPath(): string {
    if (this.binary) return this.binary;
    const configured = typeof this.ctx.settings.binary_path === 'string' ? this.ctx.settings.binary_path : undefined;
    const { binary, shown } = resolveCmuxBinary(configured, this.env);
    if (!binary) throw binaryNotFound(shown);
    return (this.binary = binary);
  }

  async ensureAvailable(): Promise<void> {
    const binary = this.binaryPath();
    await this.cli.call(['--version']).catch((error: WorkmuxError) => {
      throw binaryNotFound(binary, error.detail ?? error.message);
    });
    if (this.requireInCmux && !this.env.CMUX_WORKSPACE_ID) {
      throw new WorkmuxError('not running inside cmux ($CMUX_WORKSPACE_ID unset)', {
        hint: 'run workmux from a cmux terminal, or set cmux.require_in_cmux: false (the socket must then allow automation)',
      });
    }
    const pong = await this.cli.call(['ping']).catch((error: WorkmuxError) => {
      if (error.hint?.includes('access mode')) throw error;
      throw new WorkmuxError(`cannot reach the cmux app: ${error.message}`, {
        hint: 'start cmux, and check $CMUX_SOCKET_PATH if you set it', detail: error.detail,
      });
    });
    if (/access denied/i.test(pong)) throw accessDenied(pong);
    if (pong.trim() !== 'PONG') throw new WorkmuxError(`cmux ping answered '${pong.trim()}' instead of PONG`, { hint: 'check $CMUX_SOCKET_PATH' });
  }

  callerPane(): PaneId | undefined {
    return this.env.CMUX_SURFACE_ID || undefined;
  }

  /** The caller's own window when inside cmux (`identify` → caller), else the active window. */
  async currentScope(): Promise<Scope> {
    if (this.env.CMUX_WORKSPACE_ID) {
      // The caller's window cannot go away while the caller runs in it: ask once per backend.
      this.callerScope ??= this.cli.json<IdentifyJson>(['--json', '--id-format', 'both', 'identify']).then(({ caller }) =>
        caller?.window_id ? { id: caller.window_id, name: caller.window_ref ?? caller.window_id } : undefined);
      const scope = await this.callerScope.catch((error: unknown) => {
        this.callerScope = undefined;
        throw error;
      });
      if (scope) return scope;
    }
    const id = (await this.cli.call(['current-window'])).trim();
    return { id, name: id };
  }

  tabTitleFor(name: string): string {
    return sanitizeWorkspaceTitle(name);
  }

  async openTab(spec: TabSpec): Promise<Tab> {
    if (!fs.existsSync(spec.cwd)) throw new WorkmuxError(`directory ${spec.cwd} does not exist`);
    const placement = await this.placementFor(parsePlacement(spec.placement ?? this.placement, '--placement'));
    const title = sanitizeWorkspaceTitle(spec.name);
    // A new window takes focus; a background tab gives it back to the window the user was in.
    const returnTo = placement === 'window' && spec.background ? await this.currentScope() : undefined;
    const created = placement === 'window' ? await this.createWindow(title) : await this.createWorkspace(spec.cwd, title);
    const tab: Tab = { id: created.workspaceId, name: title, scope: created.scope, paneId: created.surfaceId };
    try {
      this.located.set(tab.paneId, { windowId: tab.scope.id, workspaceId: tab.id, surfaceId: tab.paneId });
      if (!spec.background) await this.focus(tab);
      await this.startCommand(created, spec);
      if (returnTo) await this.cli.call(['focus-window', '--window', returnTo.id]);
      return tab;
    } catch (error) {
      await (placement === 'window' ? this.closeWindow(tab.scope.id) : this.closeTab(tab)).catch(() => undefined);
      throw error;
    }
  }

  /** auto: 0–1 windows → a workspace in the caller's window, more → a new window (0 windows: a window, nothing else can hold it). */
  private async placementFor(requested: CmuxPlacement): Promise<'workspace' | 'window'> {
    if (requested !== 'auto') return requested;
    const windows = await this.cli.json<unknown>(['--json', 'list-windows']);
    if (!Array.isArray(windows)) throw new WorkmuxError('cmux list-windows --json did not return an array');
    return windows.length === 1 ? 'workspace' : 'window';
  }

  private async createWorkspace(cwd: string, title: string) {
    const scope = await this.currentScope();
    const created = await this.cli.json<CreatedJson>([
      '--json', '--id-format', 'both', 'workspace', 'create', '--window', scope.id, '--cwd', cwd, '--name', title,
    ]);
    if (!created.workspace_id || !created.surface_id) {
      throw new WorkmuxError('cmux workspace create did not return workspace and surface ids', { detail: JSON.stringify(created) });
    }
    return { scope, workspaceId: created.workspace_id, surfaceId: created.surface_id };
  }

  /** A new window comes with one workspace: find it, rename it, use it. */
  private async createWindow(title: string) {
    const answer = await this.cli.call(['new-window']);
    const windowId = /^OK\s+(\S+)/.exec(answer.trim())?.[1];
    if (!windowId) throw new WorkmuxError(`cmux new-window answered '${answer.trim()}'`);
    try {
      const window = (await this.tree()).find((w) => w.id === windowId);
      const workspace = window?.workspaces?.[0];
      const surface = workspace && surfacesOf(workspace)[0];
      if (!workspace || !surface) throw new WorkmuxError(`the new cmux window ${windowId} has no workspace`);
      await this.cli.call(['rename-workspace', '--workspace', workspace.id, '--', title]);
      return { scope: { id: windowId, name: window.ref ?? windowId }, workspaceId: workspace.id, surfaceId: surface.id };
    } catch (error) {
      await this.closeWindow(windowId).catch(() => undefined);
      throw error;
    }
  }

  /** Types `exec /bin/sh <launcher>` (confirmed on screen), presses Enter, and waits for the launcher to run. */
  private async startCommand(target: { surfaceId: string }, spec: TabSpec): Promise<void> {
    const dir = runtimeDir(this.env);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const script = path.join(dir, `cmux-launch-${nanoid(10).replace(/[^A-Za-z0-9]/g, 'x')}.sh`);
    fs.writeFileSync(script, launcherScript(spec), { mode: 0o600 });
    try {
      const line = launcherCommandLine(script);
      await this.typeConfirmed(target.surfaceId, line, probeFor(line), true);
      for (let attempt = 1; attempt <= 2; attempt++) {
        await this.sendKey(target.surfaceId, 'enter');
        if (await this.pollUntil(async () => !fs.existsSync(script), this.timings.launcherStartMs)) return;
      }
      throw new WorkmuxError('the command typed into the new cmux workspace did not start', {
        hint: 'check that the shell cmux starts is responsive; the workspace was closed again',
      });
    } finally {
      fs.rmSync(script, { force: true });
    }
  }

  splitPane(_target: PaneId, _spec: SplitSpec): Promise<PaneId> {
    return Promise.reject(new WorkmuxError('the cmux backend does not split panes', { hint: 'remove `panes` from the config when using cmux' }));
  }

  async listPanes(opts: { allScopes?: boolean } = {}): Promise<PaneInfo[]> {
    const windows = await this.tree();
    const scopeId = opts.allScopes ? undefined : (await this.currentScope()).id;
    return windows
      .filter((w) => !scopeId || w.id === scopeId)
      .flatMap((w) => (w.workspaces ?? []).flatMap((ws) => surfacesOf(ws).map((s): PaneInfo => ({
        id: s.id, tabId: ws.id, tabName: ws.title ?? '', scope: { id: w.id, name: w.ref ?? w.id },
        title: s.title ?? '', cwd: ws.current_directory ?? '', currentCommand: '', tty: s.tty, dead: false, active: s.focused,
      }))));
  }

  /**
   * Paste semantics, confirmed: `cmux send` delivers text through Ghostty's text input, which is its paste path
   * (bracketed when the program asked for it). The screen is read back and the text sent once more when it did
   * not arrive (background workspaces drop input on some builds); a second miss is an error.
   */
  async sendText(pane: PaneId, text: string): Promise<void> {
    await this.typeConfirmed(pane, text);
  }

  /** `uniqueProbe`: the probe cannot be on the screen yet, so the screen need not be read before sending. */
  private async typeConfirmed(pane: PaneId, text: string, probe = probeFor(text), uniqueProbe = false): Promise<void> {
    const where = await this.locate(pane);
    for (let attempt = 1; attempt <= 2; attempt++) {
      const before = uniqueProbe ? '' : await this.capture(pane);
      for (const chunk of cmuxSendChunks(text)) {
        await this.cli.call(['send', '--workspace', where.workspaceId, '--surface', where.surfaceId, '--', chunk]);
      }
      if (!probe) return;
      if (await this.pollUntil(async () => textArrived(before, await this.capture(pane), probe), this.timings.confirmTextMs)) return;
    }
    throw new WorkmuxError(`text sent to cmux workspace ${where.workspaceId} did not show up on its screen, even after a retry`, {
      hint: 'this cmux build drops input to background workspaces: bring the workspace to front (`workmux open`) and retry',
    });
  }

  async sendKey(pane: PaneId, key: Key): Promise<void> {
    const where = await this.locate(pane);
    await this.cli.call(['send-key', '--workspace', where.workspaceId, '--surface', where.surfaceId, key]);
  }

  async capture(pane: PaneId, opts: { lines?: number } = {}): Promise<string> {
    const where = await this.locate(pane);
    const history = opts.lines ? ['--scrollback', '--lines', String(opts.lines)] : [];
    return this.cli.call(['read-screen', '--workspace', where.workspaceId, '--surface', where.surfaceId, ...history]);
  }

  async focus(target: Tab | PaneId): Promise<void> {
    const where = typeof target === 'string' ? await this.locate(target) : { windowId: target.scope.id, workspaceId: target.id };
    await this.cli.call(['focus-window', '--window', where.windowId]);
    await this.cli.call(['select-workspace', '--workspace', where.workspaceId]);
  }

  /** close-workspace, or close-window for a window's last workspace (close-workspace did nothing there on some builds). */
  async closeTab(tab: Tab): Promise<void> {
    const command = await this.closeCommandFor(tab.id);
    if (command) await this.cli.call(command);
    this.located.delete(tab.paneId);
  }

  /** Closes the tab once this process has exited (it may be running inside that very tab). */
  async closeTabDeferred(tab: Tab): Promise<void> {
    const command = await this.closeCommandFor(tab.id);
    if (command) runAfterExit([this.binaryPath(), ...command], { ...this.env, CMUX_QUIET: '1' });
  }

  private async closeCommandFor(workspaceId: string): Promise<string[] | undefined> {
    const window = (await this.tree()).find((w) => w.workspaces?.some((ws) => ws.id === workspaceId));
    if (!window) return undefined; // already gone
    return window.workspaces!.length === 1
      ? ['close-window', '--window', window.id]
      : ['close-workspace', '--workspace', workspaceId];
  }

  private async closeWindow(windowId: string): Promise<void> {
    await this.cli.call(['close-window', '--window', windowId]);
  }

  async setStatus(tab: Tab, status: AgentStatus | null): Promise<void> {
    if (status === null) {
      await this.cli.call(['clear-status', 'workmux', '--workspace', tab.id]);
      return;
    }
    await this.cli.call(['set-status', 'workmux', status, '--icon', this.ctx.statusIcons[status], '--workspace', tab.id]);
  }

  /** cmux notification attached to the tab's workspace (used when an agent starts waiting). */
  async notify(tab: Tab, title: string, body: string): Promise<void> {
    await this.cli.call(['notify', '--title', title, '--body', body, '--workspace', tab.id]);
  }

  handshake(): Promise<Handshake> {
    return createFifoHandshake(this.env);
  }

  /** Workspace and window of a surface: remembered from openTab/listPanes, else looked up in `tree --all`. */
  private async locate(pane: PaneId): Promise<Located> {
    const known = this.located.get(pane);
    if (known) return known;
    await this.tree();
    const found = this.located.get(pane);
    if (!found) {
      throw new WorkmuxError(`cmux surface ${pane} no longer exists`, {
        hint: 'its workspace was closed outside workmux; `workmux open <name>` reopens it',
      });
    }
    return found;
  }

  private async tree(): Promise<TreeWindow[]> {
    const { windows } = await this.cli.json<{ windows?: TreeWindow[] }>(['--json', '--id-format', 'both', 'tree', '--all']);
    this.located.clear();
    for (const w of windows ?? []) {
      for (const ws of w.workspaces ?? []) {
        for (const s of surfacesOf(ws)) this.located.set(s.id, { windowId: w.id, workspaceId: ws.id, surfaceId: s.id });
      }
    }
    return windows ?? [];
  }

  private async pollUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await check()) return true;
      if (Date.now() >= deadline) return false;
      await sleep(this.timings.pollMs);
    }
  }
}

export function createCmuxBackend(ctx: BackendContext, timings?: Partial<CmuxTimings>): CmuxBackend {
  return new CmuxBackend(ctx, { ...DEFAULT_TIMINGS, ...timings });
}

export const createBackend: BackendFactory = (ctx) => createCmuxBackend(ctx);
