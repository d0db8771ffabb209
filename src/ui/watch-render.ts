/** Human rendering for the watch verbs (watch, status, logs, search, events, wait). */
import type { WatchEvent } from '../engine/events.js';
import type { StoredEvent } from '../store/events.js';
import type { SearchHit, StoredLine } from '../store/output.js';
import type { AgentStatusRow, StatusReport } from '../workflows/agent-status.js';
import { colors } from './colors.js';
import { renderTable } from './output.js';

/** `12s ago`, `5m ago`, `3h ago`, `2d ago`. */
export function relativeTime(at: number, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

export function clockTime(at: number): string {
  return new Date(at).toTimeString().slice(0, 8);
}

export function renderStatusColor(status: string): string {
  const c = colors();
  const paint: Record<string, (text: string) => string> = { working: c.yellow, waiting: c.magenta, idle: c.green, exited: c.dim, starting: c.cyan };
  return (paint[status] ?? ((text: string) => text))(status);
}

export function renderStatusReport(report: StatusReport, now: number = Date.now()): string {
  const watcher = report.watcher.running
    ? `watcher: running (pid ${report.watcher.pid})`
    : 'watcher: not running — states are not updated; start it with `workmux watch --daemon`';
  if (report.agents.length === 0) return `${watcher}\nno agent tabs — open one with \`workmux add <branch>\``;
  const rows = report.agents.map((a: AgentStatusRow) => [
    a.handle, a.branch, a.backend, a.pane || '-', a.agent || '-', renderStatusColor(a.status) + (a.closed ? ' (closed)' : ''), relativeTime(a.since, now),
  ]);
  return `${watcher}\n${renderTable(['HANDLE', 'BRANCH', 'BACKEND', 'PANE', 'AGENT', 'STATUS', 'SINCE'], rows)}`;
}

/** One line per event worth a human's attention while `watch` runs in the foreground (titles and text are not). */
export function renderWatchEvent(event: WatchEvent): string | undefined {
  const who = `${event.handle ?? '-'} ${event.paneId}`;
  switch (event.type) {
    case 'agent.state':
      return `${clockTime(event.at)} ${who} ${event.agent ?? '?'} ${renderStatusColor(event.state)} (${event.reason})`;
    case 'pane.closed':
      return `${clockTime(event.at)} ${who} pane closed`;
    case 'pattern.matched':
      return `${clockTime(event.at)} ${who} rule ${event.ruleId} matched: ${event.text}`;
    default:
      return undefined;
  }
}

export function renderLogLines(lines: readonly StoredLine[]): string {
  const c = colors();
  return lines.map((l) => (l.gap ? `${c.dim('⋯ (output may be missing here)')}\n${l.line}` : l.line)).join('\n');
}

/** The line with its matched ranges painted. */
export function highlightMatches(line: string, matches: readonly [number, number][], paint: (text: string) => string): string {
  let out = '';
  let at = 0;
  for (const [start, end] of matches) {
    out += line.slice(at, start) + paint(line.slice(start, end));
    at = end;
  }
  return out + line.slice(at);
}

export function renderSearchHits(hits: readonly SearchHit[], now: number = Date.now()): string {
  if (hits.length === 0) return 'no matches';
  const c = colors();
  return hits
    .map((h) => `${c.cyan(h.handle ?? h.paneId)} ${c.dim(`${h.agent ?? '-'} ${relativeTime(h.at, now)}`)}  ${highlightMatches(h.line, h.matches, c.bold.red).trim()}`)
    .join('\n');
}

export function renderStoredEvents(events: readonly StoredEvent[]): string {
  if (events.length === 0) return 'no events recorded yet — is `workmux watch` running?';
  return events
    .map((e) => {
      const p = e.payload;
      const detail =
        e.type === 'agent.state' ? `${p.agent ?? '?'} ${p.previous ?? '-'} → ${p.state} (${p.reason})`
        : e.type === 'title.changed' ? JSON.stringify(p.title)
        : e.type === 'pattern.matched' ? `${p.ruleId}: ${p.text}`
        : e.type === 'metric' ? `${p.rule} ${p.name}=${p.value}`
        : e.type === 'limit' ? `${p.rule}: ${p.text}${p.reset ? ` (resets ${p.reset})` : ''}`
        : '';
      return `${new Date(e.at).toISOString()} ${e.type.padEnd(15)} ${(e.handle ?? '-').padEnd(12)} ${e.paneId} ${detail}`.trimEnd();
    })
    .join('\n');
}
