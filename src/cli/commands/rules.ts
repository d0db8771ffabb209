import fs from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { jsonOption, runCommand } from '../run-command.js';
import type { RuleSummary, RuleTestMatch } from '../../engine/rules/inspect.js';

interface RulesArgs {
  action: 'list' | 'test' | 'lint';
  input?: string;
  agent?: string;
  json?: boolean;
}

const inspect = () => import('../../engine/rules/inspect.js');

/** `rules test` takes a file of captured output, `-` for stdin, or the text itself. */
async function textOf(input: string | undefined): Promise<string> {
  if (input === undefined) throw new UsageError('rules test needs text, a file of captured output, or - for stdin');
  // yargs hands a lone `-` over as ''.
  if (input === '-' || input === '') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  return fs.existsSync(input) && fs.statSync(input).isFile() ? fs.readFileSync(input, 'utf8') : input;
}

function renderList(rules: RuleSummary[]): string {
  if (rules.length === 0) return 'no rules — add `rule_packs: [claude, codex, gemini]` or `rules:` to your config';
  return rules
    .map((r) => [`${r.id}${r.pack ? ` (pack ${r.pack})` : ''}${r.agent ? ` [${r.agent}]` : ''}: ${r.trigger}`, ...r.steps.map((s) => `  → ${s}`)].join('\n'))
    .join('\n');
}

function renderMatches(matches: RuleTestMatch[]): string {
  if (matches.length === 0) return 'no rule matched';
  return matches
    .map((m) => {
      const captures = Object.entries(m.captures).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
      return [`line ${m.line}: ${m.rule} matched ${JSON.stringify(m.text)}${captures ? ` (${captures})` : ''}`, ...m.would.map((s) => `  → ${s}`)].join('\n');
    })
    .join('\n');
}

export const rulesCommand: CommandModule<object, RulesArgs> = {
  command: 'rules <action> [input]',
  describe: 'see the pattern→action rules, try them on captured text, or check them',
  builder: (yargs: Argv) =>
    yargs
      .positional('action', { choices: ['list', 'test', 'lint'] as const, demandOption: true })
      .positional('input', { type: 'string', describe: 'for test: a file of captured output, - for stdin, or the text itself' })
      .options({ agent: { type: 'string', describe: 'for test: only the rules for this agent (claude, codex, gemini, ...)' }, ...jsonOption })
      .example('workmux rules list', 'every rule from rule_packs and rules')
      .example('workmux capture feature-x -n 500 | workmux rules test - --agent codex', 'try the rules on an agent\'s output')
      .example('workmux rules lint', 'check the rule config') as unknown as Argv<RulesArgs>,
  handler: (args) => {
    // Read stdin before the context is built: by then it no longer delivers piped input.
    const text = args.action === 'test' ? textOf(args.input) : Promise.resolve('');
    text.catch(() => {}); // reported when awaited below
    return runCommand(
      args,
      async (ctx) => {
        const { listRules, testRules, lintRules, ruleConfigOf } = await inspect();
        const config = ruleConfigOf(ctx.config);
        if (args.action === 'list') return { action: 'list' as const, rules: listRules(config) };
        if (args.action === 'test') return { action: 'test' as const, matches: testRules(config, await text, args.agent) };
        const lint = lintRules(config);
        if (lint.problems.length > 0) process.exitCode = 2;
        return { action: 'lint' as const, ...lint };
      },
      (result) => {
        if (result.action === 'list') return renderList(result.rules);
        if (result.action === 'test') return renderMatches(result.matches);
        return result.problems.length > 0 ? result.problems.join('\n') : `ok: ${result.rules} rule(s)`;
      },
    );
  },
};
