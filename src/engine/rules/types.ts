/**
 * Compiled rule model: what `rules:` and `rule_packs:` config values become after parsing.
 * A rule is a trigger (new text matching a pattern, or a watcher event) plus a list of steps; the steps
 * form a small per-pane state machine (labels are states, `wait` steps are transitions with timeouts).
 */
import type { AgentState } from '../events.js';
import type { AgentStatus, Key } from '../../../backends/types.js';

/** A `match:` value: a literal, or `/regex/flags` with named groups. Matched against one line at a time. */
export interface Matcher {
  /** As written in the config. */
  readonly source: string;
  readonly kind: 'literal' | 'regex';
  /** Per-line matcher (no g/y flags). */
  readonly regex: RegExp;
  /**
   * A substring every match must contain (the literal itself, or the longest literal run of the regex),
   * used to skip lines cheaply. null when none could be derived: the regex runs on every line.
   */
  readonly anchor: string | null;
  /** The anchor is lower-cased and must be searched in lower-cased text (the `i` flag). */
  readonly foldCase: boolean;
}

/** `on:` triggers: watcher events instead of text. */
export type EventTrigger =
  | { readonly type: 'agent.state'; readonly states: readonly AgentState[] | null }
  | { readonly type: 'pane.closed' };

export type Trigger = { readonly kind: 'text'; readonly matcher: Matcher } | { readonly kind: 'event'; readonly event: EventTrigger };

/** Text values may contain `{{name}}` placeholders: captures, plus handle, pane, rule, agent, text. */
export type Template = string;

export type WaitTimeoutPolicy = 'stop' | 'continue' | { readonly goto: string };

export type Action =
  | { readonly kind: 'send'; readonly text: Template; readonly submit: boolean }
  | { readonly kind: 'key'; readonly key: Key }
  | { readonly kind: 'exit'; readonly exitText?: string; readonly exitKey?: Key }
  | { readonly kind: 'run'; readonly command: Template; readonly timeoutMs: number }
  | { readonly kind: 'notify'; readonly title: Template; readonly message: Template }
  | { readonly kind: 'status'; readonly status: AgentStatus | null }
  | {
      readonly kind: 'wait';
      readonly match?: Matcher;
      readonly states?: readonly AgentState[];
      /** A time of day (`4:57 PM`, `5pm`, `17:00`) or a template resolving to one: wait until then. */
      readonly until?: Template;
      readonly timeoutMs: number;
      readonly onTimeout: WaitTimeoutPolicy;
    }
  | { readonly kind: 'record'; readonly record: 'limit' | 'metric' }
  | { readonly kind: 'record'; readonly record: 'resume'; readonly command: Template }
  /** Types the pane's recorded resume command (skipped when it was already resumed). */
  | { readonly kind: 'resume' };

export type ActionKind = Action['kind'];

export interface Step {
  readonly action: Action;
  /** A state name other steps' `on_timeout` can jump to. */
  readonly label?: string;
}

export interface Rule {
  readonly id: string;
  /** Only panes running this agent profile (claude, codex, gemini, ...). */
  readonly agent?: string;
  readonly trigger: Trigger;
  readonly steps: readonly Step[];
  readonly description?: string;
  /** The built-in pack the rule came from, when it did. */
  readonly pack?: string;
}

/** Where an action touches the pane's input: these pass the "user is typing" check. */
export const TYPING_ACTIONS: ReadonlySet<ActionKind> = new Set(['send', 'key', 'exit', 'resume']);
/** Actions with effects outside the store: these count against rate limits. */
export const RATE_LIMITED_ACTIONS: ReadonlySet<ActionKind> = new Set(['send', 'key', 'exit', 'run', 'notify', 'resume']);

/** The `gate:` config section, resolved. */
export interface GateSettings {
  /** No typing into a pane where the user typed within this many ms. */
  readonly userIdleMs: number;
  /** How long a typing action waits for the user to stop before it is dropped (audited as blocked). */
  readonly maxDeferMs: number;
  /** At most this many rate-limited actions per pane per window, and across all panes. */
  readonly ratePerPane: number;
  readonly rateGlobal: number;
  readonly rateWindowMs: number;
  /** How long an occurrence (rule + captures + position) is remembered, across watcher restarts. */
  readonly dedupeWindowMs: number;
  /** Pause between pasting text and pressing Enter. */
  readonly submitDelayMs: number;
  /** Log and audit what would be done, do nothing. */
  readonly dryRun: boolean;
}

export const DEFAULT_GATE_SETTINGS: GateSettings = {
  userIdleMs: 5_000,
  maxDeferMs: 120_000,
  ratePerPane: 6,
  rateGlobal: 30,
  rateWindowMs: 60_000,
  dedupeWindowMs: 3_600_000,
  submitDelayMs: 100,
  dryRun: false,
};
