import { CommandError, WorkmuxError, EXIT_FAILURE } from '../core/errors.js';

/** One JSON envelope everywhere: {ok:true,data} or {ok:false,error:{message,hint,exitCode}}. */
export function printJson(data: unknown): void {
  process.stdout.write(`${JSON.stringify({ ok: true, data }, null, 2)}\n`);
}

export function errorEnvelope(error: unknown) {
  const e = error instanceof WorkmuxError ? error : undefined;
  return {
    ok: false,
    error: {
      message: e ? e.message : String((error as Error)?.message ?? error),
      hint: e?.hint ?? null,
      exitCode: e?.exitCode ?? EXIT_FAILURE,
    },
  };
}

/**
 * Prints an error for a human: one line naming the problem and the fix; a hook's output below it;
 * a failed command's argv and stderr only with WORKMUX_DEBUG=1. Returns the exit code.
 */
export function reportError(error: unknown, json: boolean): number {
  const envelope = errorEnvelope(error);
  if (json) {
    process.stdout.write(`${JSON.stringify(envelope, null, 2)}\n`);
  } else {
    const { message, hint } = envelope.error;
    process.stderr.write(`workmux: ${message}${hint ? ` — ${hint}` : ''}\n`);
    const debug = process.env.WORKMUX_DEBUG === '1';
    if (error instanceof WorkmuxError && error.detail && (debug || !(error instanceof CommandError))) {
      process.stderr.write(`${error.detail.trimEnd()}\n`);
    }
    if (debug && !(error instanceof WorkmuxError) && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  }
  return envelope.error.exitCode;
}

/** Plain aligned columns; widths from the visible text. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => visibleLength(row[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell)))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\x1b\[[0-9;]*m/g, '')].length;
}
