/** Rule parsing, matchers, the multi-rule scanner and the built-in packs on the real strings (agent-signals.md). */
import { describe, expect, it } from 'vitest';
import { parseMatcher, requiredLiteral } from '../src/engine/rules/matcher.js';
import { RuleConfigError, lintRuleConfig, parseRuleConfig } from '../src/engine/rules/parse.js';
import { RuleScanner } from '../src/engine/rules/scanner.js';
import { nextResetTime, parseDuration, renderTemplate } from '../src/engine/rules/values.js';
import { DEFAULT_GATE_SETTINGS } from '../src/engine/rules/types.js';
import { SIGNALS } from './rules-support/signals.js';
import { lintRules, listRules, testRules } from '../src/engine/rules/inspect.js';

describe('matchers', () => {
  it('treats plain text as a literal and /…/flags as a regex with named groups', () => {
    const literal = parseMatcher('Conversation compacted');
    expect(literal).toMatchObject({ kind: 'literal', anchor: 'Conversation compacted' });
    expect(literal.regex.test('a.b Conversation compacted · x')).toBe(true);
    const regex = parseMatcher('/resets (?<reset>\\d+[ap]m)/i');
    expect(regex.kind).toBe('regex');
    expect(regex.foldCase).toBe(true);
    expect(regex.regex.exec('RESETS 5pm')?.groups?.reset).toBe('5pm');
    expect(parseMatcher('a/b').kind).toBe('literal');
  });

  it('derives the longest required literal, and none for top-level alternation', () => {
    expect(requiredLiteral('Token usage(?: so far)?: total=(?<t>[\\d,]+)')).toBe('Token usage');
    expect(requiredLiteral('You.ve hit your usage limit\\.(?:x)?')).toBe('ve hit your usage limit.');
    expect(requiredLiteral('abc|def')).toBeNull();
    expect(requiredLiteral('(?:abc|def) ghij')).toBe(' ghij');
    expect(requiredLiteral('colou?r')).toBe('colo');
    expect(requiredLiteral('x{0,3}yz[abc]+wvut')).toBe('wvut');
    expect(requiredLiteral('hel+o world')).toBe('o world');
  });

  it('rejects bad regexes and flags with a message naming the pattern', () => {
    expect(() => parseMatcher('/(/')).toThrow(/invalid regex \/\(\//);
    expect(() => parseMatcher('/x/g')).toThrow(/unsupported regex flags "g"/);
  });
});

describe('rule config', () => {
  it('parses the issue example with defaults', () => {
    const { rules, gate } = parseRuleConfig({
      rules: [{ id: 'reprime', agent: 'claude', match: 'Conversation compacted', actions: [{ send: "Reread AGENTS.md so it's fresh in your mind." }] }],
    });
    expect(gate).toEqual(DEFAULT_GATE_SETTINGS);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.steps[0]!.action).toEqual({ kind: 'send', text: "Reread AGENTS.md so it's fresh in your mind.", submit: true });
  });

  it('reports one line per problem naming the rule id and key', () => {
    const problems = lintRuleConfig({
      rules: [
        { id: 'a', match: '/(/', actions: [{ send: 'x' }] },
        { id: 'b', match: 'x', actions: [{ send: 42 }] },
        { id: 'c', on: 'agent.state=sleeping', actions: [{ key: 'enter' }] },
        { id: 'd', match: 'x', actions: [{ wait: { match: 'y', on_timeout: 'nowhere' } }] },
        { match: 'x', actions: [] },
        { id: 'f', match: 'x', actions: [] },
        { id: 'b', match: 'y', actions: [{ key: 'enter' }] },
        { id: 'e', match: 'x', actions: [{ key: 'enter' }], colour: 'red' },
      ],
      rule_packs: ['claude', 'nope', { name: 'codex', resume_at_reset: 'yes' }],
      gate: { rate_limit: { per_pane: 0 } },
    });
    expect(problems).toEqual([
      'rule_packs[1]: unknown pack "nope" (expected one of claude, codex, gemini)',
      'rule_packs[2] (codex): key "resume_at_reset": expected true or false, got "yes"',
      'rule "a": key "match": invalid regex /(/: Invalid regular expression: /(/: Unterminated group',
      'rule "b": key "actions[0].send": expected a string or an object with text, submit, got 42',
      'rule "c": key "on": expected one of starting, working, waiting, idle, exited, got "sleeping"',
      'rule "d": key "actions[0].wait.on_timeout": no step is labelled "nowhere"',
      'rules[4]: key "id": expected a non-empty string, got nothing',
      'rule "f": key "actions": expected a non-empty list of actions',
      'rule "b": key "id": duplicate rule id',
      'rule "e": key "colour": unknown key (expected one of id, agent, match, on, actions, description, enabled)',
      'gate: key "rate_limit.per_pane": expected a whole number ≥ 1, got 0',
    ]);
    expect(() => parseRuleConfig({ rules: [{ id: 'x', actions: [{ key: 'enter' }] }] })).toThrow(RuleConfigError);
  });

  it('loads packs, lets a user rule replace or disable a pack rule, and parses gate settings', () => {
    const { rules, gate } = parseRuleConfig({
      rule_packs: [{ name: 'claude', reprime: 'Read CLAUDE.md again.' }, 'codex', 'gemini'],
      rules: [{ id: 'codex.limit-warning', enabled: false }, { id: 'gemini.resume-id', match: 'resume me', actions: [{ notify: 'hi' }] }],
      gate: { user_idle: '3s', rate_limit: { per_pane: 2, global: 5, window: '1m' }, dry_run: true, submit_delay: '50ms' },
    });
    const ids = rules.map((r) => r.id);
    expect(ids).toContain('claude.reprime');
    expect(ids).not.toContain('codex.limit-warning');
    const reprime = rules.find((r) => r.id === 'claude.reprime')!;
    expect(reprime.steps.at(-1)!.action).toMatchObject({ kind: 'send', text: 'Read CLAUDE.md again.' });
    expect(rules.find((r) => r.id === 'gemini.resume-id')!.pack).toBeUndefined();
    expect(gate).toMatchObject({ userIdleMs: 3000, ratePerPane: 2, rateGlobal: 5, rateWindowMs: 60_000, dryRun: true, submitDelayMs: 50 });
  });

  it('parses every action form', () => {
    const { rules } = parseRuleConfig({
      rules: [
        {
          id: 'all',
          on: 'agent.state=waiting,idle',
          actions: [
            { send: { text: 'hi', submit: false } },
            { key: 'ctrl-c' },
            { exit: { text: '/quit' } },
            { run: { command: 'echo "$WM_RULE"', timeout: '5s' } },
            { notify: { title: 't', message: 'm' } },
            { status: 'clear' },
            { wait: { state: 'idle', timeout: '2s', on_timeout: 'again' } },
            { record: 'metric' },
            { record: { resume: 'codex resume {{session}}' } },
            { resume: true, label: 'again' },
          ],
        },
      ],
    });
    const [rule] = rules;
    expect(rule!.trigger).toEqual({ kind: 'event', event: { type: 'agent.state', states: ['waiting', 'idle'] } });
    expect(rule!.steps.map((s) => s.action.kind)).toEqual(['send', 'key', 'exit', 'run', 'notify', 'status', 'wait', 'record', 'record', 'resume']);
    expect(rule!.steps[6]!.action).toMatchObject({ states: ['idle'], timeoutMs: 2000, onTimeout: { goto: 'again' } });
    expect(rule!.steps[5]!.action).toEqual({ kind: 'status', status: null });
  });
});

describe('scanner', () => {
  const { rules } = parseRuleConfig({ rule_packs: ['claude', 'codex', 'gemini'] });
  const scanner = new RuleScanner(rules);

  it('finds the real agent strings with their captures', () => {
    const codex = scanner.scan([SIGNALS.codexLimit, 'noise', SIGNALS.codexTokenUsage, SIGNALS.codexResume], 'codex');
    expect(codex.map((m) => [m.rule.id, m.captures])).toEqual([
      ['codex.usage-limit', { reset: '4:57 PM' }],
      ['codex.token-usage', { total: '100,117', input: '90,506', cached: '3,008,512', output: '9,611' }],
      ['codex.resume-id', { session: '019bcea5-acb4-7370-a50d-8a2b59553cf6' }],
    ]);
    expect(scanner.scan([SIGNALS.codexLimitLater], 'codex').map((m) => [m.rule.id, m.captures])).toEqual([['codex.usage-limit', {}]]);
    expect(scanner.scan([SIGNALS.codexWarning], 'codex')[0]!.captures).toEqual({ left: '25', window: '5h' });
    const claude = scanner.scan([SIGNALS.claudeCompacted, '⎿  Read AGENTS.md', SIGNALS.claudeLimit, SIGNALS.claudeLimitOld, SIGNALS.claudeResume], 'claude');
    expect(claude.map((m) => [m.rule.id, m.captures])).toEqual([
      ['claude.reprime', {}],
      ['claude.usage-limit', { reset: '5pm (America/Chicago)' }],
      ['claude.usage-limit', { reset: '3am' }],
      ['claude.resume-id', { session: '8f2c1d4e-1b2a-4c3d-9e8f-0a1b2c3d4e5f' }],
    ]);
    const gemini = scanner.scan([SIGNALS.geminiLimit, SIGNALS.geminiQuota, SIGNALS.geminiResume], 'gemini');
    expect(gemini.map((m) => m.rule.id)).toEqual(['gemini.usage-limit', 'gemini.quota-exhausted', 'gemini.resume-id']);
  });

  it('applies agent filters and ignores text without matches', () => {
    expect(scanner.scan([SIGNALS.claudeCompacted], 'codex')).toEqual([]);
    expect(scanner.scan([SIGNALS.claudeCompacted], undefined)).toEqual([]);
    expect(scanner.scan(['nothing to see', 'here'], 'claude')).toEqual([]);
  });

  it('agrees with running every regex on every line', () => {
    const extra = parseRuleConfig({
      rules: [
        { id: 'fold', match: '/ERROR: (?<what>\\w+)/i', actions: [{ key: 'enter' }] },
        { id: 'alt', match: '/(?:foo|bar)baz/', actions: [{ key: 'enter' }] },
        { id: 'lit', match: 'İstanbul', actions: [{ key: 'enter' }] },
      ],
    }).rules;
    const lines = ['İİİ error: disk', 'x ERROR: net', 'foobaz barbaz', 'İstanbul', 'error:', 'Error: Ünïcode'];
    const scan = new RuleScanner(extra).scan(lines);
    const naive = lines.flatMap((line, i) => extra.flatMap((r) => (r.trigger.kind === 'text' && r.trigger.matcher.regex.test(line) ? [[i, r.id]] : [])));
    expect(scan.map((m) => [m.lineIndex, m.rule.id])).toEqual(naive);
  });
});

describe('values', () => {
  it('parses durations, templates and reset times', () => {
    expect([parseDuration('500ms'), parseDuration('5s'), parseDuration('2m'), parseDuration(3), parseDuration('x')]).toEqual([500, 5000, 120_000, 3000, null]);
    expect(renderTemplate('codex resume {{session}} {{ missing }}!', { session: 'abc' })).toBe('codex resume abc !');
    const now = new Date(2026, 10, 21, 16, 0, 0).getTime();
    expect(new Date(nextResetTime('4:57 PM', now)!).getHours()).toBe(16);
    expect(nextResetTime('4:57 PM', now)! - now).toBe(57 * 60_000);
    expect(nextResetTime('3am', now)! - now).toBe(11 * 3_600_000);
    expect(nextResetTime('5pm (America/Chicago)', now)! - now).toBe(3_600_000);
    expect(nextResetTime('later', now)).toBeNull();
  });
});

describe('rules list | test | lint', () => {
  const config = { rule_packs: ['codex'], rules: [{ id: 'ping', match: '/PING (?<n>\\d+)/', actions: [{ send: 'pong {{n}}' }, { run: 'echo "$WM_CAP_n"' }] }] };

  it('lists rules with their steps as written', () => {
    const ping = listRules(config).find((r) => r.id === 'ping')!;
    expect(ping).toEqual({ id: 'ping', pack: null, agent: null, trigger: 'match /PING (?<n>\\d+)/', steps: ['send+enter "pong {{n}}"', 'run "echo \\"$WM_CAP_n\\""'], description: null });
    expect(listRules(config).find((r) => r.id === 'codex.usage-limit')!.steps).toContain('exit (ctrl-c)');
  });

  it('tests captured text: matches, captures and what would run; --agent narrows', () => {
    const text = ['PING 7', SIGNALS.codexResume].join('\n');
    expect(testRules(config, text).map((m) => [m.line, m.rule, m.captures, m.would])).toEqual([
      [1, 'ping', { n: '7' }, ['send+enter "pong 7"', 'run "echo \\"$WM_CAP_n\\""']],
      [2, 'codex.resume-id', { session: '019bcea5-acb4-7370-a50d-8a2b59553cf6' }, ['record resume "codex resume 019bcea5-acb4-7370-a50d-8a2b59553cf6"']],
    ]);
    expect(testRules(config, text, 'claude').map((m) => m.rule)).toEqual(['ping']);
  });

  it('lints', () => {
    expect(lintRules(config)).toEqual({ problems: [], rules: 5 });
    expect(lintRules({ rules: [{ id: 'x', match: 'y', actions: [{ sned: 'z' }] }] }).problems).toEqual([
      'rule "x": key "actions[0].sned": unknown key (expected one of send, key, exit, run, notify, status, wait, record, resume, label)',
    ]);
  });
});
