/**
 * What each rule action does once the gate allowed it. Pure effects: no policy here (gate.ts decides), no
 * sequencing (workflow.ts runs steps). `wait` is not an effect and is handled by the workflow.
 */
import { exitAgent, shellPromptAtBottom } from '../../backends/exit-escalation.js';
import type { Backend, Key } from '../../backends/types.js';
import { AGENT_PROFILES } from '../agents/profiles.js';
import { run, type RunResult } from '../core/exec.js';
import type { Clock } from './rules/clock.js';
import type { PaneRef, RuleRecords } from './rules/records.js';
import type { Action } from './rules/types.js';
import { nextResetTime, renderTemplate } from './rules/values.js';
import { sendSubmitted, resumeInPane } from './resume.js';

/** The shared exit ladder (backends/exit-escalation.ts); replaceable in tests. */
export type ExitAgentFn = typeof exitAgent;

export type ActionBackend = Pick<Backend, 'sendText' | 'sendKey' | 'capture' | 'listPanes' | 'setStatus'>;

const SHELLS = new Set(['bash', 'zsh', 'sh', 'fish', 'dash', 'ksh', 'tcsh', 'nu', 'login']);

export interface ActionDeps {
  readonly backend: ActionBackend;
  readonly records: RuleRecords;
  readonly clock: Clock;
  readonly submitDelayMs: number;
  readonly exitAgent: ExitAgentFn;
  readonly notify: (title: string, message: string) => Promise<void>;
  /** Runs a shell command line (the one place a shell is the point) with extra environment. */
  readonly runShell: (command: string, env: Record<string, string>, timeoutMs: number) => Promise<RunResult>;
}

/** Who and what an action acts for: the pane, the rule, and the variables its templates can use. */
export interface ActionContext {
  readonly ruleId: string;
  readonly paneId: string;
  readonly handle?: string;
  readonly agent?: string;
  readonly event: string;
  /** Captures (accumulated over the workflow) plus `text` (matched text) and `line` (matched line). */
  readonly vars: Readonly<Record<string, string>>;
}

export interface ActionResult {
  readonly outcome: 'done' | 'skipped' | 'failed';
  readonly reason?: string;
}

/** Names in `vars` that are not captures. */
const NON_CAPTURES = new Set(['text', 'line', 'event']);

export function templateVars(ctx: ActionContext): Record<string, string> {
  return { ...ctx.vars, handle: ctx.handle ?? ctx.paneId, pane: ctx.paneId, rule: ctx.ruleId, agent: ctx.agent ?? '' };
}

/** One line saying what the action does (audit detail, dry-run log); `raw` keeps `{{placeholders}}` as written. */
export function describeAction(action: Action, ctx: ActionContext, raw = false): string {
  const filled = templateVars(ctx);
  const render = (template: string) => (raw ? template : renderTemplate(template, filled));
  switch (action.kind) {
    case 'send':
      return `${action.submit ? 'send+enter' : 'send'} ${JSON.stringify(render(action.text))}`;
    case 'key':
      return `key ${action.key}`;
    case 'exit': {
      const polite = politeExit(action, ctx.agent);
      return `exit (${polite.exitText ? JSON.stringify(polite.exitText) : polite.exitKey ?? 'ladder'})`;
    }
    case 'run':
      return `run ${JSON.stringify(action.command)}`;
    case 'notify':
      return `notify ${JSON.stringify(render(action.message))}`;
    case 'status':
      return `status ${action.status ?? 'clear'}`;
    case 'wait':
      return `wait ${[action.match && `match ${action.match.source}`, action.states && `state ${action.states.join('|')}`, action.until && `until ${render(action.until)}`].filter(Boolean).join(', ')}`;
    case 'record':
      return action.record === 'resume' ? `record resume ${JSON.stringify(render(action.command))}` : `record ${action.record}`;
    case 'resume':
      return 'resume the recorded session';
  }
}

/** The rule's exit text/key, else the agent profile's polite exit. */
function politeExit(action: Extract<Action, { kind: 'exit' }>, agent: string | undefined): { exitText?: string; exitKey?: Key } {
  if (action.exitText || action.exitKey) return { exitText: action.exitText, exitKey: action.exitKey };
  const profile = agent ? AGENT_PROFILES[agent] : undefined;
  return { exitText: profile?.exit.text, exitKey: profile?.exit.key };
}

export async function performAction(action: Action, ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const vars = templateVars(ctx);
  const ref: PaneRef = { paneId: ctx.paneId, handle: ctx.handle, agent: ctx.agent, ruleId: ctx.ruleId, at: deps.clock.now() };
  switch (action.kind) {
    case 'send': {
      const text = renderTemplate(action.text, vars);
      if (action.submit) await sendSubmitted(deps.backend, ctx.paneId, text, deps.clock, deps.submitDelayMs);
      else await deps.backend.sendText(ctx.paneId, text);
      return { outcome: 'done' };
    }
    case 'key':
      await deps.backend.sendKey(ctx.paneId, action.key);
      return { outcome: 'done' };
    case 'exit': {
      const outcome = await deps.exitAgent(deps.backend, ctx.paneId, {
        ...politeExit(action, ctx.agent),
        // The shell is in the foreground again, or its prompt is at the bottom of the screen.
        isExited: async () => SHELLS.has((await deps.backend.listPanes({ allScopes: true })).find((p) => p.id === ctx.paneId)?.currentCommand ?? ''),
        screenShowsExit: shellPromptAtBottom,
      });
      return outcome.exited ? { outcome: 'done', reason: `exited (${outcome.tier})` } : { outcome: 'failed', reason: outcome.error.message };
    }
    case 'run':
      // Not templated: captures come from agent output and reach the shell only as WM_CAP_* variables.
      return runCommandAction(action.command, action.timeoutMs, ctx, deps);
    case 'notify':
      await deps.notify(renderTemplate(action.title, vars), renderTemplate(action.message, vars));
      return { outcome: 'done' };
    case 'status':
      return setPaneStatus(action.status, ctx.paneId, deps.backend);
    case 'record':
      return recordAction(action, ctx, vars, ref, deps);
    case 'resume': {
      const resumed = await resumeInPane({ paneId: ctx.paneId }, deps.backend, deps.records, deps.clock, deps.submitDelayMs);
      return resumed ? { outcome: 'done' } : { outcome: 'skipped', reason: 'no pending resume record (already resumed?)' };
    }
    case 'wait':
      throw new Error('wait steps are run by the workflow, not performed as actions');
  }
}

async function runCommandAction(command: string, timeoutMs: number, ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const env: Record<string, string> = {
    WM_EVENT: ctx.event,
    WM_RULE: ctx.ruleId,
    WM_PANE: ctx.paneId,
    WM_HANDLE: ctx.handle ?? '',
    WM_AGENT: ctx.agent ?? '',
    WM_TEXT: ctx.vars.text ?? '',
  };
  for (const [name, value] of Object.entries(ctx.vars)) if (!NON_CAPTURES.has(name)) env[`WM_CAP_${name}`] = value;
  const result = await deps.runShell(command, env, timeoutMs);
  if (result.exitCode === 0 && !result.timedOut) return { outcome: 'done' };
  const last = result.stderr.trim().split('\n').pop() ?? '';
  return { outcome: 'failed', reason: result.timedOut ? `timed out after ${timeoutMs} ms` : `exit ${result.exitCode}${last ? `: ${last}` : ''}` };
}

async function setPaneStatus(status: Parameters<ActionBackend['setStatus']>[1], paneId: string, backend: ActionBackend): Promise<ActionResult> {
  const pane = (await backend.listPanes({ allScopes: true })).find((p) => p.id === paneId);
  if (!pane) return { outcome: 'skipped', reason: 'pane not found' };
  await backend.setStatus({ id: pane.tabId, name: pane.tabName, scope: pane.scope, paneId }, status);
  return { outcome: 'done' };
}

function recordAction(
  action: Extract<Action, { kind: 'record' }>,
  ctx: ActionContext,
  vars: Record<string, string>,
  ref: PaneRef,
  deps: ActionDeps,
): ActionResult {
  const reset = ctx.vars.reset ?? '';
  const resetAt = reset ? nextResetTime(reset, ref.at) : null;
  if (action.record === 'limit') {
    deps.records.recordLimit(ref, ctx.vars.line ?? ctx.vars.text ?? '', reset, resetAt);
    return { outcome: 'done' };
  }
  if (action.record === 'metric') {
    const values: Record<string, number> = {};
    for (const [name, raw] of Object.entries(ctx.vars)) {
      const value = Number(raw.replace(/[,_\s]/g, ''));
      if (!NON_CAPTURES.has(name) && raw !== '' && Number.isFinite(value)) values[name] = value;
    }
    if (Object.keys(values).length === 0) return { outcome: 'skipped', reason: 'no numeric captures' };
    deps.records.recordMetrics(ref, values);
    return { outcome: 'done' };
  }
  if (action.record !== 'resume') return { outcome: 'skipped', reason: `unknown record kind ${String(action.record)}` };
  const session = ctx.vars.session;
  if (!session) return { outcome: 'failed', reason: 'the rule captured no `session`' };
  deps.records.recordResume(ref, session, renderTemplate(action.command, vars), resetAt);
  return { outcome: 'done' };
}

/** Desktop notification where one is available (notify-send, osascript), else the terminal bell and a log line. */
export function createNotifier(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): (title: string, message: string) => Promise<void> {
  return async (title, message) => {
    const attempts: string[][] =
      process.platform === 'darwin'
        ? [['osascript', '-e', `display notification ${appleScriptString(message)} with title ${appleScriptString(title)}`]]
        : [['notify-send', '--app-name=workmux', title, message]];
    for (const argv of attempts) {
      const result = await run(argv, { env, reject: false, timeout: 5_000 }).catch(() => undefined);
      if (result && result.exitCode === 0) return;
    }
    process.stderr.write('\u0007');
    log(`[notify] ${title}: ${message}`);
  };
}

function appleScriptString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `sh -c <command>` with the WM_* variables added to the environment. */
export function createShellRunner(baseEnv: NodeJS.ProcessEnv = process.env): ActionDeps['runShell'] {
  return (command, env, timeoutMs) => run(['sh', '-c', command], { env: { ...baseEnv, ...env }, extendEnv: false, reject: false, timeout: timeoutMs });
}
