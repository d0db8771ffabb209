/**
 * tmux control mode as an output stream: one `tmux -C attach-session` client per session whose panes are
 * watched, pushing `%output` lines as they happen (tmux-notes.md, "Reading state"). The client attaches with
 * `ignore-size` (it never resizes the user's windows) and `read-only`; it is a long-lived process, so it is
 * spawned directly rather than through core/exec's run-to-completion runner.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';

export type ControlLine =
  | { kind: 'output'; paneId: string; data: string }
  | { kind: 'exit'; reason: string }
  | { kind: 'structure'; notification: string };

/** Notifications that mean panes or windows came or went: the pane list must be read again. */
const STRUCTURE_NOTIFICATIONS = new Set([
  '%window-add', '%window-close', '%unlinked-window-add', '%unlinked-window-close', '%layout-change',
  '%sessions-changed', '%session-window-changed', '%window-pane-changed',
]);

/**
 * `%output %12 text` → the pane and its decoded bytes (as a latin1 string: one char per byte); `%exit` → exit;
 * a window/pane notification → structure.
 */
export function parseControlLine(line: string): ControlLine | undefined {
  if (line.startsWith('%output ')) {
    const space = line.indexOf(' ', 8);
    if (space < 0) return undefined;
    return { kind: 'output', paneId: line.slice(8, space), data: decodeControlEscapes(line.slice(space + 1)) };
  }
  if (line === '%exit' || line.startsWith('%exit ')) return { kind: 'exit', reason: line.slice(6) };
  const notification = line.split(' ', 1)[0]!;
  if (STRUCTURE_NOTIFICATIONS.has(notification)) return { kind: 'structure', notification };
  return undefined;
}

/** tmux writes bytes < 32 and `\` as `\ooo` octal escapes in control mode. */
export function decodeControlEscapes(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

import type { PaneOutputStream } from './types.js';
export type { PaneOutputStream };

export type PaneOutputHandler = (paneId: string, data: string) => void;

interface Client {
  process: ChildProcess;
  closed: boolean;
}

/** A session whose client ended is re-attached at most this often (it may be gone for good). */
const RETRY_AFTER_MS = 5_000;

export function openTmuxOutputStream(options: {
  socketArgs: readonly string[];
  env: NodeJS.ProcessEnv;
  onOutput: PaneOutputHandler;
  /** Panes or windows came or went (or a client ended): called so the pane list is read again. */
  onStructureChange?: () => void;
  log?: (line: string) => void;
}): PaneOutputStream {
  const clients = new Map<string, Client>();
  const endedAt = new Map<string, number>();

  const attach = (scopeId: string) => {
    const child = spawn('tmux', [...options.socketArgs, '-C', 'attach-session', '-f', 'ignore-size,read-only', '-t', scopeId], {
      env: options.env,
      // stdin stays open (control mode exits when it closes); nothing is ever written to it.
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const client: Client = { process: child, closed: false };
    clients.set(scopeId, client);
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const parsed = parseControlLine(line);
      if (parsed?.kind === 'output') options.onOutput(parsed.paneId, parsed.data);
      else if (parsed?.kind === 'structure') options.onStructureChange?.();
    });
    const ended = () => {
      if (client.closed) return;
      client.closed = true;
      if (clients.get(scopeId) === client) clients.delete(scopeId);
      endedAt.set(scopeId, Date.now());
      options.onStructureChange?.(); // the session (or the server) went away
    };
    child.on('exit', ended);
    child.on('error', (error) => {
      options.log?.(`tmux control mode for ${scopeId} failed: ${error.message}`);
      ended();
    });
  };

  const detach = (scopeId: string) => {
    const client = clients.get(scopeId);
    clients.delete(scopeId);
    if (!client || client.closed) return;
    client.closed = true;
    client.process.stdin?.end();
    client.process.kill('SIGTERM');
  };

  return {
    follow(scopeIds) {
      const wanted = new Set(scopeIds.filter(Boolean));
      for (const scopeId of [...clients.keys()]) if (!wanted.has(scopeId)) detach(scopeId);
      for (const scopeId of wanted) {
        if (clients.has(scopeId)) continue;
        if (Date.now() - (endedAt.get(scopeId) ?? 0) < RETRY_AFTER_MS) continue;
        attach(scopeId);
      }
    },
    close() {
      for (const scopeId of [...clients.keys()]) detach(scopeId);
    },
  };
}
