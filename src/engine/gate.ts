/**
 * THE policy gate: every rule action passes here before it touches anything (ARCHITECTURE.md, "One engine
 * for every signal").
 * - one firing per occurrence: an occurrence key (rule + captures + position) is claimed once per dedupe
 *   window, in the store, so a redraw or a restarted watcher does not fire again;
 * - rate limits per pane and global (sliding window) for actions with outside effects;
 * - no typing into a pane where the user typed within `userIdleMs`, or while the user's own unsent draft is on
 *   its input line (user-input.ts says how that is told): such actions are deferred, and blocked once they
 *   waited `maxDeferMs`;
 * - dry-run: everything is decided and audited, nothing is done;
 * - every decision lands in the audit table.
 */
import type { Clock } from './rules/clock.js';
import type { AuditEntry, AuditOutcome, RuleRecords } from './rules/records.js';
import { RATE_LIMITED_ACTIONS, TYPING_ACTIONS, type Action, type GateSettings } from './rules/types.js';
import type { UserInputTracker } from './user-input.js';

export type GateVerdict =
  | { readonly verdict: 'allow' }
  | { readonly verdict: 'dry-run' }
  | { readonly verdict: 'defer'; readonly reason: string; readonly retryInMs: number }
  | { readonly verdict: 'deny'; readonly outcome: AuditOutcome; readonly reason: string };

export interface GateRequest {
  readonly ruleId: string;
  readonly paneId: string;
  readonly action: Action;
}

export interface GateOptions {
  readonly records: RuleRecords;
  readonly settings: GateSettings;
  readonly clock: Clock;
  readonly input: UserInputTracker;
  /** Reads the pane's screen (to find its input line). */
  readonly readScreen: (paneId: string) => Promise<string>;
  readonly log?: (line: string) => void;
}

const MAX_MEMORY_CLAIMS = 10_000;

/** Timestamps of admitted actions within the rate window. */
class SlidingWindow {
  private readonly times: number[] = [];
  constructor(private readonly limit: number, private readonly windowMs: number) {}

  full(now: number): boolean {
    while (this.times.length > 0 && now - this.times[0]! >= this.windowMs) this.times.shift();
    return this.times.length >= this.limit;
  }

  add(now: number): void {
    this.times.push(now);
  }
}

export class PolicyGate {
  private readonly perPane = new Map<string, SlidingWindow>();
  private readonly global: SlidingWindow;
  /** Occurrence key → when it was claimed (insertion order = age). */
  private readonly claims = new Map<string, number>();

  constructor(private readonly options: GateOptions) {
    this.global = new SlidingWindow(options.settings.rateGlobal, options.settings.rateWindowMs);
  }

  get dryRun(): boolean {
    return this.options.settings.dryRun;
  }

  get settings(): GateSettings {
    return this.options.settings;
  }

  /**
   * Claims an occurrence; false when it already fired (a redraw, a replay after restart). Claims are kept in
   * memory too: a redraw storm costs no store writes, and a busy store cannot make a redraw fire twice.
   */
  claimOccurrence(ruleId: string, paneId: string, key: string): boolean {
    const { records, clock, settings, log } = this.options;
    const fullKey = `${paneId}\u0000${ruleId}\u0000${key}`;
    const now = clock.now();
    const seen = this.claims.get(fullKey);
    if (seen !== undefined && now - seen < settings.dedupeWindowMs) return false;
    let claimed = true;
    try {
      claimed = records.claimOccurrence(fullKey, ruleId, paneId, now, settings.dedupeWindowMs);
    } catch (error) {
      log?.(`[rules] could not record occurrence of ${ruleId} in the store: ${(error as Error).message}`);
    }
    this.claims.set(fullKey, now);
    if (this.claims.size > MAX_MEMORY_CLAIMS) this.claims.delete(this.claims.keys().next().value!);
    return claimed;
  }

  /** Decides one action. An `allow` or `dry-run` verdict takes a rate-limit slot. */
  async check(request: GateRequest): Promise<GateVerdict> {
    const { clock, settings } = this.options;
    const kind = request.action.kind;
    if (TYPING_ACTIONS.has(kind)) {
      const busy = await this.userActivity(request.paneId);
      if (busy) return { verdict: 'defer', ...busy };
    }
    const now = clock.now();
    if (RATE_LIMITED_ACTIONS.has(kind)) {
      const pane = this.paneWindow(request.paneId);
      if (pane.full(now)) return { verdict: 'deny', outcome: 'rate-limited', reason: `more than ${settings.ratePerPane} actions per ${settings.rateWindowMs / 1000}s in this pane` };
      if (this.global.full(now)) return { verdict: 'deny', outcome: 'rate-limited', reason: `more than ${settings.rateGlobal} actions per ${settings.rateWindowMs / 1000}s in all panes` };
      pane.add(now);
      this.global.add(now);
    }
    if (settings.dryRun) return { verdict: 'dry-run' };
    if (TYPING_ACTIONS.has(kind)) this.options.input.noteSent(request.paneId, now);
    return { verdict: 'allow' };
  }

  /** Records a decision or an outcome; dry-run outcomes are also logged so the user sees what would happen. */
  audit(entry: Omit<AuditEntry, 'at'>): void {
    const full = { ...entry, at: this.options.clock.now() };
    try {
      this.options.records.audit(full);
    } catch (error) {
      // A busy store must not stop the action or the watcher; the log line still tells what happened.
      this.options.log?.(`[rules] could not write the audit row: ${(error as Error).message}`);
    }
    if (full.outcome !== 'done') {
      const reason = full.reason ? ` (${full.reason})` : '';
      this.options.log?.(`[rules] ${full.outcome}: ${full.ruleId} ${full.action} → ${full.paneId}: ${full.detail}${reason}`);
    }
  }

  /** New output of a pane: its input line, when shown, updates what the gate knows about the user's typing. */
  observeOutput(paneId: string, lines: readonly string[]): void {
    this.options.input.observeLines(paneId, lines, this.options.clock.now());
  }

  /** Why and for how long to hold off typing into the pane, or undefined when the user is not busy there. */
  private async userActivity(paneId: string): Promise<{ reason: string; retryInMs: number } | undefined> {
    const { clock, settings, input, readScreen } = this.options;
    if (settings.userIdleMs <= 0) return undefined;
    let screen: string;
    try {
      screen = await readScreen(paneId);
    } catch {
      return undefined; // an unreadable pane gets no typing protection; the action itself will report the failure
    }
    const now = clock.now();
    const activity = input.observe(paneId, screen, now);
    if (activity.userDraft) return { reason: 'the user has unsent text on the input line', retryInMs: settings.userIdleMs };
    const quietFor = activity.lastUserInputAt === undefined ? Number.POSITIVE_INFINITY : now - activity.lastUserInputAt;
    if (quietFor >= settings.userIdleMs) return undefined;
    return { reason: 'the user typed in this pane recently', retryInMs: settings.userIdleMs - quietFor };
  }

  private paneWindow(paneId: string): SlidingWindow {
    let window = this.perPane.get(paneId);
    if (!window) this.perPane.set(paneId, (window = new SlidingWindow(this.options.settings.ratePerPane, this.options.settings.rateWindowMs)));
    return window;
  }
}
