/**
 * Turns the `rules:`, `rule_packs:` and `gate:` config values into compiled rules and gate settings.
 * Every problem is one line naming the rule (or pack) and the key, e.g.
 * `rule "reprime": key "actions[0].send": expected a non-empty string, got 42`.
 */
import { UsageError } from '../../core/errors.js';
import { BUILTIN_PACKS, PACK_NAMES, type RawRule } from '../packs/index.js';
import {
  ConfigProblem,
  booleanAt,
  expectDuration,
  expectKnownKeys,
  expectString,
  isRecord,
  matcherAt,
  parseSteps,
  statesAt,
} from './parse-steps.js';
import { DEFAULT_GATE_SETTINGS, type EventTrigger, type GateSettings, type Rule, type Trigger } from './types.js';

export interface RuleConfigInput {
  rules?: unknown;
  rule_packs?: unknown;
  gate?: unknown;
}

export interface RuleSet {
  readonly rules: readonly Rule[];
  readonly gate: GateSettings;
}

export class RuleConfigError extends UsageError {
  constructor(readonly problems: readonly string[]) {
    super(problems[0] ?? 'invalid rules configuration', {
      hint: problems.length > 1 ? `${problems.length - 1} more problem(s): run \`workmux rules lint\`` : 'run `workmux rules lint` to check every rule',
    });
    this.name = 'RuleConfigError';
  }
}

const RULE_KEYS = ['id', 'agent', 'match', 'on', 'actions', 'description', 'enabled'];
const RULE_ID = /^[A-Za-z0-9][\w.-]*$/;

/** The rule-related keys of a loaded config (`rules`, `rule_packs`, `gate`). */
export function ruleConfigOf(config: object): RuleConfigInput {
  const c = config as Record<string, unknown>;
  return { rules: c.rules, rule_packs: c.rule_packs, gate: c.gate };
}

/** The compiled rules and gate settings of a loaded config; throws RuleConfigError (exit 2) when invalid. */
export function ruleSetOf(config: object): RuleSet {
  return parseRuleConfig(ruleConfigOf(config));
}

/** Every problem in the config, one line each (empty when valid). */
export function lintRuleConfig(input: RuleConfigInput): string[] {
  return compile(input).problems;
}

/** Compiled rules (packs first, user rules replacing pack rules of the same id) and gate settings. */
export function parseRuleConfig(input: RuleConfigInput): RuleSet {
  const { ruleSet, problems } = compile(input);
  if (problems.length > 0) throw new RuleConfigError(problems);
  return ruleSet;
}

function compile(input: RuleConfigInput): { ruleSet: RuleSet; problems: string[] } {
  const problems: string[] = [];
  const byId = new Map<string, Rule>();
  for (const { pack, raw } of packRules(input.rule_packs, problems)) {
    const rule = parseRuleCollecting(raw, `rule "${String(raw.id)}" (pack ${pack})`, problems, pack);
    if (rule) byId.set(rule.id, rule);
  }
  const userIds = new Set<string>();
  if (input.rules !== undefined && input.rules !== null && !Array.isArray(input.rules)) {
    problems.push(`rules: expected a list of rules, got ${JSON.stringify(input.rules)}`);
  }
  const userRules = Array.isArray(input.rules) ? input.rules : [];
  userRules.forEach((raw, index) => {
    const id = isRecord(raw) && typeof raw.id === 'string' ? raw.id : undefined;
    const where = id ? `rule "${id}"` : `rules[${index}]`;
    if (id && userIds.has(id)) {
      problems.push(`${where}: key "id": duplicate rule id`);
      return;
    }
    if (id) userIds.add(id);
    if (isRecord(raw) && raw.enabled === false) {
      byId.delete(id ?? ''); // `enabled: false` with a pack rule's id switches that rule off
      return;
    }
    const rule = parseRuleCollecting(raw, where, problems);
    if (rule) byId.set(rule.id, rule);
  });
  let gate = DEFAULT_GATE_SETTINGS;
  try {
    gate = parseGateSettings(input.gate);
  } catch (error) {
    if (!(error instanceof ConfigProblem)) throw error;
    problems.push(`gate: key "${error.key}": ${error.message}`);
  }
  return { ruleSet: { rules: [...byId.values()], gate }, problems };
}

function parseRuleCollecting(raw: unknown, where: string, problems: string[], pack?: string): Rule | undefined {
  try {
    return parseRule(raw, pack);
  } catch (error) {
    if (!(error instanceof ConfigProblem)) throw error;
    problems.push(`${where}: key "${error.key}": ${error.message}`);
    return undefined;
  }
}

/** One rule object (config shape) → Rule. Throws ConfigProblem. */
export function parseRule(raw: unknown, pack?: string): Rule {
  if (!isRecord(raw)) throw new ConfigProblem('id', `expected a rule object, got ${JSON.stringify(raw)}`);
  expectKnownKeys('', raw, RULE_KEYS);
  const id = expectString('id', raw.id);
  if (!RULE_ID.test(id)) throw new ConfigProblem('id', 'use letters, digits, ".", "_" and "-"');
  if ((raw.match === undefined) === (raw.on === undefined)) throw new ConfigProblem('match', 'expected exactly one of match or on');
  if (raw.enabled !== undefined) booleanAt('enabled', raw.enabled);
  const trigger: Trigger =
    raw.match !== undefined ? { kind: 'text', matcher: matcherAt('match', raw.match) } : { kind: 'event', event: parseEventTrigger(raw.on) };
  return {
    id,
    trigger,
    steps: parseSteps(raw.actions),
    ...(raw.agent !== undefined ? { agent: expectString('agent', raw.agent) } : {}),
    ...(raw.description !== undefined ? { description: expectString('description', raw.description) } : {}),
    ...(pack ? { pack } : {}),
  };
}

/** `agent.state`, `agent.state=waiting`, `agent.state=waiting,idle`, `pane.closed`. */
export function parseEventTrigger(value: unknown): EventTrigger {
  const text = expectString('on', value);
  const [type, states] = text.split('=', 2).map((s) => s.trim());
  if (type === 'pane.closed' && states === undefined) return { type: 'pane.closed' };
  if (type === 'agent.state') return { type: 'agent.state', states: states === undefined ? null : statesAt('on', states) };
  throw new ConfigProblem('on', `expected agent.state, agent.state=<state>[,<state>] or pane.closed, got ${JSON.stringify(text)}`);
}

function* packRules(value: unknown, problems: string[]): Generator<{ pack: string; raw: RawRule }> {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) {
    problems.push(`rule_packs: expected a list such as [claude, codex, gemini], got ${JSON.stringify(value)}`);
    return;
  }
  for (const [index, entry] of value.entries()) {
    const name = typeof entry === 'string' ? entry : isRecord(entry) ? entry.name : undefined;
    const pack = typeof name === 'string' ? BUILTIN_PACKS[name] : undefined;
    if (!pack) {
      problems.push(`rule_packs[${index}]: unknown pack ${JSON.stringify(name ?? entry)} (expected one of ${PACK_NAMES.join(', ')})`);
      continue;
    }
    const options: Record<string, string | boolean | undefined> = {};
    if (isRecord(entry)) {
      try {
        expectKnownKeys('', entry, ['name', ...Object.keys(pack.options)]);
        for (const [key, spec] of Object.entries(pack.options)) {
          if (entry[key] === undefined) continue;
          options[key] = spec.type === 'boolean' ? booleanAt(key, entry[key]) : expectString(key, entry[key]);
        }
      } catch (error) {
        if (!(error instanceof ConfigProblem)) throw error;
        problems.push(`rule_packs[${index}] (${pack.name}): key "${error.key}": ${error.message}`);
        continue;
      }
    }
    for (const raw of pack.rules(options)) yield { pack: pack.name, raw };
  }
}

const GATE_KEYS = ['user_idle', 'max_defer', 'rate_limit', 'dedupe_window', 'submit_delay', 'dry_run'];

export function parseGateSettings(value: unknown): GateSettings {
  if (value === undefined || value === null) return DEFAULT_GATE_SETTINGS;
  if (!isRecord(value)) throw new ConfigProblem('gate', 'expected an object');
  expectKnownKeys('', value, GATE_KEYS);
  const d = DEFAULT_GATE_SETTINGS;
  const duration = (key: string, fallback: number) => (value[key] === undefined ? fallback : expectDuration(key, value[key]));
  let { ratePerPane, rateGlobal, rateWindowMs } = d;
  if (value.rate_limit !== undefined) {
    const rate = value.rate_limit;
    if (!isRecord(rate)) throw new ConfigProblem('rate_limit', 'expected {per_pane, global, window}');
    expectKnownKeys('rate_limit', rate, ['per_pane', 'global', 'window']);
    ratePerPane = rate.per_pane === undefined ? ratePerPane : positiveInt('rate_limit.per_pane', rate.per_pane);
    rateGlobal = rate.global === undefined ? rateGlobal : positiveInt('rate_limit.global', rate.global);
    rateWindowMs = rate.window === undefined ? rateWindowMs : expectDuration('rate_limit.window', rate.window);
  }
  return {
    userIdleMs: duration('user_idle', d.userIdleMs),
    maxDeferMs: duration('max_defer', d.maxDeferMs),
    dedupeWindowMs: duration('dedupe_window', d.dedupeWindowMs),
    submitDelayMs: duration('submit_delay', d.submitDelayMs),
    dryRun: value.dry_run === undefined ? d.dryRun : booleanAt('dry_run', value.dry_run),
    ratePerPane,
    rateGlobal,
    rateWindowMs,
  };
}

function positiveInt(key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new ConfigProblem(key, `expected a whole number ≥ 1, got ${JSON.stringify(value)}`);
  return value;
}

