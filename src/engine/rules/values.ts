/** Small value parsers shared by rule parsing and actions: durations, `{{placeholders}}`, reset times. */

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `5s`, `2m`, `1h`, or a bare number of seconds. Returns milliseconds, or null when unparseable. */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : null;
  if (typeof value !== 'string') return null;
  const match = DURATION.exec(value.trim());
  if (!match) return null;
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's']!);
}

/** Replaces `{{name}}` with vars[name]; unknown names become ''. */
export function renderTemplate(template: string, vars: Readonly<Record<string, string | undefined>>): string {
  return template.replace(/\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g, (_, name: string) => vars[name] ?? '');
}

/** Names a template refers to. */
export function templateNames(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g)].map((m) => m[1]!);
}

const TIME_OF_DAY = /(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)?/i;

/**
 * The next local time matching a reset text such as `4:57 PM`, `5pm (America/Chicago)` or `17:00`,
 * strictly after `now`. A time zone in the text is ignored (the machine's zone is used). null when no time.
 */
export function nextResetTime(text: string, now: number): number | null {
  const match = TIME_OF_DAY.exec(text);
  if (!match) return null;
  let hours = Number(match[1]);
  const minutes = match[2] ? Number(match[2]) : 0;
  const meridiem = match[3]?.toLowerCase().replace(/\./g, '');
  if (!match[2] && !meridiem) return null; // a bare number is not a time
  if (meridiem === 'pm' && hours < 12) hours += 12;
  if (meridiem === 'am' && hours === 12) hours = 0;
  if (hours > 23 || minutes > 59) return null;
  const at = new Date(now);
  at.setHours(hours, minutes, 0, 0);
  if (at.getTime() <= now) at.setDate(at.getDate() + 1);
  return at.getTime();
}
