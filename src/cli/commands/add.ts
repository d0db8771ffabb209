import fs from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { jsonOption, runCommand } from '../run-command.js';
import type { AddResult } from '../../workflows/add.js';
import { gitAcceptsBranchName, problemWithBranchName } from '../../git/branch-names.js';

interface AddArgs {
  branch: string;
  prompt?: string;
  promptFile?: string;
  agent?: string;
  background?: boolean;
  base?: string;
  count?: number;
  openIfExists?: boolean;
  placement?: string;
  domain?: string;
  json?: boolean;
}

function promptFrom(args: AddArgs): string | undefined {
  if (args.prompt !== undefined && args.promptFile !== undefined) throw new UsageError('give either -p or -P, not both');
  if (args.promptFile === undefined) return args.prompt;
  try {
    return fs.readFileSync(args.promptFile, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read prompt file ${args.promptFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { hint: 'pass an existing file to -P' });
  }
}

export function renderAdded(results: AddResult[]): string {
  return results
    .map((r) => {
      const lines = [`${r.created ? 'created' : 'opened'} ${r.handle}  branch ${r.branch}${r.base ? ` (from ${r.base})` : ''}`, `  path  ${r.path}`];
      if (r.tab) lines.push(`  tab   ${r.tab.tab.name}${r.tab.agent ? `  agent ${r.tab.agent.name}` : ''}${r.tab.promptFile ? `  prompt ${r.tab.promptFile}` : ''}`);
      if (r.tab?.attachHint) lines.push(`  ${r.tab.attachHint}`);
      return lines.join('\n');
    })
    .join('\n');
}

const addOptions = {
  prompt: { alias: 'p', type: 'string', describe: 'prompt handed to the agent, verbatim' },
  'prompt-file': { alias: 'P', type: 'string', describe: 'read the prompt from a file' },
  agent: { alias: 'a', type: 'string', describe: 'agent profile, name from `agents`, or command (default: config `agent`)' },
  background: { alias: 'b', type: 'boolean', describe: 'do not switch to the new tab' },
  base: { type: 'string', describe: 'start a new branch from this ref (default: base_branch, else the current branch)' },
  count: { alias: 'n', type: 'number', describe: 'create N worktrees: <branch>-1 .. <branch>-N' },
  'open-if-exists': { alias: 'o', type: 'boolean', describe: 'open the existing worktree instead of failing' },
  placement: { type: 'string', choices: ['auto', 'workspace', 'window'], describe: 'cmux: where the agent goes' },
  domain: { type: 'string', describe: 'WezTerm: spawn in this multiplexing domain (e.g. SSHMUX:host)' },
  ...jsonOption,
} as const;

/** `--prompt`, `-p`, `--base`, …: the options whose value is the next word. */
const OPTIONS_TAKING_VALUES = new Set(
  Object.entries(addOptions)
    .filter(([, option]) => option.type !== 'boolean')
    .flatMap(([name, option]) => ['alias' in option ? `-${option.alias}` : [], `--${name}`].flat()),
);

/**
 * Started from the raw argv, before yargs parses it (~3 ms): git's verdict on the branch name needs nothing
 * else, so its process runs meanwhile. Only a guess at which word is the branch — the handler asks for the
 * name yargs parsed and gets this answer when the guess was right, a fresh one otherwise.
 */
export function startAddEarly(rest: readonly string[]): void {
  checkEarly(branchWordOf(rest));
}

/** The word of `add`'s arguments yargs will take as the branch; undefined where that is not plain to see. */
export function branchWordOf(rest: readonly string[]): string | undefined {
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (word === '--') return undefined; // what follows is not taken as the branch
    if (word === '-n' || word.startsWith('--count')) return undefined; // several branches: <branch>-1 .. -N
    if (/^(true|false)$/.test(rest[i + 1] ?? '') && word.startsWith('-')) return undefined; // `-b true`: yargs may take it as the flag's value
    if (OPTIONS_TAKING_VALUES.has(word)) i++;
    else if (/^-[^-]{2,}/.test(word)) return undefined; // grouped short options: left to yargs
    else if (!word.startsWith('-')) return word;
  }
  return undefined;
}

function checkEarly(branch: string | undefined): void {
  if (branch !== undefined && !problemWithBranchName(branch)) void gitAcceptsBranchName(branch);
}

export const addCommand: CommandModule<object, AddArgs> = {
  command: 'add <branch>',
  describe: 'create a worktree for a branch and open an agent tab in it',
  builder: (yargs: Argv) =>
    yargs
      .positional('branch', { type: 'string', describe: 'branch (new, existing, or remote/branch to track)', demandOption: true })
      .options(addOptions)
      .example('workmux add feature/login -a claude -p "Add a login form"', 'new branch + worktree + Claude with a prompt')
      .example('workmux add origin/fix-123', 'track a remote branch')
      .example('workmux add spike -n 3 -P task.md', 'three worktrees spike-1..3 with the same prompt') as unknown as Argv<AddArgs>,
  handler: (args) => {
    // git's verdict on the name needs no repository: asked now (if startAddEarly did not guess it), its
    // process runs while the repository is located and the config read (the workflow gets this answer).
    if ((args.count ?? 1) === 1) checkEarly(args.branch);
    return runCommand(
      args,
      async (ctx) => {
        const { addWorktrees } = await import('../../workflows/add.js');
        return addWorktrees(ctx, {
          branch: args.branch,
          prompt: promptFrom(args),
          agent: args.agent,
          background: args.background,
          base: args.base,
          count: args.count,
          openIfExists: args.openIfExists,
          placement: args.placement,
          domain: args.domain,
        });
      },
      renderAdded,
    );
  },
};
