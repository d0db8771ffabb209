/**
 * `match:` values: a literal string, or `/regex/flags` (JavaScript syntax, named groups become captures).
 * Each matcher also gets an anchor: a substring every match must contain, so the scanner can skip the
 * regex entirely on text that does not contain it.
 */
import type { Matcher } from './types.js';

const REGEX_LITERAL = /^\/(.+)\/([a-z]*)$/s;
const ALLOWED_FLAGS = /^[imsuv]*$/;
/** Anchors shorter than this would hit too often to be worth it. */
const MIN_ANCHOR = 3;

export class MatcherSyntaxError extends Error {}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Parses a `match:` value. Throws MatcherSyntaxError with a message fit for a one-line config error. */
export function parseMatcher(source: string): Matcher {
  if (source.length === 0) throw new MatcherSyntaxError('empty pattern');
  const literal = REGEX_LITERAL.exec(source);
  if (!literal) {
    return { source, kind: 'literal', regex: new RegExp(escapeRegex(source)), anchor: source, foldCase: false };
  }
  const [, body = '', flags = ''] = literal;
  if (!ALLOWED_FLAGS.test(flags)) {
    throw new MatcherSyntaxError(`unsupported regex flags "${flags}" (use i, m, s, u, v)`);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(body, flags);
  } catch (error) {
    throw new MatcherSyntaxError(`invalid regex ${source}: ${(error as Error).message}`);
  }
  const foldCase = flags.includes('i');
  const required = requiredLiteral(body);
  const anchor = required && required.length >= MIN_ANCHOR ? (foldCase ? required.toLowerCase() : required) : null;
  return { source, kind: 'regex', regex, anchor, foldCase };
}

/** Escapes that match one fixed character (everything else after `\` is a class, an assertion or a reference). */
const LITERAL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v' };
const SPECIAL_ESCAPES = new Set('dDwWsSbBcxuUkpP0123456789');

/**
 * The longest run of characters every match of `source` must contain, or null when the pattern has a
 * top-level alternation. Conservative: groups, classes and anything optional end a run.
 */
export function requiredLiteral(source: string): string | null {
  const runs: string[] = [];
  let run = '';
  const endRun = () => {
    if (run) runs.push(run);
    run = '';
  };
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      const next = source[++i] ?? '';
      if (depth > 0) continue;
      if (next in LITERAL_ESCAPES) run += LITERAL_ESCAPES[next];
      else if (SPECIAL_ESCAPES.has(next)) endRun();
      else run += next;
      continue;
    }
    if (ch === '[') {
      i = endOfClass(source, i);
      if (depth === 0) endRun();
      continue;
    }
    if (ch === '(') {
      depth++;
      endRun();
      continue;
    }
    if (ch === ')') {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth > 0) continue;
    if (ch === '|') return null;
    if (ch === '?' || ch === '*') {
      run = run.slice(0, -1); // the preceding character is optional
      endRun();
    } else if (ch === '{') {
      const close = source.indexOf('}', i);
      const min = close > 0 ? Number.parseInt(source.slice(i + 1, close), 10) : Number.NaN;
      if (min === 0) run = run.slice(0, -1);
      endRun();
      if (close > 0) i = close;
    } else if (ch === '+') {
      endRun(); // the character is there at least once; what follows may repeat it
    } else if (ch === '.' || ch === '^' || ch === '$') {
      endRun();
    } else {
      run += ch;
    }
  }
  endRun();
  return runs.reduce<string | null>((best, r) => (best === null || r.length > best.length ? r : best), null);
}

function endOfClass(source: string, start: number): number {
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === ']') return i;
  }
  return source.length;
}
