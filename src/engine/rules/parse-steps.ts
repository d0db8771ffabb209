/**
 * Parses a rule's `actions:` list into steps. Every problem is a ConfigProblem naming the key, so the
 * caller can prefix the rule id and produce a one-line error.
 */
import type { AgentState } from '../events.js';
import type { AgentStatus, Key } from '../../../backends/types.js';
import { MatcherSyntaxError, parseMatcher } from './matcher.js';
import { parseDuration } from './values.js';
import type { Action, Matcher, Step, WaitTimeoutPolicy } from './types.js';

export class ConfigProblem extends Error {
  constructor(readonly key: string, message: string) {
    super(message);
  }
}

export const KEYS: readonly Key[] = ['enter', 'ctrl-c', 'ctrl-d', 'escape', 'tab'];
export const AGENT_STATES: readonly AgentState[] = ['starting', 'working', 'waiting', 'idle', 'exited'];
const STATUSES: readonly (AgentStatus | 'clear')[] = ['working', 'waiting', 'done', 'clear'];
const ACTION_KEYS = ['send', 'key', 'exit', 'run', 'notify', 'status', 'wait', 'record', 'resume'] as const;
type ActionKey = (typeof ACTION_KEYS)[number];

const DEFAULT_WAIT_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_RUN_TIMEOUT_MS = 60_000;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const describe = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));

export function expectString(key: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new ConfigProblem(key, `expected a non-empty string, got ${describe(value)}`);
  return value;
}

export function expectOneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new ConfigProblem(key, `expected one of ${allowed.join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

export function expectDuration(key: string, value: unknown): number {
  const ms = parseDuration(value);
  if (ms === null) throw new ConfigProblem(key, `expected a duration such as 30s, 5m or 500ms, got ${describe(value)}`);
  return ms;
}

export function expectKnownKeys(key: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(value).find((k) => !allowed.includes(k));
  if (unknown !== undefined) {
    const where = key ? `${key}.${unknown}` : unknown;
    throw new ConfigProblem(where, `unknown key (expected one of ${allowed.join(', ')})`);
  }
}

export function matcherAt(key: string, value: unknown): Matcher {
  try {
    return parseMatcher(expectString(key, value));
  } catch (error) {
    if (error instanceof MatcherSyntaxError) throw new ConfigProblem(key, error.message);
    throw error;
  }
}

export function statesAt(key: string, value: unknown): AgentState[] {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(list) || list.length === 0) throw new ConfigProblem(key, `expected a state or a list of states (${AGENT_STATES.join(', ')})`);
  return list.map((state) => expectOneOf(key, state, AGENT_STATES));
}

/** `actions:` → steps; `on_timeout` labels are checked once every label is known. */
export function parseSteps(value: unknown): Step[] {
  if (!Array.isArray(value) || value.length === 0) throw new ConfigProblem('actions', 'expected a non-empty list of actions');
  const steps = value.map((entry, index) => parseStep(`actions[${index}]`, entry));
  const labels = new Set(steps.map((s) => s.label).filter(Boolean));
  steps.forEach((step, index) => {
    const policy = step.action.kind === 'wait' ? step.action.onTimeout : undefined;
    if (policy && typeof policy === 'object' && !labels.has(policy.goto)) {
      throw new ConfigProblem(`actions[${index}].wait.on_timeout`, `no step is labelled "${policy.goto}"`);
    }
  });
  return steps;
}

function parseStep(key: string, entry: unknown): Step {
  if (!isRecord(entry)) throw new ConfigProblem(key, `expected an action such as {send: "text"}, got ${describe(entry)}`);
  expectKnownKeys(key, entry, [...ACTION_KEYS, 'label']);
  const kinds = ACTION_KEYS.filter((k) => k in entry);
  if (kinds.length !== 1) throw new ConfigProblem(key, `expected exactly one of ${ACTION_KEYS.join(', ')}`);
  const kind = kinds[0]!;
  const label = entry.label === undefined ? undefined : expectString(`${key}.label`, entry.label);
  return { action: parseAction(`${key}.${kind}`, kind, entry[kind]), ...(label ? { label } : {}) };
}

function parseAction(key: string, kind: ActionKey, value: unknown): Action {
  switch (kind) {
    case 'send': {
      if (typeof value === 'string') return { kind, text: expectString(key, value), submit: true };
      const obj = objectAt(key, value, ['text', 'submit']);
      return { kind, text: expectString(`${key}.text`, obj.text), submit: obj.submit === undefined ? true : booleanAt(`${key}.submit`, obj.submit) };
    }
    case 'key':
      return { kind, key: expectOneOf(key, value, KEYS) };
    case 'exit': {
      if (value === true) return { kind };
      const obj = objectAt(key, value, ['text', 'key']);
      return {
        kind,
        ...(obj.text !== undefined ? { exitText: expectString(`${key}.text`, obj.text) } : {}),
        ...(obj.key !== undefined ? { exitKey: expectOneOf(`${key}.key`, obj.key, KEYS) } : {}),
      };
    }
    case 'run': {
      if (typeof value === 'string') return { kind, command: expectString(key, value), timeoutMs: DEFAULT_RUN_TIMEOUT_MS };
      const obj = objectAt(key, value, ['command', 'timeout']);
      const timeoutMs = obj.timeout === undefined ? DEFAULT_RUN_TIMEOUT_MS : expectDuration(`${key}.timeout`, obj.timeout);
      return { kind, command: expectString(`${key}.command`, obj.command), timeoutMs };
    }
    case 'notify': {
      if (typeof value === 'string') return { kind, title: 'workmux: {{handle}}', message: expectString(key, value) };
      const obj = objectAt(key, value, ['title', 'message']);
      const title = obj.title === undefined ? 'workmux: {{handle}}' : expectString(`${key}.title`, obj.title);
      return { kind, title, message: expectString(`${key}.message`, obj.message) };
    }
    case 'status': {
      const status = expectOneOf(key, value, STATUSES);
      return { kind, status: status === 'clear' ? null : status };
    }
    case 'wait':
      return parseWait(key, value);
    case 'record': {
      if (value === 'limit' || value === 'metric') return { kind, record: value };
      const obj = objectAt(key, value, ['resume']);
      if (obj.resume === undefined) throw new ConfigProblem(key, 'expected limit, metric or {resume: "<command with {{captures}}>"}');
      return { kind, record: 'resume', command: expectString(`${key}.resume`, obj.resume) };
    }
    case 'resume':
      if (value !== true) throw new ConfigProblem(key, 'expected true');
      return { kind };
  }
}

function parseWait(key: string, value: unknown): Action {
  const obj = objectAt(key, value, ['match', 'state', 'until', 'timeout', 'on_timeout']);
  if (obj.match === undefined && obj.state === undefined && obj.until === undefined) {
    throw new ConfigProblem(key, 'expected at least one of match, state, until');
  }
  const onTimeoutRaw = obj.on_timeout ?? 'stop';
  const label = expectString(`${key}.on_timeout`, onTimeoutRaw);
  const onTimeout: WaitTimeoutPolicy = label === 'stop' || label === 'continue' ? label : { goto: label };
  return {
    kind: 'wait',
    ...(obj.match !== undefined ? { match: matcherAt(`${key}.match`, obj.match) } : {}),
    ...(obj.state !== undefined ? { states: statesAt(`${key}.state`, obj.state) } : {}),
    ...(obj.until !== undefined ? { until: expectString(`${key}.until`, obj.until) } : {}),
    timeoutMs: obj.timeout === undefined ? DEFAULT_WAIT_TIMEOUT_MS : expectDuration(`${key}.timeout`, obj.timeout),
    onTimeout,
  };
}

function objectAt(key: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (!isRecord(value)) throw new ConfigProblem(key, `expected a string or an object with ${allowed.join(', ')}, got ${describe(value)}`);
  expectKnownKeys(key, value, allowed);
  return value;
}

export function booleanAt(key: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigProblem(key, `expected true or false, got ${describe(value)}`);
  return value;
}
