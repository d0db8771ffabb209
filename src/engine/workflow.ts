/**
 * Per-pane workflows: a rule's steps run as a small state machine per pane. The current step (the state),
 * the captured variables and a pending wait's deadline are saved in the store after every transition, so
 * a restarted watcher picks each workflow up where it stopped. Non-wait steps pass the policy gate.
 */
import { nanoid } from 'nanoid';
import type { AgentState } from './events.js';
import { describeAction, performAction, type ActionContext, type ActionDeps } from './actions.js';
import type { PolicyGate } from './gate.js';
import type { Clock } from './rules/clock.js';
import type { AuditOutcome, RuleRecords, WorkflowRow, WorkflowStatus } from './rules/records.js';
import { firstMatch } from './rules/scanner.js';
import type { Action, Rule } from './rules/types.js';
import { nextResetTime, renderTemplate } from './rules/values.js';

type WaitAction = Extract<Action, { kind: 'wait' }>;
type WaitResult = { kind: 'matched'; captures: Record<string, string> } | { kind: 'timeout' } | { kind: 'detached' };

/** Lines kept per workflow for a later `wait: {match}` (text that arrived while earlier steps ran). */
const BUFFER_LINES = 2_000;

export interface WorkflowHost {
  readonly gate: PolicyGate;
  readonly records: RuleRecords;
  readonly clock: Clock;
  readonly actionDeps: ActionDeps;
  readonly log: (line: string) => void;
  /** The pane's last known agent state. */
  paneState(paneId: string): AgentState | undefined;
  paneAgent(paneId: string): string | undefined;
}

export interface WorkflowTrigger {
  readonly paneId: string;
  readonly handle?: string;
  readonly agent?: string;
  /** Captures plus text, line and event. */
  readonly vars: Record<string, string>;
  /** Lines after the matched one in the same chunk (a wait step may be looking for them). */
  readonly following?: readonly string[];
}

interface Waiter {
  readonly action: WaitAction;
  readonly resolve: (result: WaitResult) => void;
  cancelTimer: () => void;
}

interface Instance {
  row: WorkflowRow;
  readonly rule: Rule;
  buffer: string[];
  waiter?: Waiter;
  detached: boolean;
}

/** Serialises effects per pane so two workflows never interleave their typing. */
class PaneLocks {
  private readonly tails = new Map<string, Promise<unknown>>();
  async with<T>(paneId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(paneId) ?? Promise.resolve();
    const current = previous.then(fn, fn);
    const tail = current.catch(() => undefined);
    this.tails.set(paneId, tail);
    void tail.then(() => this.tails.get(paneId) === tail && this.tails.delete(paneId));
    return current;
  }
}

export class WorkflowRunner {
  private readonly instances = new Map<string, Instance>();
  private readonly locks = new PaneLocks();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly host: WorkflowHost, private readonly rules: ReadonlyMap<string, Rule>) {}

  /**
   * Starts the rule's workflow on a pane. A rule with wait steps runs once per pane at a time (a second
   * instance would race the first for the same screen); one-shot rules may overlap, their effects queue.
   */
  start(rule: Rule, trigger: WorkflowTrigger): WorkflowRow | undefined {
    const multiStep = rule.steps.some((step) => step.action.kind === 'wait');
    const busy = multiStep && [...this.instances.values()].some((i) => i.rule.id === rule.id && i.row.paneId === trigger.paneId);
    if (busy) {
      this.host.gate.audit({ ruleId: rule.id, paneId: trigger.paneId, handle: trigger.handle, action: 'workflow', detail: 'start', outcome: 'skipped', reason: 'already running in this pane' });
      return undefined;
    }
    const now = this.host.clock.now();
    const row: WorkflowRow = {
      id: nanoid(12), ruleId: rule.id, paneId: trigger.paneId, handle: trigger.handle, agent: trigger.agent,
      step: 0, vars: trigger.vars, status: 'running', startedAt: now, updatedAt: now,
    };
    const inst: Instance = { row, rule, buffer: [...(trigger.following ?? [])], detached: false };
    this.persist(inst);
    this.launch(inst);
    return row;
  }

  /** Picks up workflows a previous watcher left running or waiting. */
  resumeSaved(): number {
    let resumed = 0;
    for (const row of this.host.records.activeWorkflows()) {
      if (this.instances.has(row.id)) continue;
      const rule = this.rules.get(row.ruleId);
      if (!rule || row.step >= rule.steps.length) {
        this.save({ ...row, status: 'cancelled', reason: rule ? 'no steps left' : 'the rule is no longer configured', updatedAt: this.host.clock.now() });
        continue;
      }
      this.host.log(`[rules] resuming workflow ${row.ruleId} on ${row.paneId} at step ${row.step}`);
      this.launch({ row, rule, buffer: [], detached: false });
      resumed++;
    }
    return resumed;
  }

  /** New output lines of a pane: buffered for later waits, and offered to a pending `wait: {match}`. */
  onText(paneId: string, lines: readonly string[]): void {
    for (const inst of this.instances.values()) {
      if (inst.row.paneId !== paneId) continue;
      inst.buffer.push(...lines);
      if (inst.buffer.length > BUFFER_LINES) inst.buffer.splice(0, inst.buffer.length - BUFFER_LINES);
      if (inst.waiter?.action.match) this.tryMatch(inst);
    }
  }

  onState(paneId: string, state: AgentState): void {
    for (const inst of this.instances.values()) {
      const states = inst.waiter?.action.states;
      if (inst.row.paneId === paneId && states?.includes(state)) inst.waiter!.resolve({ kind: 'matched', captures: {} });
    }
  }

  /** The pane is gone: its workflows end. */
  onPaneClosed(paneId: string): void {
    for (const inst of [...this.instances.values()]) if (inst.row.paneId === paneId) this.finish(inst, 'cancelled', 'the pane closed');
  }

  /** Stops every workflow without touching the store: a later `resumeSaved` continues them. */
  detach(): void {
    for (const inst of this.instances.values()) {
      inst.detached = true;
      inst.waiter?.cancelTimer();
      inst.waiter?.resolve({ kind: 'detached' });
    }
    this.instances.clear();
  }

  /** Resolves once every workflow has finished or is parked in a wait step. For tests and shutdown. */
  async settled(): Promise<void> {
    while ([...this.instances.values()].some((inst) => !inst.waiter)) {
      await Promise.race([...this.running, new Promise((resolve) => setTimeout(resolve, 10))]);
    }
  }

  active(): WorkflowRow[] {
    return [...this.instances.values()].map((i) => i.row);
  }

  private launch(inst: Instance): void {
    this.instances.set(inst.row.id, inst);
    const done = this.run(inst)
      .catch((error: unknown) => this.finish(inst, 'failed', (error as Error).message))
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }

  private async run(inst: Instance): Promise<void> {
    const steps = inst.rule.steps;
    while (!inst.detached && inst.row.step < steps.length) {
      const step = steps[inst.row.step]!;
      const next = step.action.kind === 'wait' ? await this.runWait(inst, step.action) : await this.runAction(inst, step.action);
      if (next === 'detached' || inst.detached) return;
      if (next === 'stop') return;
      this.persist(inst, { step: next, status: 'running', waitDeadline: undefined });
    }
    if (!inst.detached) this.finish(inst, 'done');
  }

  private context(inst: Instance): ActionContext {
    const { row } = inst;
    return { ruleId: row.ruleId, paneId: row.paneId, handle: row.handle, agent: row.agent ?? this.host.paneAgent(row.paneId), event: row.vars.event ?? 'pattern.matched', vars: row.vars };
  }

  /** Gate, then effect, under the pane's lock. Returns the next step index, or 'stop'. */
  private async runAction(inst: Instance, action: Action): Promise<number | 'stop' | 'detached'> {
    const { gate, clock } = this.host;
    const ctx = this.context(inst);
    const detail = describeAction(action, ctx);
    const audit = (outcome: AuditOutcome, reason?: string) =>
      gate.audit({ ruleId: ctx.ruleId, paneId: ctx.paneId, handle: ctx.handle, workflowId: inst.row.id, step: inst.row.step, action: action.kind, detail, outcome, reason });
    const deferredSince = clock.now();
    let auditedDefer = false;
    for (;;) {
      if (inst.detached) return 'detached';
      const decided = await this.locks.with(ctx.paneId, async () => {
        const verdict = await gate.check({ ruleId: ctx.ruleId, paneId: ctx.paneId, action });
        if (verdict.verdict !== 'allow') return verdict;
        try {
          const result = await performAction(action, ctx, this.host.actionDeps);
          audit(result.outcome, result.reason);
          return { verdict: 'performed' as const, failed: result.outcome === 'failed', reason: result.reason };
        } catch (error) {
          audit('failed', (error as Error).message);
          return { verdict: 'performed' as const, failed: true, reason: (error as Error).message };
        }
      });
      switch (decided.verdict) {
        case 'performed':
          if (!decided.failed) return inst.row.step + 1;
          this.finish(inst, 'failed', decided.reason ?? 'action failed');
          return 'stop';
        case 'dry-run':
          audit('dry-run');
          return inst.row.step + 1;
        case 'deny':
          audit(decided.outcome, decided.reason);
          this.finish(inst, 'stopped', decided.reason);
          return 'stop';
        case 'defer': {
          if (clock.now() - deferredSince >= gate.settings.maxDeferMs) {
            audit('blocked', `${decided.reason}; gave up after ${gate.settings.maxDeferMs / 1000}s`);
            this.finish(inst, 'stopped', 'blocked: the user kept typing');
            return 'stop';
          }
          if (!auditedDefer) audit('deferred', decided.reason);
          auditedDefer = true;
          // Re-read the pane often while deferred, so "last typed" is measured finely.
          await clock.sleep(Math.min(decided.retryInMs, 1_000));
        }
      }
    }
  }

  private async runWait(inst: Instance, action: WaitAction): Promise<number | 'stop' | 'detached'> {
    const { clock } = this.host;
    const ctx = this.context(inst);
    let deadline = inst.row.status === 'waiting' ? inst.row.waitDeadline : undefined;
    if (deadline === undefined) {
      const until = action.until ? nextResetTime(renderTemplate(action.until, { ...ctx.vars }), clock.now()) : undefined;
      if (until === null) return this.afterTimeout(inst, action, `no time in ${JSON.stringify(renderTemplate(action.until!, ctx.vars))}`);
      deadline = until ?? clock.now() + action.timeoutMs;
    }
    this.persist(inst, { status: 'waiting', waitDeadline: deadline });
    const result = await new Promise<WaitResult>((resolve) => {
      const waiter: Waiter = { action, resolve: (r) => { waiter.cancelTimer(); inst.waiter = undefined; resolve(r); }, cancelTimer: () => {} };
      inst.waiter = waiter;
      waiter.cancelTimer = clock.setTimer(Math.max(0, deadline - clock.now()), () => waiter.resolve({ kind: 'timeout' }));
      if (action.states && action.states.includes(this.host.paneState(inst.row.paneId)!)) waiter.resolve({ kind: 'matched', captures: {} });
      else if (action.match) this.tryMatch(inst);
    });
    if (result.kind === 'detached') return 'detached';
    const onlyUntil = action.until !== undefined && !action.match && !action.states;
    if (result.kind === 'timeout' && !onlyUntil) return this.afterTimeout(inst, action, 'timed out');
    const captures = result.kind === 'matched' ? result.captures : {};
    this.host.gate.audit({ ruleId: ctx.ruleId, paneId: ctx.paneId, handle: ctx.handle, workflowId: inst.row.id, step: inst.row.step, action: 'wait', detail: describeAction(action, ctx), outcome: 'done' });
    inst.row = { ...inst.row, vars: { ...inst.row.vars, ...captures } };
    return inst.row.step + 1;
  }

  private afterTimeout(inst: Instance, action: WaitAction, why: string): number | 'stop' {
    const ctx = this.context(inst);
    const policy = action.onTimeout;
    this.host.gate.audit({ ruleId: ctx.ruleId, paneId: ctx.paneId, handle: ctx.handle, workflowId: inst.row.id, step: inst.row.step, action: 'wait', detail: describeAction(action, ctx), outcome: 'skipped', reason: `${why}; on_timeout: ${typeof policy === 'string' ? policy : policy.goto}` });
    if (policy === 'continue') return inst.row.step + 1;
    if (policy === 'stop') {
      this.finish(inst, 'stopped', `wait ${why}`);
      return 'stop';
    }
    return inst.rule.steps.findIndex((s) => s.label === policy.goto);
  }

  private tryMatch(inst: Instance): void {
    const waiter = inst.waiter;
    if (!waiter?.action.match) return;
    const hit = firstMatch(waiter.action.match.regex, inst.buffer);
    if (!hit) return;
    inst.buffer = inst.buffer.slice(hit.lineIndex + 1); // a later wait must not see the same line again
    waiter.resolve({ kind: 'matched', captures: hit.captures });
  }

  private persist(inst: Instance, change: Partial<WorkflowRow> = {}): void {
    inst.row = { ...inst.row, ...change, updatedAt: this.host.clock.now() };
    this.save(inst.row);
  }

  private save(row: WorkflowRow): void {
    try {
      this.host.records.saveWorkflow(row);
    } catch (error) {
      // The workflow goes on; only a restart in between would lose this transition.
      this.host.log(`[rules] could not save workflow ${row.ruleId} on ${row.paneId}: ${(error as Error).message}`);
    }
  }

  private finish(inst: Instance, status: WorkflowStatus, reason?: string): void {
    inst.waiter?.resolve({ kind: 'detached' });
    this.instances.delete(inst.row.id);
    inst.detached = true;
    this.persist(inst, { status, waitDeadline: undefined, reason });
    if (status !== 'done') this.host.log(`[rules] workflow ${inst.row.ruleId} on ${inst.row.paneId}: ${status}${reason ? ` (${reason})` : ''}`);
  }
}
