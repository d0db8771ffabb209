/**
 * What the watcher knows about one pane between observations: last title/command, last screen, when the screen
 * last changed, the current classification, and when to look again (fast while the pane changes, slower while
 * it is still). Turns listings and captures into bus events; performs no I/O itself.
 */
import type { PaneInfo } from '../../../backends/types.js';
import { classifyPane, isStatusLine, type Classification, type ClassifyOptions } from '../../agents/classify.js';
import type { AgentStateEvent, TextAppendedEvent, TitleChangedEvent, WatchEvent } from '../events.js';
import { RecentLines, extractNewText, snapshotLines } from './new-text.js';

export interface PaneTarget {
  paneId: string;
  handle?: string;
  /** `agents.id` when workmux opened this pane. */
  agentId?: string;
  /** The agent (or command) workmux started there. */
  agentHint?: string;
  /**
   * The tab the pane was opened in. Pane ids restart with a multiplexer server (and two tmux servers both have a
   * `%3`): a listed pane whose tab differs is not this target.
   */
  tabId?: string;
}

export interface IntervalSettings {
  /** Capture interval while the screen changes or a state is settling. */
  fastMs: number;
  /** Upper bound of the capture interval while nothing changes. */
  slowMs: number;
}

/**
 * A still pane is captured every 15 s at most: a title or foreground-command change (seen in the one listing per
 * tick) triggers a capture at once, so only screen-only changes of a quiet pane wait that long.
 */
export const DEFAULT_INTERVALS: IntervalSettings = { fastMs: 250, slowMs: 15_000 };

export class PaneTracker {
  title = '';
  command = '';
  dead = false;
  classification: Classification | undefined;
  /** True once the agent has been seen working: idle after that is "done". */
  hasWorked = false;
  /** The last Codex OSC 7501 state seen in the pane's raw output (pushed backends only). */
  osc7501: string | undefined;
  /** A capture is running (a hung backend call keeps it set, so calls never pile up). */
  inFlight = false;
  nextCaptureAt = 0;
  private interval: number;
  private lines: string[] = [];
  private screen: string | undefined;
  private screenChangedAt = 0;
  private readonly recent = new RecentLines();

  constructor(
    public target: PaneTarget,
    private readonly intervals: IntervalSettings = DEFAULT_INTERVALS,
    private readonly classifyOptions: ClassifyOptions = {},
  ) {
    this.interval = intervals.fastMs;
  }

  /** Applies the pane's row from the one-per-tick listing; a new title or foreground command means "look now". */
  noteListing(info: PaneInfo, now: number): WatchEvent[] {
    const events: WatchEvent[] = [];
    if (info.title !== this.title) {
      const event: TitleChangedEvent = { ...this.base(now), type: 'title.changed', title: info.title, previous: this.title };
      events.push(event);
      this.nextCaptureAt = now;
    }
    if (info.currentCommand !== this.command || info.dead !== this.dead) this.nextCaptureAt = now;
    this.title = info.title;
    this.command = info.currentCommand;
    this.dead = info.dead;
    return events;
  }

  isDue(now: number): boolean {
    return !this.inFlight && now >= this.nextCaptureAt;
  }

  /** Classifies a fresh capture; returns text and state events and schedules the next capture. */
  applyCapture(screen: string, now: number): WatchEvent[] {
    const events: WatchEvent[] = [];
    const changed = screen !== this.screen;
    if (changed) {
      const current = snapshotLines(screen);
      const agent = this.classification?.agent ?? this.target.agentHint;
      const text = extractNewText(this.lines, current, this.recent, (line) => isStatusLine(agent, line));
      if (text.lines.length > 0) {
        const event: TextAppendedEvent = { ...this.base(now), type: 'text.appended', agent, lines: text.lines };
        if (text.gap) event.gap = true;
        events.push(event);
      }
      this.lines = current;
      this.screen = screen;
      this.screenChangedAt = now;
    }
    const stateEvent = this.classify(now, screen);
    if (stateEvent) events.push(stateEvent);
    this.schedule(now, changed);
    return events;
  }

  /** The pane is gone from the listing (killed, server gone): exited, then closed. */
  closed(now: number): WatchEvent[] {
    const events: WatchEvent[] = [];
    const previous = this.classification;
    if (previous && previous.state !== 'exited') {
      events.push(this.stateEvent(now, { agent: previous.agent, state: 'exited', reason: 'pane:gone' }, previous));
    }
    events.push({ ...this.base(now), type: 'pane.closed' });
    return events;
  }

  private classify(now: number, screen: string): AgentStateEvent | undefined {
    const previous = this.classification;
    const next = classifyPane(
      {
        title: this.title,
        screen,
        command: this.command,
        dead: this.dead,
        agentHint: this.target.agentHint,
        screenStillMs: now - this.screenChangedAt,
        osc7501: this.osc7501,
      },
      previous,
      this.classifyOptions,
    );
    this.classification = next;
    if (next.state === 'working') this.hasWorked = true;
    if (previous && previous.state === next.state && previous.agent === next.agent) return undefined;
    return this.stateEvent(now, next, previous);
  }

  private stateEvent(now: number, next: Classification, previous: Classification | undefined): AgentStateEvent {
    this.classification = next;
    const event: AgentStateEvent = { ...this.base(now), type: 'agent.state', agent: next.agent, state: next.state, reason: next.reason };
    if (previous) event.previous = previous.state;
    return event;
  }

  /** Fast while the screen moves or a state is settling, then ×4 per unchanged capture up to slowMs. */
  private schedule(now: number, changed: boolean): void {
    const busy = changed || this.classification?.reason.endsWith(':settling') === true;
    this.interval = busy ? this.intervals.fastMs : Math.min(this.intervals.slowMs, this.interval * 4);
    this.nextCaptureAt = now + this.interval;
  }

  private base(now: number) {
    return this.target.handle === undefined
      ? { paneId: this.target.paneId, at: now }
      : { paneId: this.target.paneId, handle: this.target.handle, at: now };
  }
}
