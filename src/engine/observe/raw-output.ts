/**
 * Raw pane output pushed by the multiplexer (tmux control mode, backends/tmux-control.ts), where escape sequences
 * the screen swallows are still visible: Codex's machine-readable state `ESC ] 7501 ; state=<value>:app=codex ESC \`
 * (agent-signals.md).
 */

// ESC ] 7501 ; state=<value> (BEL | ESC \)
const OSC_7501 = /\x1b\]7501;state=([^\x07\x1b]*)(?:\x07|\x1b\\)/g;

/**
 * Follows each pane's OSC 7501 state across output chunks (a sequence may be split between two `%output` lines).
 * `feed` returns the newest state seen in the chunk, without the trailing `:app=<name>`.
 */
export class Osc7501Reader {
  private readonly tails = new Map<string, string>();

  feed(paneId: string, data: string): string | undefined {
    const text = (this.tails.get(paneId) ?? '') + data;
    let state: string | undefined;
    let consumed = 0;
    for (const match of text.matchAll(OSC_7501)) {
      state = match[1]!.replace(/:app=[\w-]+$/, '');
      consumed = match.index! + match[0].length;
    }
    // Keep an unterminated sequence start for the next chunk; drop everything else.
    const pending = text.lastIndexOf('\x1b]7501;');
    this.tails.set(paneId, pending >= consumed ? text.slice(pending, pending + 512) : '');
    return state;
  }

  forget(paneId: string): void {
    this.tails.delete(paneId);
  }
}
