/**
 * Pure classification of one pane observation → {agent, state, reason}. No I/O, no clock: the observer passes
 * how long the screen has been still. Rules (issue 6, agent-signals.md):
 * - the pane died → exited;
 * - identity: a title rule that identifies, else the foreground command, else the agent workmux started there
 *   (hint), else the agent seen before;
 * - exit: the agent was running and now the title is not its own and the foreground process is a shell again;
 * - state: the last (lowest) screen marker near the bottom wins; without one, the title's state; without that,
 *   the previous state;
 * - idle only after the screen has been still for `idleAfterMs` (TUIs redraw while they work).
 */
import type { AgentState } from '../engine/events.js';
import {
  AGENT_SIGNALS,
  SHELL_AGENT,
  isShellCommand,
  signalsFor,
  type AgentSignals,
  type ScreenMarker,
  type SignalState,
} from './signals.js';

export interface PaneObservation {
  title: string;
  /** Screen text (capture-pane style: lines, history first). */
  screen: string;
  /** Foreground command name, '' when the backend cannot tell. */
  command: string;
  dead?: boolean;
  /** The agent workmux started in this pane (store row), when known. */
  agentHint?: string;
  /** Milliseconds since the screen text last changed. */
  screenStillMs: number;
  /** Codex's machine-readable OSC 7501 state (`idle`, `working`, `done`, `blocked:...`, `clear`), when seen raw. */
  osc7501?: string;
}

export interface Classification {
  /** Agent profile name, `shell` for the generic profile. */
  agent: string;
  state: AgentState;
  /** Which signal decided: `pane:dead`, `title:<rule>`, `screen:<marker>`, `process:shell`, ... */
  reason: string;
}

export interface ClassifyOptions {
  /** How long the screen must be still before idle is believed (default 600 ms). */
  idleAfterMs?: number;
  /** How many non-blank lines from the bottom count as "near the bottom" (default 40). */
  bottomLines?: number;
}

export const DEFAULT_IDLE_AFTER_MS = 600;
const DEFAULT_BOTTOM_LINES = 40;

export function classifyPane(
  observation: PaneObservation,
  previous: Classification | undefined,
  options: ClassifyOptions = {},
): Classification {
  const agent = identifyAgent(observation, previous);
  if (observation.dead) return { agent, state: 'exited', reason: 'pane:dead' };

  const signals = signalsFor(agent);
  const atShell = observation.command !== '' && isShellCommand(observation.command);
  if (!signals) return classifyGeneric(agent, observation, atShell, previous);

  const titleRule = signals.titleRules.find((rule) => rule.pattern.test(observation.title));
  const agentWasRunning = previous !== undefined && previous.agent === agent && previous.state !== 'exited' && previous.state !== 'starting';
  if (atShell && !titleRule?.identifies) {
    if (agentWasRunning) return { agent, state: 'exited', reason: 'process:shell' };
    if (previous?.state === 'exited' && previous.agent === agent) return previous;
    return { agent, state: 'starting', reason: 'process:shell' };
  }

  const machine = machineState(observation.osc7501);
  const marker = machine ? undefined : lowestMarker(observation.screen, signals, options.bottomLines ?? DEFAULT_BOTTOM_LINES);
  let decided: { state: SignalState; reason: string } | undefined;
  if (machine) decided = { state: machine, reason: 'osc:7501' };
  else if (marker) decided = { state: marker.state, reason: `screen:${marker.name}` };
  else if (titleRule?.state) decided = { state: titleRule.state, reason: `title:${titleRule.name}` };

  // An exit line on screen while the agent's process still runs is a shutdown in progress, not an exit yet.
  if (decided?.state === 'exited' && !atShell && observation.command !== '') decided = undefined;
  if (!decided) return { agent, state: previous?.agent === agent ? previous.state : 'starting', reason: 'no-signal' };
  return settleIdle({ agent, state: decided.state, reason: decided.reason }, observation, previous, options);
}

/** Idle is only believed once the screen has stopped changing; until then the previous state holds. */
function settleIdle(
  next: Classification,
  observation: PaneObservation,
  previous: Classification | undefined,
  options: ClassifyOptions,
): Classification {
  if (next.state !== 'idle' || previous?.state === 'idle') return next;
  if (observation.screenStillMs >= (options.idleAfterMs ?? DEFAULT_IDLE_AFTER_MS)) return next;
  return { ...next, state: previous?.state ?? 'starting', reason: `${next.reason}:settling` };
}

/** The generic profile: a shell prompt is idle, anything else in the foreground is working. */
function classifyGeneric(
  agent: string,
  observation: PaneObservation,
  atShell: boolean,
  previous: Classification | undefined,
): Classification {
  if (observation.command === '') return previous ?? { agent, state: 'starting', reason: 'no-signal' };
  // A command workmux started (hint) that has ended leaves the shell: the tab's job is over.
  const startedCommandEnded = agent !== SHELL_AGENT && previous?.state === 'working';
  if (atShell) {
    if (startedCommandEnded) return { agent, state: 'exited', reason: 'process:shell' };
    if (agent !== SHELL_AGENT && (!previous || previous.state === 'starting')) return { agent, state: 'starting', reason: 'process:shell' };
    return { agent, state: previous?.state === 'exited' ? 'exited' : 'idle', reason: 'process:shell' };
  }
  return { agent, state: 'working', reason: 'process:foreground' };
}

/**
 * A line that reports state rather than output (an agent's working markers: spinner lines, "esc to interrupt"
 * footers). They change on every redraw; the watcher reports them as `agent.state`, not as new text.
 */
export function isStatusLine(agent: string | undefined, line: string): boolean {
  const signals = signalsFor(agent);
  if (!signals) return false;
  const trimmed = line.trimEnd();
  return signals.screenMarkers.some((marker) => marker.state === 'working' && marker.pattern.test(trimmed));
}

/** Who runs in the pane. Identification never flips an agent to another one on a shared title shape. */
export function identifyAgent(observation: PaneObservation, previous: Classification | undefined): string {
  for (const signals of AGENT_SIGNALS) {
    if (signals.titleRules.some((rule) => rule.identifies && rule.pattern.test(observation.title))) return signals.name;
  }
  const byCommand = AGENT_SIGNALS.find((signals) => signals.commands.includes(observation.command));
  if (byCommand) return byCommand.name;
  if (observation.agentHint) return observation.agentHint;
  if (previous && previous.agent !== SHELL_AGENT) return previous.agent;
  return SHELL_AGENT;
}

/**
 * The marker on the lowest line among the last `bottomLines` non-blank lines: the last one drawn wins. Weak
 * markers (always on screen) count only when there is no other.
 */
export function lowestMarker(screen: string, signals: AgentSignals, bottomLines: number): ScreenMarker | undefined {
  const lines = bottomOf(screen, bottomLines);
  let weak: ScreenMarker | undefined;
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index]!;
    for (const marker of signals.screenMarkers) {
      if (!marker.pattern.test(line)) continue;
      if (!marker.weak) return marker;
      weak ??= marker;
    }
  }
  return weak;
}

function bottomOf(screen: string, count: number): string[] {
  const lines: string[] = [];
  const all = screen.split('\n');
  for (let index = all.length - 1; index >= 0 && lines.length < count; index--) {
    const line = all[index]!.trimEnd();
    if (line.trim() !== '') lines.push(line);
  }
  return lines.reverse();
}

/** Codex OSC 7501 `state=` values → states (`clear` is sent on exit). */
function machineState(value: string | undefined): SignalState | undefined {
  if (!value) return undefined;
  if (value === 'working') return 'working';
  if (value === 'idle' || value === 'done') return 'idle';
  if (value.startsWith('blocked')) return 'waiting';
  if (value === 'clear') return 'exited';
  return undefined;
}
