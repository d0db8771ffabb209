import { UsageError } from '../core/errors.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since` values: a duration back from now (`90s`, `30m`, `2h`, `7d`, `1w`) or a date (`2026-11-21`, ISO time). */
export function parseSince(value: string, now: number = Date.now()): number {
  const duration = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(value.trim());
  if (duration) return now - Number(duration[1]) * UNIT_MS[duration[2]!]!;
  const date = Date.parse(value);
  if (!Number.isNaN(date)) return date;
  throw new UsageError(`cannot read --since ${JSON.stringify(value)}`, { hint: 'use a duration like 30m, 2h, 7d or a date like 2026-11-21' });
}
