/**
 * What `workmux rules list|test|lint` show: the configured rules, the matches they find in captured text
 * (and the steps those matches would run), and every problem in the rule config. Pure: no backend, no store.
 */
import { describeAction } from '../actions.js';
import { lintRuleConfig, parseRuleConfig, type RuleConfigInput } from './parse.js';

export { ruleConfigOf } from './parse.js';
import { RuleScanner } from './scanner.js';
import type { Rule } from './types.js';

export interface RuleSummary {
  id: string;
  pack: string | null;
  agent: string | null;
  trigger: string;
  steps: string[];
  description: string | null;
}

export interface RuleTestMatch {
  /** 1-based line number in the tested text. */
  line: number;
  rule: string;
  text: string;
  captures: Record<string, string>;
  /** The steps the match would run, with its captures filled in. */
  would: string[];
}

const triggerOf = (rule: Rule) => (rule.trigger.kind === 'text' ? `match ${rule.trigger.matcher.source}` : `on ${describeEvent(rule)}`);

function describeEvent(rule: Rule): string {
  if (rule.trigger.kind !== 'event') return '';
  const event = rule.trigger.event;
  return event.type === 'agent.state' && event.states ? `agent.state=${event.states.join(',')}` : event.type;
}

/** The rule's steps in words: with a match's captures filled in, or (without vars) as written. */
function stepsOf(rule: Rule, vars?: Record<string, string>): string[] {
  const ctx = { ruleId: rule.id, paneId: '<pane>', handle: '<handle>', agent: rule.agent, event: 'pattern.matched', vars: vars ?? {} };
  return rule.steps.map((step) => `${step.label ? `${step.label}: ` : ''}${describeAction(step.action, ctx, vars === undefined)}`);
}

export function listRules(config: RuleConfigInput): RuleSummary[] {
  return parseRuleConfig(config).rules.map((rule) => ({
    id: rule.id,
    pack: rule.pack ?? null,
    agent: rule.agent ?? null,
    trigger: triggerOf(rule),
    steps: stepsOf(rule),
    description: rule.description ?? null,
  }));
}

/**
 * Matches of the configured text rules in `text`. Without `agent`, every rule is tried (agent filters are
 * ignored); with it, only the rules that apply to that agent.
 */
export function testRules(config: RuleConfigInput, text: string, agent?: string): RuleTestMatch[] {
  const rules = parseRuleConfig(config).rules;
  const scanner = new RuleScanner(agent ? rules : rules.map((rule) => ({ ...rule, agent: undefined })));
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  return scanner.scan(lines, agent).map((match) => ({
    line: match.lineIndex + 1,
    rule: match.rule.id,
    text: match.text,
    captures: { ...match.captures },
    would: stepsOf(match.rule, { ...match.captures, text: match.text, line: match.line }),
  }));
}

export function lintRules(config: RuleConfigInput): { problems: string[]; rules: number } {
  const problems = lintRuleConfig(config);
  return { problems, rules: problems.length === 0 ? parseRuleConfig(config).rules.length : 0 };
}
