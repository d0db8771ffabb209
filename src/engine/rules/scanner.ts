/**
 * Scans new output lines against every text rule at once. Running each rule's regex on each line would cost
 * rules × lines regex runs; instead the anchors of all rules (a substring every match of a rule contains)
 * are folded into ONE alternation that pre-filters each line, and a rule's own regex only runs on lines where
 * the pre-filter hit and its anchor occurs. Rules without a usable anchor run on every line.
 */
import { escapeRegex } from './matcher.js';
import type { Rule } from './types.js';

export interface TextMatch {
  readonly rule: Rule;
  /** Index into the scanned lines. */
  readonly lineIndex: number;
  readonly line: string;
  /** The matched text. */
  readonly text: string;
  /** Named groups that participated in the match. */
  readonly captures: Readonly<Record<string, string>>;
}

interface TextRule {
  readonly rule: Rule;
  readonly regex: RegExp;
  /** Plain anchor checked with includes(); null for case-folded or unanchored rules. */
  readonly anchor: string | null;
  /** The rule takes part in the pre-filter (otherwise it runs on every line). */
  readonly prefiltered: boolean;
  readonly literal: boolean;
}

interface AgentPlan {
  readonly rules: readonly TextRule[];
  /** null when no rule is pre-filtered. */
  readonly prefilter: RegExp | null;
  readonly alwaysRun: readonly TextRule[];
}

/** Case-insensitive matching spelled out as classes, so folded anchors join the case-sensitive alternation. */
function foldedPattern(anchor: string): string | null {
  let out = '';
  for (const ch of anchor) {
    if (ch.charCodeAt(0) > 127) return null; // non-ASCII case folding is subtler than classes: no pre-filter
    const upper = ch.toUpperCase();
    const extra = ch === 's' ? '\u017f' : ch === 'k' ? '\u212a' : ''; // ſ and the Kelvin sign fold to s, k under /iu
    out += upper === ch && !extra ? escapeRegex(ch) : `[${escapeRegex(ch)}${escapeRegex(upper)}${extra}]`;
  }
  return out;
}

export class RuleScanner {
  private readonly textRules: TextRule[];
  private readonly patterns = new Map<TextRule, string | null>();
  private readonly plans = new Map<string, AgentPlan>();

  constructor(rules: readonly Rule[]) {
    this.textRules = rules.flatMap((rule) => {
      if (rule.trigger.kind !== 'text') return [];
      const { matcher } = rule.trigger;
      const pattern = matcher.anchor === null ? null : matcher.foldCase ? foldedPattern(matcher.anchor) : escapeRegex(matcher.anchor);
      const textRule: TextRule = {
        rule,
        regex: matcher.regex,
        anchor: matcher.foldCase ? null : matcher.anchor,
        prefiltered: pattern !== null,
        literal: matcher.kind === 'literal',
      };
      this.patterns.set(textRule, pattern);
      return [textRule];
    });
  }

  get size(): number {
    return this.textRules.length;
  }

  /** The rules for a pane running `agent` (rules without `agent:` apply everywhere) and their pre-filter. */
  private planFor(agent: string | undefined): AgentPlan {
    const key = agent ?? '';
    let plan = this.plans.get(key);
    if (!plan) {
      const rules = this.textRules.filter((r) => r.rule.agent === undefined || r.rule.agent === agent);
      const patterns = [...new Set(rules.filter((r) => r.prefiltered).map((r) => this.patterns.get(r)!))];
      plan = { rules, prefilter: patterns.length > 0 ? new RegExp(patterns.join('|')) : null, alwaysRun: rules.filter((r) => !r.prefiltered) };
      this.plans.set(key, plan);
    }
    return plan;
  }

  /** Matches in `lines`, in line order (rule order within a line); at most one per rule and line. */
  scan(lines: readonly string[], agent?: string): TextMatch[] {
    const plan = this.planFor(agent);
    if (plan.rules.length === 0) return [];
    const matches: TextMatch[] = [];
    for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
      const line = lines[lineIndex]!;
      const hit = plan.prefilter !== null && plan.prefilter.test(line);
      if (!hit && plan.alwaysRun.length === 0) continue;
      for (const r of hit ? plan.rules : plan.alwaysRun) {
        if (r.anchor !== null && !line.includes(r.anchor)) continue;
        if (r.literal) {
          matches.push({ rule: r.rule, lineIndex, line, text: r.anchor!, captures: {} });
          continue;
        }
        const m = r.regex.exec(line);
        if (m) matches.push({ rule: r.rule, lineIndex, line, text: m[0], captures: definedGroups(m.groups) });
      }
    }
    return matches;
  }
}

function definedGroups(groups: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(groups ?? {})) if (value !== undefined) out[name] = value;
  return out;
}

/** Matches one matcher-bearing wait step against lines: the first hit, or undefined. */
export function firstMatch(regex: RegExp, lines: readonly string[]): { text: string; captures: Record<string, string>; lineIndex: number } | undefined {
  for (let i = 0; i < lines.length; i++) {
    const m = regex.exec(lines[i]!);
    if (m) return { text: m[0], captures: definedGroups(m.groups), lineIndex: i };
  }
  return undefined;
}
