import path from 'node:path';
import type { Key } from '../../backends/types.js';

/** How a profile's agent is given its first prompt. */
export type PromptPassing =
  /** As an argument: `<command> [flag] "$(cat <prompt file>)"` — the shell substitutes the file verbatim. */
  | { kind: 'argv'; flag?: string }
  /** Typed into the agent once it is up (bracketed paste, then Enter). */
  | { kind: 'paste' };

/** How to start an agent, hand it a prompt and ask it to exit. Recognising its screen lives in signals.ts. */
export interface AgentProfile {
  name: string;
  command: string;
  prompt: PromptPassing;
  /** Polite exit: text typed and submitted, or a key. The exit ladder escalates from here. */
  exit: { text?: string; key?: Key };
}

export const AGENT_PROFILES: Readonly<Record<string, AgentProfile>> = {
  claude: { name: 'claude', command: 'claude', prompt: { kind: 'argv' }, exit: { text: '/exit' } },
  codex: { name: 'codex', command: 'codex', prompt: { kind: 'argv' }, exit: { key: 'ctrl-c' } },
  gemini: { name: 'gemini', command: 'gemini', prompt: { kind: 'argv', flag: '-i' }, exit: { text: '/quit' } },
  opencode: { name: 'opencode', command: 'opencode', prompt: { kind: 'argv', flag: '--prompt' }, exit: { text: '/exit' } },
  aider: { name: 'aider', command: 'aider', prompt: { kind: 'paste' }, exit: { text: '/exit' } },
};

export const PROFILE_NAMES = Object.keys(AGENT_PROFILES);

/** The agent a tab runs: its command line and the profile that says how to drive it (if recognised). */
export interface ResolvedAgent {
  /** What the user asked for (`claude`, a name from `agents`, or a command line). */
  name: string;
  commandLine: string;
  profile?: AgentProfile;
}

/** The profile whose executable is the first word of a command line (`/usr/bin/claude --x` → claude). */
function profileForCommandLine(commandLine: string): AgentProfile | undefined {
  const executable = commandLine.trim().split(/\s+/)[0] ?? '';
  return AGENT_PROFILES[path.basename(executable)];
}

/** Resolves an `agent` setting against named `agents` and the built-in profiles. Pure. */
export function resolveAgent(setting: string, namedAgents: Record<string, string> = {}): ResolvedAgent {
  const named = namedAgents[setting];
  if (named !== undefined) {
    return { name: setting, commandLine: named, profile: AGENT_PROFILES[setting] ?? profileForCommandLine(named) };
  }
  const profile = AGENT_PROFILES[setting];
  if (profile) return { name: setting, commandLine: profile.command, profile };
  return { name: setting, commandLine: setting, profile: profileForCommandLine(setting) };
}

/**
 * The line typed into the pane's shell to start the agent. The prompt travels as a file whose contents the
 * shell substitutes (`"$(cat '<file>')"`), so quotes, `$()`, backticks and newlines reach the agent verbatim
 * and nothing the user wrote is ever parsed by a shell. `promptFile` is relative to the pane's cwd and made
 * of safe characters by construction. An unknown command gets the prompt as its last argument.
 */
export function agentStartLine(agent: ResolvedAgent, promptFile: string | undefined): string {
  if (!promptFile || agent.profile?.prompt.kind === 'paste') return agent.commandLine;
  const flag = agent.profile?.prompt.kind === 'argv' ? agent.profile.prompt.flag : undefined;
  const quotedFile = `'${promptFile.replace(/'/g, `'\\''`)}'`;
  return `${agent.commandLine}${flag ? ` ${flag}` : ''} "$(cat ${quotedFile})"`;
}
