/**
 * `workmux watch`: observe every agent tab (or every pane), classify, and fan the events out to the store,
 * the tabs' status marks and whatever else subscribes (the rule engine). Runs until `signal` aborts.
 */
import type { Backend, Tab } from '../../backends/types.js';
import { EventBus, type WatchEvent } from '../engine/events.js';
import { DEFAULT_INTERVALS, type PaneTarget } from '../engine/observe/pane-tracker.js';
import { attachStatusSink } from '../engine/observe/status-sink.js';
import { StoreSink } from '../engine/observe/store-sink.js';
import { DEFAULT_TICK_MS, Watcher, type OutputPush } from '../engine/observe/watcher.js';
import { WAKE_SIGNAL, acquireWatcherLock, watcherPidFile } from '../engine/observe/watcher-lock.js';
import type { AgentRecord } from '../store/agents.js';
import { agentRows } from '../store/agent-rows.js';
import type { Database } from '../store/db.js';
import { DEFAULT_RETENTION_DAYS, pruneWatchData, retentionCutoff } from '../store/retention.js';

/** What watching needs from the context (no git repository required). */
export interface WatchDeps {
  env: NodeJS.ProcessEnv;
  backend(): Promise<Backend>;
  store(): Promise<Database>;
}

/** Something else that reacts to the bus (the rule engine); returns its detach function. */
export type WatchExtension = (bus: EventBus, backend: Backend, store: Database) => Promise<() => void> | (() => void);

export interface WatchOptions {
  signal: AbortSignal;
  allPanes?: boolean;
  /** Listing interval in ms while panes change (`--interval`); quiet panes are looked at less often. */
  intervalMs?: number;
  idleAfterMs?: number;
  callTimeoutMs?: number;
  retentionDays?: number;
  /** Use the backend's output push (tmux control mode) when it has one (default true). */
  push?: boolean;
  /** Take the per-user pid lock (default true). */
  lock?: boolean;
  extensions?: readonly WatchExtension[];
  onEvent?(event: WatchEvent): void;
  log?(line: string): void;
}

export interface WatchSummary {
  events: number;
  panes: number;
  droppedLines: number;
}

const RETENTION_EVERY_MS = 60 * 60 * 1000;
/** A locked database must not freeze observation: fail fast and let the sink retry on its next flush. */
const WATCHER_BUSY_TIMEOUT_MS = 200;

export async function runWatch(deps: WatchDeps, options: WatchOptions): Promise<WatchSummary> {
  const lock = options.lock === false ? undefined : acquireWatcherLock(watcherPidFile(deps.env));
  const cleanups: (() => void)[] = [];
  // `add` wakes the watcher once a new tab is recorded (pid file → SIGUSR1). Listen from the moment the pid
  // file exists: an unhandled SIGUSR1 would start Node's inspector instead, and the wake would be lost.
  let awake: Watcher | undefined;
  let rows: ReturnType<typeof createRowCache> | undefined;
  const wake = () => {
    rows?.invalidate(); // the new tab's row must be read on the very next round
    awake?.wake();
  };
  process.on(WAKE_SIGNAL, wake);
  cleanups.push(() => process.off(WAKE_SIGNAL, wake));
  try {
    const backend = await deps.backend();
    const db = await deps.store();
    db.pragma(`busy_timeout = ${WATCHER_BUSY_TIMEOUT_MS}`);
    const log = options.log ?? (() => {});
    const bus = new EventBus();
    rows = createRowCache(db, backend.kind, log);
    const agentRowCache = rows;
    let events = 0;
    cleanups.push(bus.on('*', (event) => {
      events += 1;
      options.onEvent?.(event);
    }));

    const interval = options.intervalMs ?? DEFAULT_TICK_MS.active;
    const watcher = new Watcher({
      backend,
      bus,
      openOutput: options.push === false ? undefined : outputPushOf(backend),
      targets: () => agentRowCache.refresh().map(targetOf),
      allPanes: options.allPanes,
      tickMs: { active: interval, quiet: Math.max(interval, DEFAULT_TICK_MS.quiet) },
      intervals: { ...DEFAULT_INTERVALS, fastMs: Math.min(interval, DEFAULT_INTERVALS.fastMs) },
      callTimeoutMs: options.callTimeoutMs,
      classify: { idleAfterMs: options.idleAfterMs },
      log,
    });
    const sink = new StoreSink(db, { backend: backend.kind, agentIdFor: (pane) => agentRowCache.byPane(pane)?.id, log });
    cleanups.push(sink.attach(bus));
    cleanups.push(
      attachStatusSink(bus, {
        backend,
        tabFor: (pane) => tabOf(agentRowCache.byPane(pane)),
        hasWorked: (pane) => watcher.tracker(pane)?.hasWorked ?? false,
        callTimeoutMs: options.callTimeoutMs,
        log,
      }),
    );
    for (const extension of options.extensions ?? []) cleanups.push(await extension(bus, backend, db));

    const prune = () => {
      try {
        pruneWatchData(db, retentionCutoff(Date.now(), options.retentionDays ?? DEFAULT_RETENTION_DAYS));
      } catch (error) {
        log(`retention skipped: ${(error as Error).message}`);
      }
    };
    prune();
    const pruneTimer = setInterval(prune, RETENTION_EVERY_MS);
    cleanups.push(() => clearInterval(pruneTimer));

    watcher.start();
    awake = watcher;
    await abortion(options.signal);
    await watcher.stop();
    const panes = watcher.observedPanes().length;
    // Sinks flush on detach: run the cleanups before reading the dropped count.
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
    return { events, panes, droppedLines: sink.droppedLines };
  } finally {
    for (const cleanup of cleanups.reverse()) cleanup();
    lock?.release();
  }
}

/** The backend's raw-output push when it offers one (tmux control mode); other backends are polled only. */
function outputPushOf(backend: Backend): ((onOutput: (paneId: string, data: string) => void, onStructureChange: () => void) => OutputPush) | undefined {
  return backend.openOutputStream ? (onOutput, onStructureChange) => backend.openOutputStream!(onOutput, onStructureChange) : undefined;
}

function abortion(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Open agent rows of this backend, re-read at most every 500 ms; a failed read keeps the last good ones. */
function createRowCache(db: Database, backendKind: string, log: (line: string) => void) {
  let rows: AgentRecord[] = [];
  let byPane = new Map<string, AgentRecord>();
  let readAt = 0;
  return {
    refresh(): AgentRecord[] {
      if (Date.now() - readAt < 500) return rows;
      try {
        const fresh = agentRows(db, { backend: backendKind });
        // Pane ids are reused by a restarted multiplexer: the newest row (rows come newest first) owns the pane.
        byPane = new Map();
        for (const row of fresh) if (row.pane_id && !byPane.has(row.pane_id)) byPane.set(row.pane_id, row);
        rows = [...byPane.values()];
        readAt = Date.now();
      } catch (error) {
        log(`cannot read agent rows: ${(error as Error).message}`);
      }
      return rows;
    },
    byPane: (paneId: string) => byPane.get(paneId),
    /** The next refresh reads the store whatever its age. */
    invalidate() {
      readAt = 0;
    },
  };
}

function targetOf(row: AgentRecord): PaneTarget {
  return { paneId: row.pane_id, handle: row.handle, agentId: row.id, agentHint: row.agent || undefined, tabId: row.tab_id || undefined };
}

function tabOf(row: AgentRecord | undefined): Tab | undefined {
  if (!row) return undefined;
  return { id: row.tab_id, name: row.tab_name, scope: { id: row.scope, name: row.scope }, paneId: row.pane_id };
}
