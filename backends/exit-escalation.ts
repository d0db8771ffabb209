/**
 * The shared exit ladder, used by every backend and by the engine (close, remove, merge cleanup, stop):
 *   1. the agent's own exit (`/exit` Claude, `/quit` Gemini, Ctrl-C Codex — from its profile),
 *   2. Ctrl-C (pressed twice: Gemini and Claude ask for a second one),
 *   3. Ctrl-D,
 * each followed by up to 3 s of polling (every 200 ms) for the agent to be gone; then a report of what the
 * screen showed.
 */
import { WorkmuxError } from '../src/core/errors.js';
import type { Backend, Key, PaneId } from './types.js';

export type ExitTier = 'already-exited' | 'exit-command' | 'ctrl-c' | 'ctrl-d';

export interface LadderClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemLadderClock: LadderClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface ExitAgentOptions {
  /** Typed and submitted with Enter (`/exit`, `/quit`). */
  exitText?: string;
  /** Pressed instead of (or after) the text (Codex: `ctrl-c`). */
  exitKey?: Key;
  /** Authoritative exit check (e.g. the pane's foreground process is a shell again, or its title was cleared). */
  isExited?: () => Promise<boolean>;
  /** Exit check on the captured screen; default: a shell prompt (`$`, `#`, `%`) ends the last non-empty line. */
  screenShowsExit?: (screen: string) => boolean;
  /** Per tier (default 3000). */
  waitMs?: number;
  /** Between checks (default 200). */
  pollMs?: number;
  /** Ctrl-C presses in tier 2 (default 2) and the pause between them (default 150 ms). */
  ctrlCPresses?: number;
  pressGapMs?: number;
  clock?: LadderClock;
}

export type ExitOutcome =
  | { exited: true; tier: ExitTier }
  | { exited: false; screen: string; error: WorkmuxError };

type LadderBackend = Pick<Backend, 'sendText' | 'sendKey' | 'capture'>;

/**
 * The last non-empty line ends in a shell prompt character: `$`, `#`, `%`, or `❯` (starship, pure). Agents draw a
 * footer below their own `❯`/`›` input line, and `>` ends too many agent prompts (aider) to count.
 * Callers that know better pass `isExited` (foreground process is a shell; the agent cleared its title).
 */
export function shellPromptAtBottom(screen: string): boolean {
  const last = screen.split('\n').map((line) => line.trimEnd()).filter(Boolean).pop() ?? '';
  return /[$#%❯]$/.test(last);
}

const SHELLS = new Set(['sh', 'dash', 'bash', 'zsh', 'fish', 'ksh', 'mksh', 'tcsh', 'csh', 'nu', 'xonsh', 'elvish']);

/**
 * An `isExited` check from the pane list: the pane is gone, or its foreground process is a shell again.
 * Only for backends that report `currentCommand` (tmux); others report '' and this never says yes.
 */
export function paneBackToShell(backend: Pick<Backend, 'listPanes'>, paneId: PaneId): () => Promise<boolean> {
  return async () => {
    const pane = (await backend.listPanes({ allScopes: true })).find((p) => p.id === paneId);
    return !pane || pane.dead || SHELLS.has(pane.currentCommand.replace(/^-/, ''));
  };
}

export async function exitAgent(backend: LadderBackend, paneId: PaneId, options: ExitAgentOptions = {}): Promise<ExitOutcome> {
  const clock = options.clock ?? systemLadderClock;
  const waitMs = options.waitMs ?? 3000;
  const pollMs = options.pollMs ?? 200;
  const screenShowsExit = options.screenShowsExit ?? (options.isExited ? undefined : shellPromptAtBottom);
  let lastScreen = '';

  const exited = async (): Promise<boolean> => {
    if (options.isExited && (await options.isExited())) return true;
    if (!screenShowsExit) return false;
    try {
      lastScreen = await backend.capture(paneId);
    } catch {
      return true; // the pane is gone, and the agent with it
    }
    return screenShowsExit(lastScreen);
  };

  const waitForExit = async (): Promise<boolean> => {
    const deadline = clock.now() + waitMs;
    for (;;) {
      await clock.sleep(pollMs);
      if (await exited()) return true;
      if (clock.now() >= deadline) return false;
    }
  };

  const pressCtrlC = async () => {
    const presses = options.ctrlCPresses ?? 2;
    for (let i = 0; i < presses; i++) {
      if (i > 0) await clock.sleep(options.pressGapMs ?? 150);
      await backend.sendKey(paneId, 'ctrl-c');
    }
  };

  const tiers: { tier: ExitTier; act: () => Promise<void> }[] = [];
  if (options.exitText || options.exitKey) {
    tiers.push({
      tier: 'exit-command',
      act: async () => {
        if (options.exitText) {
          await backend.sendText(paneId, options.exitText);
          await backend.sendKey(paneId, 'enter');
        }
        if (options.exitKey) await backend.sendKey(paneId, options.exitKey);
      },
    });
  }
  tiers.push({ tier: 'ctrl-c', act: pressCtrlC }, { tier: 'ctrl-d', act: () => backend.sendKey(paneId, 'ctrl-d') });

  if (await exited()) return { exited: true, tier: 'already-exited' };
  const problems: string[] = [];
  for (const { tier, act } of tiers) {
    try {
      await act();
    } catch (error) {
      // A tier that could not even be sent (input dropped, pane busy) must not stop the ladder.
      problems.push(`${tier}: ${(error as Error).message}`);
    }
    if (await waitForExit()) return { exited: true, tier };
  }
  if (!lastScreen) lastScreen = await backend.capture(paneId).catch(() => '');
  const tried = tiers.map(({ tier }) => tier).join(' → ');
  return {
    exited: false,
    screen: lastScreen,
    error: new WorkmuxError(`the agent in pane ${paneId} did not exit (tried ${tried})`, {
      hint: 'look at the pane and stop the agent by hand, or close its tab',
      detail: [...problems, 'last screen:', ...lastScreen.split('\n').slice(-15)].join('\n'),
    }),
  };
}
