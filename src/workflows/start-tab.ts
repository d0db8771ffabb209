import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { assertProjectCommandsTrusted } from '../config/load.js';
import { agentStartLine, resolveAgent, type ResolvedAgent } from '../agents/profiles.js';
import { launchTab, type LaunchedTab, type PaneLaunch } from '../../backends/session.js';
import type { Tab } from '../../backends/types.js';
import { forgetAgent, recordAgentOpened, type AgentRecord } from '../store/agents.js';
import { wakeWatcher } from '../engine/observe/watcher-lock.js';
import type { WorkmuxContext } from './context.js';
import { tabNameFor, type ManagedWorktree } from './worktrees.js';

export const PROMPT_DIR = '.workmux';
export const AGENT_PLACEHOLDER = '<agent>';

export interface StartTabOptions {
  /** Agent setting from the command line (overrides config `agent`). */
  agent?: string;
  prompt?: string;
  background?: boolean;
  placement?: string;
  domain?: string;
}

export interface StartedTab {
  tab: Tab;
  agent?: ResolvedAgent;
  agentPane?: string;
  promptFile?: string;
  attachHint?: string;
}

/** The agent a tab should run, or undefined for a plain shell. Refuses a prompt with nowhere to go. */
export function agentFor(ctx: WorkmuxContext, options: StartTabOptions): ResolvedAgent | undefined {
  const setting = options.agent ?? ctx.config.agent;
  if (!setting) {
    if (options.prompt !== undefined) {
      throw new UsageError('a prompt needs an agent to receive it', { hint: 'pass -a <agent> (e.g. -a claude) or set `agent` in your config' });
    }
    return undefined;
  }
  return resolveAgent(setting, ctx.config.agents);
}

/** Where the prompt for the worktree's agent is written, relative to the worktree (`.workmux/` is git-excluded). */
const promptFileOf = (handle: string) => `${PROMPT_DIR}/PROMPT-${handle}.md`;

/** Writes the prompt where the agent command reads it. Returns the relative path. */
function writePromptFile(worktreePath: string, handle: string, prompt: string): string {
  const relative = promptFileOf(handle);
  fs.mkdirSync(path.join(worktreePath, PROMPT_DIR), { recursive: true });
  fs.writeFileSync(path.join(worktreePath, relative), prompt);
  return relative;
}

/** The pane launches for the configured layout; `<agent>` panes get the agent's start line. */
export function paneLaunches(ctx: WorkmuxContext, agentLine: string | undefined): PaneLaunch[] {
  return ctx.config.panes.map((pane, index) => {
    const isAgent = pane.command === AGENT_PLACEHOLDER;
    return {
      startLine: isAgent ? agentLine : pane.command,
      split: index === 0 ? undefined : (pane.split ?? 'vertical'),
      target: pane.target,
      size: pane.size ? { cells: pane.size } : pane.percentage ? { percent: pane.percentage } : undefined,
      focus: pane.focus,
      isAgent,
    };
  });
}

export interface TabTiming {
  /**
   * The worktree is still being created (its directory exists, empty); the tab may open meanwhile, but no
   * shell starts and nothing is written there before this settles (see launchTab's `ready`).
   */
  worktreeReady?: Promise<unknown>;
  /** Called (once, if the tab opened) while the tab's shell starts: the caller's work that can go alongside. */
  whileShellStarts?: () => void;
}

/** Opens the worktree's tab with its panes, starts the agent, delivers the prompt, records it in the store. */
export async function startWorktreeTab(ctx: WorkmuxContext, worktree: ManagedWorktree, options: StartTabOptions, timing: TabTiming = {}): Promise<StartedTab> {
  const { worktreeReady } = timing;
  const agent = agentFor(ctx, options);
  const runsProjectCommands = ctx.config.panes.some((p) => p.command && p.command !== AGENT_PLACEHOLDER) || agent !== undefined;
  if (runsProjectCommands) assertProjectCommandsTrusted(ctx.config);
  const backend = await ctx.availableBackend();
  const prompt = agent ? options.prompt : undefined;
  const promptFile = prompt === undefined ? undefined : promptFileOf(worktree.handle);
  const writePrompt = () => prompt !== undefined && writePromptFile(worktree.path, worktree.handle, prompt);
  const ready = worktreeReady?.then(writePrompt);
  if (!ready) writePrompt();
  const pasted = agent?.profile?.prompt.kind === 'paste' ? options.prompt : undefined;
  const panes = paneLaunches(ctx, agent ? agentStartLine(agent, promptFile) : undefined);
  const record = async (tab: Tab, paneId = tab.paneId) =>
    recordAgentOpened(await ctx.store(), {
      project_root: ctx.git.mainRoot,
      handle: worktree.handle,
      branch: worktree.branch ?? '',
      worktree_path: worktree.path,
      backend: backend.kind,
      scope: tab.scope.id,
      tab_id: tab.id,
      tab_name: tab.name,
      pane_id: paneId,
      agent: agent?.name ?? '',
    });
  // The agent's pane is the first one unless the layout puts it in a split, made only after the wait: then
  // it is recorded at the end; otherwise the store is written while the first shell starts.
  const agentInFirstPane = !panes.some((pane) => pane.isAgent) || panes[0]!.isAgent === true;
  let recorded: Promise<AgentRecord> | undefined;
  let launched: LaunchedTab;
  try {
    launched = await launchTab({
      backend,
      tab: {
        name: tabNameFor(ctx.config, worktree.handle),
        cwd: worktree.path,
        background: options.background ?? false,
        placement: options.placement,
        domain: options.domain,
      },
      panes,
      handshakeTimeoutMs: Number(ctx.env.WORKMUX_HANDSHAKE_TIMEOUT_MS) || ctx.config.handshake_timeout_ms,
      pastePrompt: pasted,
      ready,
      whileWaiting: (tab) => {
        timing.whileShellStarts?.();
        if (agentInFirstPane) return (recorded = record(tab));
      },
    });
  } catch (error) {
    // The tab is gone (launchTab closed it): so goes its record.
    const row = await recorded?.catch(() => undefined);
    if (row) forgetAgent(await ctx.store(), row.id);
    throw error;
  }
  if (!recorded) await record(launched.tab, launched.agentPane);
  wakeWatcher(ctx.env);
  return {
    tab: launched.tab,
    agent,
    agentPane: launched.agentPane,
    promptFile,
    attachHint: backend.attachHint?.(launched.tab.scope),
  };
}
