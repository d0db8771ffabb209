/**
 * Bus → store: buffers what the watcher learns and writes it in one transaction per flush. A locked or busy
 * database never stops observation: the batch stays buffered (bounded) and the next flush retries.
 */
import type { Database } from '../../store/db.js';
import { insertEvents, recordStateChange, type StateChange } from '../../store/events.js';
import { insertOutputChunks, type OutputChunk } from '../../store/output.js';
import type { EventBus, WatchEvent } from '../events.js';

export interface StoreSinkOptions {
  backend: string;
  /** `agents.id` of the row for a pane workmux opened. */
  agentIdFor(paneId: string): string | undefined;
  flushMs?: number;
  /** Most output lines kept while the store cannot be written; older ones are dropped first. */
  maxBufferedLines?: number;
  log?: (line: string) => void;
}

export class StoreSink {
  private chunks: OutputChunk[] = [];
  private bufferedLines = 0;
  private events: WatchEvent[] = [];
  private states: StateChange[] = [];
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  droppedLines = 0;

  constructor(
    private readonly db: Database,
    private readonly options: StoreSinkOptions,
  ) {}

  attach(bus: EventBus): () => void {
    const off = bus.on('*', (event) => {
      this.accept(event);
      this.scheduleFlush(this.options.flushMs ?? 250);
    });
    return () => {
      off();
      clearTimeout(this.timer);
      this.timer = undefined;
      this.flush();
    };
  }

  /** A timer only while something is buffered: an idle watcher must not wake up just to find nothing to write. */
  private scheduleFlush(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A locked store: retry, less often.
      if (!this.flush()) this.scheduleFlush(delayMs * 4);
    }, delayMs);
    this.timer.unref();
  }

  accept(event: WatchEvent): void {
    if (event.type === 'text.appended') {
      this.chunks.push({
        at: event.at,
        backend: this.options.backend,
        paneId: event.paneId,
        handle: event.handle,
        agent: event.agent,
        gap: event.gap,
        lines: event.lines,
      });
      this.bufferedLines += event.lines.length;
      this.dropOverflow();
      return;
    }
    // Title changes stay on the bus: spinner titles change every second while an agent works.
    if (event.type === 'title.changed') return;
    this.events.push(event);
    if (event.type === 'agent.state') {
      this.states.push({
        at: event.at,
        backend: this.options.backend,
        paneId: event.paneId,
        agentId: this.options.agentIdFor(event.paneId),
        handle: event.handle,
        agent: event.agent ?? '',
        state: event.state,
        previous: event.previous,
        reason: event.reason,
      });
    }
  }

  /** Writes everything buffered in one transaction; on failure keeps it for the next flush. Returns success. */
  flush(): boolean {
    if (this.chunks.length === 0 && this.events.length === 0 && this.states.length === 0) return true;
    try {
      this.db.transaction(() => {
        insertOutputChunks(this.db, this.chunks);
        insertEvents(this.db, this.options.backend, this.events);
        for (const change of this.states) recordStateChange(this.db, change);
      })();
    } catch (error) {
      if (!this.failing) this.options.log?.(`store write failed, keeping ${this.bufferedLines} lines buffered: ${(error as Error).message}`);
      this.failing = true;
      return false;
    }
    if (this.failing) this.options.log?.('store writable again');
    this.failing = false;
    this.chunks = [];
    this.events = [];
    this.states = [];
    this.bufferedLines = 0;
    return true;
  }

  private dropOverflow(): void {
    const max = this.options.maxBufferedLines ?? 100_000;
    while (this.bufferedLines > max && this.chunks.length > 1) {
      const dropped = this.chunks.shift()!;
      this.bufferedLines -= dropped.lines.length;
      this.droppedLines += dropped.lines.length;
    }
  }
}
