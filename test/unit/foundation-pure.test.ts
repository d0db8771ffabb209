import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { addCommand, branchWordOf } from '../../src/cli/commands/add.js';
import { handleForBranch, problemWithBranchName } from '../../src/git/branch-names.js';
import { parseWorktreeList } from '../../src/git/worktree-list.js';
import { mergeConfig, mergeList } from '../../src/config/merge.js';
import { findSchemaViolation, configSchema } from '../../src/config/validate.js';
import { globToRegExp } from '../../src/core/glob.js';
import { agentStartLine, resolveAgent } from '../../src/agents/profiles.js';
import { detectBackendKind } from '../../backends/index.js';
import { parsePaneLine, sessionNameForProject } from '../../backends/tmux.js';
import { commandKeysOf } from '../../src/config/trust.js';

describe('handles and branch names', () => {
  it.each([
    ['feature/auth', 'feature-auth'],
    ['fix/JIRA-12_thing', 'fix-JIRA-12_thing'],
    ['a//b', 'a-b'],
    ['-x-', 'x'],
    ['über/straße', 'ber-stra-e'],
  ])('%s → %s', (branch, handle) => expect(handleForBranch(branch)).toBe(handle));

  it.each([
    ['-rf', /starts with "-"/],
    ['a..b', /".."/],
    ['has space', /whitespace/],
    ['tab\there', /control character/],
    ['x.lock', /\.lock/],
    ['a~1', /~/],
    ['', /empty/],
  ])('rejects %j with a reason', (name, reason) => expect(problemWithBranchName(name)).toMatch(reason));

  it('accepts ordinary names', () => {
    for (const name of ['main', 'feature/login', 'fix-123', 'v1.2', 'user/a_b']) expect(problemWithBranchName(name)).toBeUndefined();
  });
});

describe('git worktree list --porcelain', () => {
  it('parses branches, detached heads, bare and locked entries', () => {
    const porcelain = [
      'worktree /r/main', 'HEAD aaa', 'branch refs/heads/main', '',
      'worktree /r/wt/feature-x', 'HEAD bbb', 'branch refs/heads/feature/x', 'locked reason', '',
      'worktree /r/wt/detached', 'HEAD ccc', 'detached', 'prunable gitdir file points to non-existent location', '',
    ].join('\n');
    expect(parseWorktreeList(porcelain)).toEqual([
      { path: '/r/main', head: 'aaa', branch: 'main', bare: false, detached: false, locked: false, prunable: false },
      { path: '/r/wt/feature-x', head: 'bbb', branch: 'feature/x', bare: false, detached: false, locked: true, prunable: false },
      { path: '/r/wt/detached', head: 'ccc', branch: undefined, bare: false, detached: true, locked: false, prunable: true },
    ]);
  });
});

describe('config merge', () => {
  it('project overrides global, mappings merge, lists replace', () => {
    const merged = mergeConfig(
      { agent: 'claude', agents: { a: 'x', b: 'y' }, post_create: ['g1'], window_prefix: 'g-' },
      { agent: 'codex', agents: { b: 'z' }, post_create: ['p1'] },
    );
    expect(merged).toEqual({ agent: 'codex', agents: { a: 'x', b: 'z' }, post_create: ['p1'], window_prefix: 'g-' });
  });

  it('"<global>" splices the global list in at its place', () => {
    expect(mergeList(['g1', 'g2'], ['p1', '<global>', 'p2'])).toEqual(['p1', 'g1', 'g2', 'p2']);
    expect(mergeList(undefined, ['<global>', 'p'])).toEqual(['p']);
  });
});

describe('config validation against the shipped JSON Schema', () => {
  const check = (value: unknown) => findSchemaViolation(value, configSchema());
  it('accepts a full valid config', () => {
    expect(check({ agent: 'claude', panes: [{ command: '<agent>' }, { split: 'horizontal', percentage: 30 }], files: { copy: ['.env'] }, backend: 'tmux' })).toBeUndefined();
  });
  it('names unknown keys, wrong types and bad enum values', () => {
    expect(check({ agnet: 'claude' })).toEqual(['agnet', expect.stringMatching(/unknown key/)]);
    expect(check({ post_create: 'npm i' })).toEqual(['post_create', expect.stringMatching(/expected a list of strings/)]);
    expect(check({ backend: 'screen' })).toEqual(['backend', expect.stringMatching(/one of "auto", "tmux"/)]);
    expect(check({ panes: [{ split: 'diagonal' }] })).toEqual(['panes[0].split', expect.any(String)]);
    expect(check({ panes: [{ percentage: 150 }] })).toEqual(['panes[0].percentage', 'must be at most 99']);
  });
});

describe('globs', () => {
  it('matches ** across directories and * within one', () => {
    expect(globToRegExp('**/.env').test('a/b/.env')).toBe(true);
    expect(globToRegExp('**/.env').test('.env')).toBe(true);
    expect(globToRegExp('config/*.json').test('config/a.json')).toBe(true);
    expect(globToRegExp('config/*.json').test('config/x/a.json')).toBe(false);
  });
});

describe('agents', () => {
  it('resolves profiles, named agents and plain commands', () => {
    expect(resolveAgent('claude').profile?.name).toBe('claude');
    expect(resolveAgent('fast', { fast: 'claude --model haiku' })).toMatchObject({ name: 'fast', commandLine: 'claude --model haiku', profile: { name: 'claude' } });
    expect(resolveAgent('/opt/bin/gemini --yolo').profile?.name).toBe('gemini');
    expect(resolveAgent('my-agent').profile).toBeUndefined();
  });

  it('passes the prompt by file substitution, with the profile flag', () => {
    expect(agentStartLine(resolveAgent('claude'), '.workmux/PROMPT-x.md')).toBe(`claude "$(cat '.workmux/PROMPT-x.md')"`);
    expect(agentStartLine(resolveAgent('gemini'), '.workmux/PROMPT-x.md')).toBe(`gemini -i "$(cat '.workmux/PROMPT-x.md')"`);
    expect(agentStartLine(resolveAgent('my-agent --flag'), 'p.md')).toBe(`my-agent --flag "$(cat 'p.md')"`);
    expect(agentStartLine(resolveAgent('aider'), 'p.md')).toBe('aider');
    expect(agentStartLine(resolveAgent('claude'), undefined)).toBe('claude');
  });

  it('counts a project agent that is a command line as a command, a profile name not', () => {
    expect(commandKeysOf({ agent: 'claude' }, ['claude'])).toEqual({});
    expect(commandKeysOf({ agent: 'curl x | sh' }, ['claude'])).toEqual({ agent: 'curl x | sh' });
    expect(Object.keys(commandKeysOf({ post_create: ['x'], panes: [{ command: '<agent>' }, { command: 'npm run dev' }] }, []))).toEqual(['post_create', 'panes']);
  });
});

describe('backend detection', () => {
  it('WORKMUX_BACKEND, then config, then cmux > wezterm > tmux from the environment', () => {
    expect(detectBackendKind({ WORKMUX_BACKEND: 'wezterm', TMUX: 'x' }, 'cmux')).toBe('wezterm');
    expect(detectBackendKind({ TMUX: 'x' }, 'cmux')).toBe('cmux');
    expect(detectBackendKind({ CMUX_WORKSPACE_ID: 'u', WEZTERM_PANE: '1', TMUX: 'x' }, 'auto')).toBe('cmux');
    expect(detectBackendKind({ WEZTERM_PANE: '1', TMUX: 'x' })).toBe('wezterm');
    expect(detectBackendKind({ TMUX: 'x' })).toBe('tmux');
    expect(detectBackendKind({})).toBe('tmux');
    expect(() => detectBackendKind({ WORKMUX_BACKEND: 'screen' })).toThrow(/unknown backend "screen"/);
  });
});

describe('tmux parsing', () => {
  it('parses a list-panes line and sanitises session names', () => {
    const line = ['%3', '@2', 'wm-x', '$1', 'proj', '✳ Claude Code', '/w/x', 'claude', '123', '/dev/pts/4', '0', '1'].join('\t');
    expect(parsePaneLine(line)).toEqual({
      id: '%3', tabId: '@2', tabName: 'wm-x', scope: { id: '$1', name: 'proj' }, title: '✳ Claude Code', cwd: '/w/x',
      currentCommand: 'claude', pid: 123, tty: '/dev/pts/4', dead: false, active: true,
    });
    expect(sessionNameForProject('my.app:v2')).toBe('my_app_v2');
  });
});

describe('git status parsing and the example config', () => {
  it('parses porcelain -z including renames and spaces', async () => {
    const { parsePorcelainZ } = await import('../../src/git/repo.js');
    expect(parsePorcelainZ(' M a.txt\0R  new name.txt\0old name.txt\0?? dir/x\0')).toEqual(['a.txt', 'new name.txt', 'dir/x']);
  });

  it('ships an example config that validates and mentions every schema key', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { cosmiconfig } = await import('cosmiconfig');
    const { packageRoot } = await import('../../src/core/paths.js');
    const file = path.join(packageRoot(), 'workmux.config.example.yaml');
    const loaded = await cosmiconfig('workmux').load(file);
    expect(findSchemaViolation(loaded?.config, configSchema())).toBeUndefined();
    const { ruleSetOf } = await import('../../src/engine/rules/parse.js');
    expect(ruleSetOf(loaded!.config).rules.map((rule) => rule.id)).toContain('ping-when-waiting');
    const text = fs.readFileSync(file, 'utf8');
    for (const key of Object.keys((configSchema() as { properties: object }).properties)) {
      expect(text, `example config lacks ${key}`).toMatch(new RegExp(`^#? ?${key}:`, 'm'));
    }
  });
});

describe('add: the branch word guessed before yargs parses (startAddEarly)', () => {
  // Whatever the guess, it must be the branch yargs parses, or no guess at all: a wrong one would only
  // waste a process, but a guess that is never right would make the early start pointless.
  const parsedBranch = (rest: string[]): string | undefined => {
    let branch: string | undefined;
    yargs()
      .command({ ...addCommand, handler: (args: { branch?: string }) => void (branch = args.branch) })
      .exitProcess(false)
      .fail(() => undefined)
      .parseSync(['add', ...rest]);
    return branch;
  };
  it.each([
    [['feat/x'], 'feat/x'],
    [['-b', 'feat/x'], 'feat/x'],
    [['-p', 'do the thing', 'feat/x'], 'feat/x'],
    [['--prompt', '-b', 'feat/x'], 'feat/x'],
    [['-a', 'claude', '--base', 'main', 'feat/x', '-b'], 'feat/x'],
    [['--prompt=x y', 'feat/x'], 'feat/x'],
    [['--json', '-o', 'feat/x'], 'feat/x'],
    [['--', 'feat/x'], undefined],
    [['-bo', 'feat/x'], undefined],
    [['-b', 'true', 'feat/x'], undefined],
    [['-n', '3', 'spike'], undefined],
    [['--count=3', 'spike'], undefined],
    [['-b'], undefined],
  ])('%j → %j', (rest, guess) => {
    expect(branchWordOf(rest)).toBe(guess);
    if (guess !== undefined) expect(parsedBranch(rest)).toBe(guess);
  });
});
