/**
 * Pure helpers of the cmux backend: titles, how text must be cut for `cmux send`, how a sent text is
 * recognised on a screen read back with `read-screen`, and the launcher script typed into a new surface.
 */
import { shellQuote } from './fifo-handshake.js';

/** Workspace title: characters outside [A-Za-z0-9_-] become `-` (the contract's rule). */
export function sanitizeWorkspaceTitle(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '-') || 'workmux';
}

/**
 * `cmux send` turns the two characters `\n`, `\r`, `\t` into Return/Tab and has no escape for them. Cutting the
 * text right after such a backslash sends it literally: each piece goes in its own `send` call.
 */
export function cmuxSendChunks(text: string): string[] {
  const chunks: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length - 1; i++) {
    if (text[i] === '\\' && 'nrt'.includes(text[i + 1]!)) {
      chunks.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  chunks.push(text.slice(start));
  return chunks.filter((chunk) => chunk !== '');
}

const compact = (text: string) => text.replace(/\s+/g, '');
const PASTE_PLACEHOLDER = /\[Pasted (?:text|Content)[^\]]*\]/gi;

function occurrences(haystack: string, needle: string): number {
  if (!needle) return 0;
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** The last 32 non-blank characters of a text: enough to recognise it, short enough not to wrap oddly. */
export function probeFor(text: string): string {
  return compact(text).slice(-32);
}

/**
 * Did the text arrive between two screen reads? Its probe shows up more often than before (whitespace and line
 * wraps ignored), or the agent folded a long paste into a placeholder such as `[Pasted text #1 +12 lines]`.
 */
export function textArrived(before: string, after: string, probe: string): boolean {
  const grew = occurrences(compact(after), probe) > occurrences(compact(before), probe);
  const folded = (after.match(PASTE_PLACEHOLDER)?.length ?? 0) > (before.match(PASTE_PLACEHOLDER)?.length ?? 0);
  return grew || folded;
}

/**
 * The script a new surface runs: cmux starts its own shell in a workspace and takes no argv, so workmux types
 * `exec /bin/sh <this file>`. The file removes itself first (that removal proves the line was executed), moves
 * to the worktree, exports the tab's environment and execs the tab's command.
 */
export function launcherScript(spec: { cwd: string; command: readonly string[]; env?: Record<string, string> }): string {
  const exports = Object.entries(spec.env ?? {}).map(([key, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`invalid environment variable name: ${key}`);
    return `export ${key}=${shellQuote(value)}`;
  });
  return [
    '#!/bin/sh',
    'rm -f -- "$0"',
    `cd -- ${shellQuote(spec.cwd)} || exit 1`,
    ...exports,
    `exec ${spec.command.map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
}

/**
 * The line typed into the surface's shell. Single quotes read the same in sh, bash, zsh and fish for a path
 * without `'` or `\`; the leading space keeps the line out of shell history (ignorespace, HIST_IGNORE_SPACE, fish).
 */
export function launcherCommandLine(scriptPath: string): string {
  if (/['\\]/.test(scriptPath)) throw new Error(`launcher path must not contain ' or \\: ${scriptPath}`);
  return ` exec /bin/sh '${scriptPath}'`;
}
