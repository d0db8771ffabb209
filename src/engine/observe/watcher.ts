/**
 * The observation loop, backend-agnostic: one `listPanes` per tick (titles, foreground commands, liveness of
 * every pane in one call), then a screen capture of each pane that is due, with bounded concurrency and a
 * timeout on every backend call. Everything learnt is emitted on the bus; sinks (store, tab status, rules)
 * subscribe there.
 */
import type { Backend, PaneInfo } from '../../../backends/types.js';
import type { ClassifyOptions } from '../../agents/classify.js';
import type { EventBus, WatchEvent } from '../events.js';
import { createLimiter, withTimeout } from './limits.js';
import { Osc7501Reader } from './raw-output.js';
import { DEFAULT_INTERVALS, PaneTracker, type IntervalSettings, type PaneTarget } from './pane-tracker.js';

/** Raw pane output pushed by the backend (tmux control mode); structurally backends/tmux-control.ts's stream. */
export interface OutputPush {
  /** Push the output of the panes of exactly these scopes. */
  follow(scopeIds: readonly string[]): void;
  close(): void;
}

export interface WatcherOptions {
  backend: Pick<Backend, 'listPanes' | 'capture'>;
  /**
   * Opens the backend's output push when it has one: output makes a pane due for capture at once (lower latency
   * for quiet panes) and carries sequences the screen swallows (Codex OSC 7501).
   */
  openOutput?: (onOutput: (paneId: string, data: string) => void, onStructureChange: () => void) => OutputPush;
  bus: EventBus;
  /** Panes workmux opened (re-read every tick so tabs opened while watching are picked up). */
  targets(): PaneTarget[];
  /** Observe every pane of the backend, not only workmux's. */
  allPanes?: boolean;
  /** Listing interval while some pane changed in the last few seconds / while all are quiet. */
  tickMs?: { active: number; quiet: number };
  intervals?: IntervalSettings;
  /** Timeout of each backend call. */
  callTimeoutMs?: number;
  /** Captures running at once. */
  concurrency?: number;
  /** Lines of history + screen per capture. */
  captureLines?: number;
  classify?: ClassifyOptions;
  log?: (line: string) => void;
  now?: () => number;
}

const QUIET_AFTER_MS = 5_000;
/** Listing interval while some pane changed in the last 5 s / while everything is quiet. */
export const DEFAULT_TICK_MS = { active: 300, quiet: 1000 };
/**
 * With pushed output, any output (title sequences included) brings the next round forward, and panes or windows
 * coming or going wake the watcher too, so quiet panes need far fewer rounds and captures: these replace the
 * quiet listing interval and the capture ceiling (they remain as a safety net, e.g. a pane whose agent exits
 * without printing anything).
 */
export const PUSHED_QUIET = { tickMs: 30_000, slowCaptureMs: 300_000 };
/** How soon a round follows pushed output (a burst of output lines shares one round). */
const OUTPUT_TICK_MS = 50;

export class Watcher {
  private readonly trackers = new Map<string, PaneTracker>();
  private readonly limit: ReturnType<typeof createLimiter>;
  private readonly now: () => number;
  private listingInFlight = false;
  private lastActivityAt = 0;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private lastListError = '';
  private output: OutputPush | undefined;
  private readonly osc = new Osc7501Reader();
  private nextTickAt = 0;

  constructor(private readonly options: WatcherOptions) {
    this.limit = createLimiter(options.concurrency ?? 4);
    this.now = options.now ?? Date.now;
  }

  /** Pane ids currently observed. */
  observedPanes(): string[] {
    return [...this.trackers.keys()];
  }

  tracker(paneId: string): PaneTracker | undefined {
    return this.trackers.get(paneId);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.output = this.options.openOutput?.(
      (paneId, data) => this.onOutput(paneId, data),
      () => this.wake(),
    );
    void this.step();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.output?.close();
    await this.loop;
  }

  private async step(): Promise<void> {
    if (!this.running) return;
    this.loop = this.tick().catch((error: unknown) => this.log(`watch tick failed: ${(error as Error).message}`));
    await this.loop;
    if (!this.running) return;
    if (this.wakeRequested) {
      this.wakeRequested = false;
      this.schedule(0);
      return;
    }
    const { active, quiet } = this.options.tickMs ?? DEFAULT_TICK_MS;
    const quietTick = this.output ? Math.max(quiet, PUSHED_QUIET.tickMs) : quiet;
    this.schedule(this.now() - this.lastActivityAt < QUIET_AFTER_MS ? active : quietTick);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.nextTickAt = this.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.step();
    }, delayMs);
  }

  private wakeRequested = false;

  /** Brings the next round forward (a tab was just opened): new panes are found without waiting for a quiet tick. */
  wake(): void {
    if (!this.running) return;
    if (this.timer) this.schedule(0);
    else this.wakeRequested = true; // a round is running: the next one follows it at once
  }

  /** Pushed output: the pane is due for a capture now, and the next round comes soon. */
  private onOutput(paneId: string, data: string): void {
    const tracker = this.trackers.get(paneId);
    if (!tracker) return;
    const state = this.osc.feed(paneId, data);
    if (state) tracker.osc7501 = state;
    tracker.nextCaptureAt = Math.min(tracker.nextCaptureAt, this.now());
    // A round is waiting on a timer (not running): bring it forward.
    if (this.running && this.timer && this.nextTickAt - this.now() > OUTPUT_TICK_MS) this.schedule(OUTPUT_TICK_MS);
  }

  /** One observation round. Public so tests can step the watcher deterministically. */
  async tick(): Promise<void> {
    const listing = await this.listPanes();
    if (!listing) return;
    const now = this.now();
    const listed = new Map(listing.map((pane) => [pane.id, pane]));
    const targets = new Map(this.options.targets().map((target) => [target.paneId, target]));

    for (const [paneId, tracker] of this.trackers) {
      if (listed.has(paneId)) continue;
      this.trackers.delete(paneId);
      this.osc.forget(paneId);
      this.emit(tracker.closed(now));
    }
    for (const pane of listing) {
      const known = targets.get(pane.id);
      const sameTab = known && (!known.tabId || known.tabId === pane.tabId) ? known : undefined;
      const target = sameTab ?? (this.options.allPanes ? { paneId: pane.id } : undefined);
      if (!target) continue;
      let tracker = this.trackers.get(pane.id);
      if (!tracker) {
        tracker = new PaneTracker(target, this.intervals(), this.options.classify);
        this.trackers.set(pane.id, tracker);
      } else {
        tracker.target = target;
      }
      this.emit(tracker.noteListing(pane, now));
    }
    this.output?.follow([...new Set([...this.trackers.keys()].map((paneId) => listed.get(paneId)!.scope.id))]);
    const due = [...this.trackers.values()].filter((tracker) => tracker.isDue(now));
    await Promise.allSettled(due.map((tracker) => this.capture(tracker)));
  }

  private async listPanes(): Promise<PaneInfo[] | undefined> {
    // A listing still hanging from an earlier tick is not duplicated: this round is skipped instead.
    if (this.listingInFlight) return undefined;
    this.listingInFlight = true;
    const call = this.options.backend.listPanes({ allScopes: true }).finally(() => {
      this.listingInFlight = false;
    });
    try {
      const panes = await withTimeout(call, this.callTimeoutMs(), 'listing panes');
      if (this.lastListError) this.log('listing panes works again');
      this.lastListError = '';
      return panes;
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.lastListError) this.log(`cannot list panes: ${message}`);
      this.lastListError = message;
      return undefined;
    }
  }

  private async capture(tracker: PaneTracker): Promise<void> {
    tracker.inFlight = true;
    const paneId = tracker.target.paneId;
    const call = this.limit(() => this.options.backend.capture(paneId, { lines: this.options.captureLines ?? 200 })).finally(() => {
      tracker.inFlight = false;
    });
    let screen: string;
    try {
      screen = await withTimeout(call, this.callTimeoutMs(), `capturing ${paneId}`);
    } catch (error) {
      // A dead pane may refuse a capture; its death is still worth classifying.
      if (!tracker.dead) {
        this.log(`capture of ${paneId} failed: ${(error as Error).message}`);
        tracker.nextCaptureAt = this.now() + this.intervals().slowMs;
        return;
      }
      screen = '';
    }
    if (this.trackers.get(paneId) !== tracker) return;
    this.emit(tracker.applyCapture(screen, this.now()));
  }

  private emit(events: WatchEvent[]): void {
    if (events.length === 0) return;
    this.lastActivityAt = this.now();
    for (const event of events) this.options.bus.emit(event);
  }

  private intervals(): IntervalSettings {
    const intervals = this.options.intervals ?? DEFAULT_INTERVALS;
    return this.output ? { ...intervals, slowMs: Math.max(intervals.slowMs, PUSHED_QUIET.slowCaptureMs) } : intervals;
  }

  private callTimeoutMs(): number {
    return this.options.callTimeoutMs ?? 3_000;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
