/**
 * Runs the real Claude Code CLI (dev dependency) offline: a throwaway HOME whose .claude.json skips
 * onboarding, trust and API-key dialogs, the API pointed at the loopback mock, started in a pane of a private
 * tmux server (agent-signals.md, "Running Claude Code offline in tests").
 */
import fs from 'node:fs';
import path from 'node:path';
import { startAnthropicMock, type AnthropicMock, type AnthropicMockOptions } from './anthropic-mock.js';
import { agentBin, startAgentSession, type AgentSession } from './agent-session.js';

export const claudeBin = agentBin('claude');
export const CLAUDE_API_KEY = 'sk-test';

export type ClaudeSession = AgentSession<AnthropicMock>;

export async function writeClaudeHome(home: string, cwd: string): Promise<void> {
  const config = {
    hasCompletedOnboarding: true,
    projects: { [cwd]: { hasTrustDialogAccepted: true } },
    customApiKeyResponses: { approved: [CLAUDE_API_KEY], rejected: [] },
  };
  await fs.promises.writeFile(path.join(home, '.claude.json'), JSON.stringify(config, null, 2));
}

export async function startClaudeSession(
  options: { mock?: Partial<AnthropicMockOptions>; cols?: number; rows?: number } = {},
): Promise<ClaudeSession> {
  const mock = await startAnthropicMock(options.mock);
  return startAgentSession({
    label: 'claude',
    mock,
    writeHome: writeClaudeHome,
    env: {
      ANTHROPIC_API_KEY: CLAUDE_API_KEY,
      ANTHROPIC_BASE_URL: mock.url,
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_TELEMETRY: '1',
    },
    command: claudeBin,
    cols: options.cols,
    rows: options.rows,
  });
}
