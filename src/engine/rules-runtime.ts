/**
 * Attaches the rule engine to the watcher's EventBus: new text is scanned against every text rule, events
 * trigger event rules, each new occurrence starts the rule's workflow on that pane, and every action passes
 * the one policy gate. `attachRuleEngine` is the only entry point the watch workflow needs.
 */
import { createHash } from 'node:crypto';
import type { Backend } from '../../backends/types.js';
import type { Database } from '../store/db.js';
import { exitAgent } from '../../backends/exit-escalation.js';
import { createNotifier, createShellRunner, type ActionDeps, type ExitAgentFn } from './actions.js';
import type { AgentState, EventBus, WatchEvent } from './events.js';
import { PolicyGate } from './gate.js';
import { systemClock, type Clock } from './rules/clock.js';
import { RuleRecords } from './rules/records.js';
import { RuleScanner, type TextMatch } from './rules/scanner.js';
import { DEFAULT_GATE_SETTINGS, type GateSettings, type Rule } from './rules/types.js';
import { UserInputTracker } from './user-input.js';
import { WorkflowRunner, type WorkflowTrigger } from './workflow.js';

export interface RuleEngineOptions {
  readonly bus: EventBus;
  readonly backend: Backend;
  readonly store: Database;
  readonly rules: readonly Rule[];
  readonly gate?: GateSettings;
  readonly clock?: Clock;
  /** Overrides `gate.dry_run` (`watch --dry-run`). */
  readonly dryRun?: boolean;
  readonly log?: (line: string) => void;
  /** Defaults: the shared exit ladder, desktop notifications, `sh -c`. Tests may replace them. */
  readonly exitAgent?: ExitAgentFn;
  readonly notify?: ActionDeps['notify'];
  readonly runShell?: ActionDeps['runShell'];
  readonly env?: NodeJS.ProcessEnv;
}

export interface RuleEngine {
  readonly gate: PolicyGate;
  readonly workflows: WorkflowRunner;
  readonly records: RuleRecords;
  /** Unsubscribes and stops workflows; their saved state lets the next watcher resume them. */
  detach(): void;
  /** Resolves when no workflow is between steps (pending waits excepted). */
  settled(): Promise<void>;
}

/** How many recent lines per pane are kept to recognise a redraw and to give a match its position. */
const RECENT_LINES = 500;
const CONTEXT_LINES = 2;

interface PaneTrack {
  agent?: string;
  handle?: string;
  state?: AgentState;
  recent: string[];
  recentCounts: Map<string, number>;
}

export async function attachRuleEngine(options: RuleEngineOptions): Promise<RuleEngine> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clock = options.clock ?? systemClock;
  const settings = { ...(options.gate ?? DEFAULT_GATE_SETTINGS), ...(options.dryRun !== undefined ? { dryRun: options.dryRun } : {}) };
  const records = new RuleRecords(options.store);
  records.pruneOccurrences(clock.now() - settings.dedupeWindowMs);
  const gate = new PolicyGate({ records, settings, clock, input: new UserInputTracker(), readScreen: (pane) => options.backend.capture(pane), log });
  const actionDeps: ActionDeps = {
    backend: options.backend,
    records,
    clock,
    submitDelayMs: settings.submitDelayMs,
    exitAgent: options.exitAgent ?? exitAgent,
    notify: options.notify ?? createNotifier(log, options.env),
    runShell: options.runShell ?? createShellRunner(options.env),
  };
  const panes = new Map<string, PaneTrack>();
  const track = (paneId: string): PaneTrack => {
    let pane = panes.get(paneId);
    if (!pane) panes.set(paneId, (pane = { recent: [], recentCounts: new Map() }));
    return pane;
  };
  const rulesById = new Map(options.rules.map((rule) => [rule.id, rule]));
  const workflows = new WorkflowRunner(
    { gate, records, clock, actionDeps, log, paneState: (id) => panes.get(id)?.state, paneAgent: (id) => panes.get(id)?.agent },
    rulesById,
  );
  const scanner = new RuleScanner(options.rules);
  const eventRules = options.rules.filter((rule) => rule.trigger.kind === 'event');

  /** Starts the rule's workflow when this is a new occurrence; false for a repeat. */
  const startIfNew = (rule: Rule, key: string, trigger: WorkflowTrigger): boolean => {
    if (!gate.claimOccurrence(rule.id, trigger.paneId, key)) return false;
    workflows.start(rule, trigger);
    return true;
  };

  const onText = (event: Extract<WatchEvent, { type: 'text.appended' }>) => {
    const pane = track(event.paneId);
    if (event.agent) pane.agent = event.agent;
    if (event.handle) pane.handle = event.handle;
    if (!event.gap) gate.observeOutput(event.paneId, event.lines);
    workflows.onText(event.paneId, event.lines);
    const matches = scanner.size > 0 ? scanner.scan(event.lines, pane.agent) : [];
    for (const match of matches) {
      // A redraw the watcher could not align re-sends lines still on screen: not a new occurrence.
      if (event.gap && pane.recentCounts.has(match.line)) continue;
      const started = startIfNew(match.rule, occurrenceKey(match, event.lines, pane.recent), {
        paneId: event.paneId,
        handle: pane.handle,
        agent: pane.agent,
        vars: { ...match.captures, text: match.text, line: match.line, event: 'pattern.matched' },
        following: event.lines.slice(match.lineIndex + 1),
      });
      if (started) {
        options.bus.emit({ type: 'pattern.matched', paneId: event.paneId, handle: pane.handle, at: event.at, ruleId: match.rule.id, agent: pane.agent, captures: match.captures, text: match.text });
      }
    }
    remember(pane, event.lines);
  };

  const onEvent = (event: WatchEvent) => {
    const pane = track(event.paneId);
    if (event.handle) pane.handle = event.handle;
    if (event.type === 'agent.state') {
      if (event.agent) pane.agent = event.agent;
      pane.state = event.state;
      workflows.onState(event.paneId, event.state);
    } else if (event.type === 'pane.closed') {
      workflows.onPaneClosed(event.paneId);
    } else {
      return;
    }
    for (const rule of eventRules) {
      if (rule.trigger.kind !== 'event' || !eventMatches(rule, event, pane.agent)) continue;
      const vars: Record<string, string> = { event: event.type, text: event.type === 'agent.state' ? event.state : 'closed', line: '' };
      if (event.type === 'agent.state') Object.assign(vars, { state: event.state, previous: event.previous ?? '', reason: event.reason });
      startIfNew(rule, `${event.type}\u0000${vars.state ?? ''}\u0000${event.at}`, { paneId: event.paneId, handle: pane.handle, agent: pane.agent, vars });
    }
    if (event.type === 'pane.closed') panes.delete(event.paneId);
  };

  // A failing handler (a busy store, a bad pane) must not take the watcher down: log and go on.
  const guarded = <E extends WatchEvent>(handler: (event: E) => void) => (event: E) => {
    try {
      handler(event);
    } catch (error) {
      log(`[rules] ${event.type} on ${event.paneId}: ${(error as Error).message}`);
    }
  };
  const unsubscribe = [
    options.bus.on('text.appended', guarded(onText)),
    options.bus.on('agent.state', guarded(onEvent)),
    options.bus.on('pane.closed', guarded(onEvent)),
  ];
  workflows.resumeSaved();
  return {
    gate,
    workflows,
    records,
    detach() {
      for (const off of unsubscribe) off();
      workflows.detach();
    },
    settled: () => workflows.settled(),
  };
}

function eventMatches(rule: Rule, event: Extract<WatchEvent, { type: 'agent.state' | 'pane.closed' }>, agent: string | undefined): boolean {
  if (rule.trigger.kind !== 'event') return false;
  if (rule.agent !== undefined && rule.agent !== agent) return false;
  const trigger = rule.trigger.event;
  if (trigger.type !== event.type) return false;
  return trigger.type === 'pane.closed' || trigger.states === null || (event.type === 'agent.state' && trigger.states.includes(event.state));
}

/**
 * An occurrence's identity: captures + the matched line + the non-blank lines just before it (its position in
 * the output). Printing the same line again elsewhere is a new occurrence; showing the same screen again is not.
 */
export function occurrenceKey(match: TextMatch, lines: readonly string[], recent: readonly string[]): string {
  const context: string[] = [];
  for (let i = match.lineIndex - 1; i >= 0 && context.length < CONTEXT_LINES; i--) if (lines[i]!.trim()) context.push(lines[i]!);
  for (let i = recent.length - 1; i >= 0 && context.length < CONTEXT_LINES; i--) if (recent[i]!.trim()) context.push(recent[i]!);
  const captures = Object.entries(match.captures).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha1').update(JSON.stringify([captures, match.line, context])).digest('hex');
}

function remember(pane: PaneTrack, lines: readonly string[]): void {
  for (const line of lines.length > RECENT_LINES ? lines.slice(-RECENT_LINES) : lines) {
    pane.recent.push(line);
    pane.recentCounts.set(line, (pane.recentCounts.get(line) ?? 0) + 1);
  }
  while (pane.recent.length > RECENT_LINES) {
    const old = pane.recent.shift()!;
    const count = pane.recentCounts.get(old)! - 1;
    if (count === 0) pane.recentCounts.delete(old);
    else pane.recentCounts.set(old, count);
  }
}

/**
 * The rule engine as a watch extension (src/workflows/watch.ts `extensions`): attach on start, detach on stop.
 * Returns the detach function the watcher calls when it stops.
 */
export function ruleEngineExtension(
  ruleSet: { readonly rules: readonly Rule[]; readonly gate: GateSettings },
  options: { dryRun?: boolean; log?: (line: string) => void; env?: NodeJS.ProcessEnv } = {},
): (bus: EventBus, backend: Backend, store: Database) => Promise<() => void> {
  return async (bus, backend, store) => {
    const engine = await attachRuleEngine({ bus, backend, store, rules: ruleSet.rules, gate: ruleSet.gate, ...options });
    return () => engine.detach();
  };
}
