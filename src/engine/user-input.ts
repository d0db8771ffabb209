/**
 * Tells whether the user has been typing into a pane, so the gate never types over them.
 *
 * How "the user typed" is detected: the pane's input line (the agent's composer `❯ `, `› `, ` > `, or a
 * shell prompt `…$ `) is read (1) from every chunk of new output the watcher reports, when it contains one,
 * and (2) from a capture of the screen whenever the gate considers typing into the pane. When the draft on
 * that line changed since the previous reading and workmux typed nothing into the pane shortly before (the
 * echo of workmux's own typing arrives for a while after it sent), the user typed. A first reading that
 * already shows a non-empty draft counts as typing too (it may be the user's half-written line); a draft
 * that then stays unchanged for the whole idle window no longer blocks (placeholders such as
 * `Type your message` are steady). A draft the user was seen typing blocks for as long as it stays on the
 * input line (up to the gate's max_defer): typing then would mix workmux's text into the user's.
 * Costs one capture per typing action and nothing while idle.
 */

/** Composer markers at line start, or a shell prompt ending in $, # or % (box borders stripped). */
const INPUT_LINE = /^[\s│|]*(?:❯|›|>|aider>|\S*[$#%])(?:\s(.*?))?[\s│|]*$/u;
/** The composer sits near the bottom of the screen; footers below it carry no markers. */
const BOTTOM_LINES = 12;

/** The draft on the input line nearest the bottom of `screen`, '' for an empty prompt, null when none. */
export function inputDraft(screen: string): string | null {
  const lines = screen.split('\n').filter((line) => line.trim() !== '');
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - BOTTOM_LINES); i--) {
    const match = INPUT_LINE.exec(lines[i]!);
    if (match) return (match[1] ?? '').trim();
  }
  return null;
}

/** Changes seen this long after workmux typed are its own echo (watchers report screens with some delay). */
export const OWN_ECHO_MS = 3_000;

interface PaneInput {
  draft: string | null;
  /** workmux typed into the pane since the last reading: a changed draft is ours. */
  sentSince: boolean;
  lastSentAt?: number;
  lastUserInputAt?: number;
  /** The current draft was typed by the user (seen changing, not ours). */
  userDraft: boolean;
}

export interface UserActivity {
  readonly lastUserInputAt?: number;
  /** The user's own unsent text is on the input line. */
  readonly userDraft: boolean;
}

export class UserInputTracker {
  private readonly panes = new Map<string, PaneInput>();

  /** Feeds one screen (or chunk of new lines); returns what is known about the user's typing. */
  observe(paneId: string, screen: string, at: number): UserActivity {
    const draft = inputDraft(screen);
    const pane = this.panes.get(paneId);
    if (!pane) {
      this.panes.set(paneId, { draft, sentSince: false, lastUserInputAt: draft ? at : undefined, userDraft: false });
      return { lastUserInputAt: draft ? at : undefined, userDraft: false };
    }
    if (draft !== pane.draft) {
      const ours = pane.sentSince || (pane.lastSentAt !== undefined && at - pane.lastSentAt <= OWN_ECHO_MS);
      // A prompt that appeared or vanished is a layout change (dialog, working screen), not typing.
      const typed = !ours && draft !== null && pane.draft !== null;
      if (typed) pane.lastUserInputAt = at;
      pane.userDraft = typed && draft !== '';
    }
    pane.draft = draft;
    pane.sentSince = false;
    return { lastUserInputAt: pane.lastUserInputAt, userDraft: pane.userDraft };
  }

  /** Passive reading from new output lines: only when they show an input line. */
  observeLines(paneId: string, lines: readonly string[], at: number): void {
    if (!this.panes.has(paneId)) return; // no baseline yet: the gate's first capture sets it
    const tail = lines.slice(-BOTTOM_LINES).join('\n');
    if (inputDraft(tail) !== null) this.observe(paneId, tail, at);
  }

  /** workmux is about to type into the pane. */
  noteSent(paneId: string, at: number): void {
    const pane = this.panes.get(paneId);
    if (pane) {
      pane.sentSince = true;
      pane.lastSentAt = at;
    }
  }


  forget(paneId: string): void {
    this.panes.delete(paneId);
  }
}
