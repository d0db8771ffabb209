/**
 * New text from successive screen snapshots. TUIs redraw in place (footers, composers, spinners), so "new" is
 * not "below the old bottom": a line is new when the previous snapshot did not show it (counting repeats) and
 * it was not emitted recently (a footer that flips back and forth is logged once). When the two snapshots
 * share no line at all, output may have scrolled past between them: that is a gap.
 */

export interface NewText {
  lines: string[];
  /** The snapshots did not overlap: output may be missing before `lines`. */
  gap: boolean;
}

/** Snapshot text → lines without trailing spaces and without the blank tail of the screen. */
export function snapshotLines(screen: string): string[] {
  const lines = screen.split('\n').map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Remembers the last `capacity` emitted lines of one pane. */
export class RecentLines {
  private readonly counts = new Map<string, number>();
  private readonly order: string[] = [];

  constructor(private readonly capacity = 300) {}

  has(line: string): boolean {
    return this.counts.has(line);
  }

  add(line: string): void {
    this.order.push(line);
    this.counts.set(line, (this.counts.get(line) ?? 0) + 1);
    if (this.order.length > this.capacity) {
      const dropped = this.order.shift()!;
      const left = this.counts.get(dropped)! - 1;
      if (left === 0) this.counts.delete(dropped);
      else this.counts.set(dropped, left);
    }
  }
}

/**
 * Lines of `current` that are new relative to `previous`, in screen order. Blank lines are never emitted.
 * `recent` is updated with what is returned. `isStatusLine` drops lines that are state, not output
 * (spinner lines, footers): they change every redraw and are reported as agent states instead.
 */
export function extractNewText(
  previous: readonly string[],
  current: readonly string[],
  recent: RecentLines,
  isStatusLine: (line: string) => boolean = () => false,
): NewText {
  const shown = new Map<string, number>();
  for (const line of previous) if (line.trim() !== '') shown.set(line, (shown.get(line) ?? 0) + 1);

  const lines: string[] = [];
  let overlap = false;
  for (const line of current) {
    if (line.trim() === '') continue;
    const left = shown.get(line) ?? 0;
    if (left > 0) {
      overlap = true;
      shown.set(line, left - 1);
      continue;
    }
    if (recent.has(line) || isStatusLine(line)) continue;
    lines.push(line);
  }
  for (const line of lines) recent.add(line);
  const gap = !overlap && shown.size > 0 && lines.length > 0;
  return { lines, gap };
}
