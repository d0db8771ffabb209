/**
 * The one event bus every signal goes through (ARCHITECTURE.md, "One engine for every signal").
 * Observers (title/screen classifiers, pane liveness) emit; rules, workflows and the store subscribe.
 */

export type AgentState = 'starting' | 'working' | 'waiting' | 'idle' | 'exited';

interface EventBase {
  /** Pane id as the backend spells it. */
  paneId: string;
  /** workmux handle of the worktree the pane belongs to, when known. */
  handle?: string;
  /** Epoch milliseconds. */
  at: number;
}

export interface TitleChangedEvent extends EventBase {
  type: 'title.changed';
  title: string;
  previous: string;
}

export interface AgentStateEvent extends EventBase {
  type: 'agent.state';
  /** Agent profile name (claude, codex, gemini, opencode, aider, shell) when identified. */
  agent?: string;
  state: AgentState;
  previous?: AgentState;
  /** Which signal decided it, e.g. `title:spinner`, `screen:permission`, `pane:dead`. */
  reason: string;
}

export interface TextAppendedEvent extends EventBase {
  type: 'text.appended';
  agent?: string;
  /** New lines only (never text already seen). */
  lines: string[];
  /** Set when the new snapshot did not overlap the previous one: output may be missing before `lines`. */
  gap?: boolean;
}

export interface PaneClosedEvent extends EventBase {
  type: 'pane.closed';
}

export interface PatternMatchedEvent extends EventBase {
  type: 'pattern.matched';
  ruleId: string;
  agent?: string;
  captures: Record<string, string>;
  /** The matched text. */
  text: string;
}

export type WatchEvent =
  | TitleChangedEvent
  | AgentStateEvent
  | TextAppendedEvent
  | PaneClosedEvent
  | PatternMatchedEvent;

export type WatchEventType = WatchEvent['type'];
type EventOf<T extends WatchEventType> = Extract<WatchEvent, { type: T }>;
type Handler<E> = (event: E) => void | Promise<void>;

/** Synchronous fan-out; async handlers are not awaited here (the caller decides what to await). */
export class EventBus {
  private readonly handlers = new Map<string, Set<Handler<WatchEvent>>>();

  on<T extends WatchEventType>(type: T, handler: Handler<EventOf<T>>): () => void;
  on(type: '*', handler: Handler<WatchEvent>): () => void;
  on(type: string, handler: Handler<never>): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler as Handler<WatchEvent>);
    return () => set!.delete(handler as Handler<WatchEvent>);
  }

  emit(event: WatchEvent): void {
    for (const key of [event.type, '*']) {
      for (const handler of this.handlers.get(key) ?? []) void handler(event);
    }
  }
}
