/**
 * What each agent shows in the terminal title and on screen, as data (agent-signals.md). The classifier in
 * classify.ts reads these tables and never names an agent in its code: a new agent, or a new agent version with
 * different strings, is a change here plus a captured fixture under test/fixtures/.
 *
 * Titles are hints, screens are the authority, and the last (lowest) screen marker near the bottom wins.
 */
import type { AgentState } from '../engine/events.js';

/** A state a screen marker or a title can prove. `starting` and `exited` come from process facts instead. */
export type SignalState = Exclude<AgentState, 'starting'>;

export interface TitleRule {
  pattern: RegExp;
  /** What the title says about the state; undefined when it only tells who is running. */
  state?: SignalState;
  /** True when a match alone proves which agent runs (e.g. Gemini's `◇  Ready (`); false for shared shapes (braille spinners). */
  identifies: boolean;
  /** Short id for `reason` (`title:<name>`). */
  name: string;
}

export interface ScreenMarker {
  /** Tested against one screen line at a time (trailing spaces removed). */
  pattern: RegExp;
  state: SignalState;
  /** Short id for `reason` (`screen:<name>`). */
  name: string;
  /**
   * Shown in every state (Gemini's input box stays below its "Thinking..." line): counts only when no other
   * marker is near the bottom.
   */
  weak?: boolean;
}

export interface AgentSignals {
  name: string;
  /** Foreground process names that prove the agent runs (`pane_current_command`). Codex and Gemini run as `node`. */
  commands: readonly string[];
  titleRules: readonly TitleRule[];
  screenMarkers: readonly ScreenMarker[];
}

/** Braille spinner frames (U+2800–U+28FF): Claude Code 2.1.x, Codex and OpenCode animate titles with them. */
const BRAILLE = '[\\u2800-\\u28FF]';
const braille = (suffix: string, flags = '') => new RegExp(`^${BRAILLE}${suffix}`, flags);

const claude: AgentSignals = {
  name: 'claude',
  commands: ['claude'],
  titleRules: [
    // `✳ Claude Code` or `✳ <session title>`: idle OR waiting for permission (same title) — the screen decides.
    { pattern: /^✳ /, state: 'idle', identifies: true, name: 'claude-idle' },
    { pattern: braille(' '), state: 'working', identifies: false, name: 'spinner' },
    // Reported for 2.1.228+ (not seen here).
    { pattern: /^[◐◑◒◓] /, state: 'working', identifies: false, name: 'spinner' },
    { pattern: /Claude Code$/, identifies: true, name: 'claude' },
  ],
  screenMarkers: [
    { pattern: /esc to interrupt/, state: 'working', name: 'interrupt-hint' },
    { pattern: /ctrl\+c to interrupt/, state: 'working', name: 'interrupt-hint' },
    // The body spinner line while a turn runs: `✻ Stewing…`, `✽ Cascading… (4m 58s · ↓ 20.4k tokens)`.
    { pattern: /^[✻✽✶✢✳·*]\s+\S[^…]*…(\s+\(.*\))?$/, state: 'working', name: 'spinner-line' },
    { pattern: /^✻ API error · Retrying in/, state: 'working', name: 'api-retry' },
    { pattern: /⎿\s+Waiting…/, state: 'waiting', name: 'tool-waiting' },
    { pattern: /Do you want to proceed\?/, state: 'waiting', name: 'permission' },
    { pattern: /^\s*❯ 1\. Yes/, state: 'waiting', name: 'permission' },
    { pattern: /No, and tell Claude what to do differently/, state: 'waiting', name: 'permission' },
    { pattern: /^\s*Esc to cancel/, state: 'waiting', name: 'permission' },
    { pattern: /\? for shortcuts/, state: 'idle', name: 'prompt-footer' },
    // The composer (`❯ ` between two rules) when the footer shows something else, e.g. with a draft typed.
    { pattern: /^❯(?!\s*\d+\.)(\s|$)/, state: 'idle', name: 'composer', weak: true },
    { pattern: /^Resume this session with:$/, state: 'exited', name: 'resume-hint' },
    { pattern: /^claude --resume [0-9a-f-]{36}$/, state: 'exited', name: 'resume-hint' },
  ],
};

const codex: AgentSignals = {
  name: 'codex',
  commands: ['codex'],
  titleRules: [
    // Blinks between `[ ! ]` and `[ . ]` while a permission request waits.
    { pattern: /^\[ [!.] \] Action Required/, state: 'waiting', identifies: true, name: 'action-required' },
    { pattern: braille(' '), state: 'working', identifies: false, name: 'spinner' },
  ],
  screenMarkers: [
    { pattern: /^[•◦] .*\(\d+[smh].*esc to interrupt\)/, state: 'working', name: 'working-line' },
    { pattern: /Would you like to run the following command\?/, state: 'waiting', name: 'permission' },
    { pattern: /Press enter to confirm or esc to cancel/, state: 'waiting', name: 'permission' },
    { pattern: /Task is still running/, state: 'waiting', name: 'exit-dialog' },
    // The composer and its footer stay below the "Working" line while a turn runs.
    { pattern: /^› /, state: 'idle', name: 'composer', weak: true },
    { pattern: /← for agents · \? for shortcuts/, state: 'idle', name: 'prompt-footer', weak: true },
    { pattern: /codex resume [0-9a-f-]{36}/, state: 'exited', name: 'resume-hint' },
    { pattern: /^Token usage: total=/, state: 'exited', name: 'token-usage' },
  ],
};

const gemini: AgentSignals = {
  name: 'gemini',
  commands: ['gemini'],
  titleRules: [
    { pattern: /^◇\s+Ready \(/, state: 'idle', identifies: true, name: 'ready' },
    { pattern: /^✦\s+Working…/, state: 'working', identifies: true, name: 'working' },
    { pattern: /^✋\s+Action Required/, state: 'waiting', identifies: true, name: 'action-required' },
  ],
  screenMarkers: [
    { pattern: new RegExp(`${BRAILLE} .*\\(esc to cancel, \\d+[smh]`), state: 'working', name: 'thinking' },
    { pattern: /Allow execution of/, state: 'waiting', name: 'permission' },
    { pattern: /● 1\. Allow once/, state: 'waiting', name: 'permission' },
    { pattern: /Usage limit reached for all/, state: 'waiting', name: 'limit-dialog' },
    { pattern: /Type your message or @path\/to\/file/, state: 'idle', name: 'composer', weak: true },
    { pattern: /\? for shortcuts$/, state: 'idle', name: 'shortcuts-hint', weak: true },
    { pattern: /Agent powering down\. Goodbye!/, state: 'exited', name: 'goodbye' },
    { pattern: /gemini --resume [0-9a-f-]{36}/, state: 'exited', name: 'resume-hint' },
  ],
};

const opencode: AgentSignals = {
  name: 'opencode',
  commands: ['opencode'],
  titleRules: [
    { pattern: /^OC \| /, state: 'idle', identifies: true, name: 'session' },
    { pattern: braille(`${BRAILLE} \\| `), state: 'working', identifies: true, name: 'spinner' },
  ],
  screenMarkers: [
    { pattern: /esc interrupt/, state: 'working', name: 'interrupt-hint' },
    { pattern: /△ Permission required/, state: 'waiting', name: 'permission' },
    { pattern: /Ask anything/, state: 'idle', name: 'composer' },
  ],
};

const aider: AgentSignals = {
  name: 'aider',
  commands: ['aider'],
  // Aider sets no title.
  titleRules: [],
  screenMarkers: [
    { pattern: /\(Y\)es\/\(N\)o/, state: 'waiting', name: 'confirm' },
    { pattern: /^(aider)?> ?$/, state: 'idle', name: 'prompt' },
  ],
};

/** Agent profiles' signals, in the order identification tries them. */
export const AGENT_SIGNALS: readonly AgentSignals[] = [claude, codex, gemini, opencode, aider];

export function signalsFor(agent: string | undefined): AgentSignals | undefined {
  return AGENT_SIGNALS.find((signals) => signals.name === agent);
}

/**
 * The generic profile: a pane running a shell, or any command workmux started that is not a known agent.
 * Working while something other than the shell is in the foreground, idle at the shell prompt.
 */
export const SHELL_AGENT = 'shell';

/** Login and interactive shells as `pane_current_command` spells them (login shells may carry a leading `-`). */
export const SHELL_COMMANDS: ReadonlySet<string> = new Set([
  'sh', 'bash', 'zsh', 'fish', 'dash', 'ksh', 'mksh', 'tcsh', 'csh', 'nu', 'elvish', 'xonsh', 'pwsh', 'login',
]);

export function isShellCommand(command: string): boolean {
  return SHELL_COMMANDS.has(command.replace(/^-/, ''));
}
