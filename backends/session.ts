import { UsageError, WorkmuxError } from '../src/core/errors.js';
import { HandshakeTimeoutError } from './fifo-handshake.js';
import type { Backend, PaneId, Tab, TabSpec } from './types.js';

/**
 * What every backend shares above its primitives: open a tab whose panes start login shells, wait for each
 * pane's readiness handshake, type the commands, deliver a prompt, focus. Any failure closes the tab it
 * made, so a failed `add` never leaves a half-made tab behind.
 */

export interface PaneLaunch {
  /** Line typed into the pane's login shell; undefined leaves the shell alone. */
  startLine?: string;
  split?: 'horizontal' | 'vertical';
  /** Index of the pane to split (default: the previous one). */
  target?: number;
  size?: { cells: number } | { percent: number };
  focus?: boolean;
  isAgent?: boolean;
}

export interface TabLaunch {
  backend: Backend;
  tab: Omit<TabSpec, 'command'>;
  panes: PaneLaunch[];
  handshakeTimeoutMs: number;
  /** Typed into the agent pane once the agent is up (profiles whose prompt cannot go on the command line). */
  pastePrompt?: string;
  /**
   * Settles when the tab's directory is ready for a shell (a worktree still being checked out). No shell
   * starts there before: a backend with held panes opens the tab at once (the directory must exist) and
   * lets the pane go then; others open the tab only then. A rejection closes the tab and is rethrown.
   */
  ready?: Promise<unknown>;
  /**
   * Runs once the first pane's readiness wait is under way (its process started), with the opened tab:
   * bookkeeping that need not hold up the tab goes alongside that wait instead of after it. Awaited with the
   * wait; a rejection fails the launch (and closes the tab) like a failed wait. Not called when no tab opened.
   */
  whileWaiting?: (tab: Tab) => unknown;
}

export interface LaunchedTab {
  tab: Tab;
  paneIds: PaneId[];
  agentPane?: PaneId;
}

/** argv of a pane's first process: signal readiness, then become a login shell (rc files load, and the pane survives the agent). */
export function paneStartupCommand(signalScript: string): string[] {
  return ['sh', '-c', `${signalScript}; exec "\${SHELL:-/bin/sh}" -l`];
}

/** Types a command line into a shell and submits it. */
export async function typeLine(backend: Backend, pane: PaneId, line: string): Promise<void> {
  await backend.sendText(pane, line);
  await backend.sendKey(pane, 'enter');
}

export async function launchTab(launch: TabLaunch): Promise<LaunchedTab> {
  const { backend, handshakeTimeoutMs: timeoutMs } = launch;
  if (launch.panes.length > 1 && !backend.capabilities.splits) {
    throw new UsageError(`the ${backend.kind} backend cannot split panes, but the config's \`panes\` asks for ${launch.panes.length}`, {
      hint: `use a single pane with ${backend.kind}, e.g. panes: [{ command: "<agent>" }]`,
    });
  }
  const held = launch.ready !== undefined && backend.capabilities.heldPanes;
  if (launch.ready && !held) await launch.ready;
  const handshake = await backend.handshake({ held });
  let tab: Tab;
  try {
    tab = await backend.openTab({ ...launch.tab, command: paneStartupCommand(handshake.signalScript) });
  } catch (error) {
    await handshake.dispose();
    throw error;
  }
  try {
    if (held) await launch.ready!.catch(async (error: unknown) => {
      await handshake.dispose();
      throw error;
    });
    const waited = handshake
      .wait(timeoutMs)
      .catch(async (error) => {
        if (!(error instanceof HandshakeTimeoutError)) throw error;
        // What the pane printed is usually the reason (a login shell that errors out or waits for input).
        const screen = await backend.capture(tab.paneId).catch(() => '');
        throw new WorkmuxError(error.message, { hint: error.hint, detail: screen.trim() ? `the pane printed:\n${screen.trimEnd()}` : undefined, cause: error });
      })
      // Freeing the handshake need not hold up typing: it finishes alongside (the process waits for it anyway).
      .finally(() => void handshake.dispose().catch(() => undefined));
    const alongside = Promise.resolve(tab).then(launch.whileWaiting);
    await Promise.all([waited, alongside]);
    const paneIds: PaneId[] = [tab.paneId];
    for (const pane of launch.panes.slice(1)) {
      const target = paneIds[pane.target ?? paneIds.length - 1] ?? tab.paneId;
      const split = await backend.handshake();
      try {
        const id = await backend.splitPane(target, {
          direction: pane.split ?? 'vertical',
          size: pane.size,
          cwd: launch.tab.cwd,
          env: launch.tab.env,
          command: paneStartupCommand(split.signalScript),
        });
        await split.wait(timeoutMs);
        paneIds.push(id);
      } finally {
        await split.dispose();
      }
    }
    let agentPane: PaneId | undefined;
    for (const [index, pane] of launch.panes.entries()) {
      const id = paneIds[index]!;
      if (pane.isAgent && agentPane === undefined) agentPane = id;
      if (pane.startLine) await typeLine(backend, id, pane.startLine);
    }
    if (launch.pastePrompt && agentPane) await deliverPastedPrompt(backend, agentPane, launch.pastePrompt);
    const focused = launch.panes.findIndex((pane) => pane.focus);
    if (!launch.tab.background && focused > 0) await backend.focus(paneIds[focused]!);
    return { tab, paneIds, agentPane };
  } catch (error) {
    await backend.closeTab(tab).catch(() => undefined);
    throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until a pane's screen has not changed for `stillMs` (the program is up and waiting), at most `maxMs`. */
export async function waitForStillScreen(backend: Backend, pane: PaneId, stillMs = 800, maxMs = 20_000): Promise<string> {
  const deadline = Date.now() + maxMs;
  let last = await backend.capture(pane);
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    await sleep(150);
    const now = await backend.capture(pane);
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= stillMs) {
      return now;
    }
  }
  return last;
}

/**
 * Pastes a prompt into an agent, waits briefly (a `\r` inside a paste does not submit), presses Enter, and
 * reads the screen back: if the prompt's first line never showed up, it pastes once more.
 */
export async function deliverPastedPrompt(backend: Backend, pane: PaneId, prompt: string): Promise<void> {
  await waitForStillScreen(backend, pane);
  const probe = prompt.split('\n').find((line) => line.trim().length > 0)?.trim().slice(0, 40) ?? '';
  for (let attempt = 0; attempt < 2; attempt++) {
    await backend.sendText(pane, prompt);
    await sleep(120);
    const screen = await backend.capture(pane, { lines: 200 });
    await backend.sendKey(pane, 'enter');
    if (!probe || screen.includes(probe)) return;
  }
}
