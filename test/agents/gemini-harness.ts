/**
 * Runs the real Gemini CLI (dev dependency) offline: API key auth selected and folder trust off in a throwaway
 * HOME, the API pointed at the loopback mock, in a pane of a private tmux server (agent-signals.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startGeminiMock, type GeminiMock, type GeminiMockOptions } from './gemini-mock.js';
import { agentBin, startAgentSession, type AgentSession } from './agent-session.js';

export const geminiBin = agentBin('gemini');
export type GeminiSession = AgentSession<GeminiMock>;

export async function writeGeminiHome(home: string): Promise<void> {
  const settings = { security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: false } } };
  await fs.promises.mkdir(path.join(home, '.gemini'), { recursive: true });
  await fs.promises.writeFile(path.join(home, '.gemini', 'settings.json'), JSON.stringify(settings, null, 2));
}

export async function startGeminiSession(
  options: { mock?: Partial<GeminiMockOptions>; cols?: number; rows?: number } = {},
): Promise<GeminiSession> {
  const mock = await startGeminiMock(options.mock);
  return startAgentSession({
    label: 'gemini',
    mock,
    writeHome: writeGeminiHome,
    env: { GEMINI_API_KEY: 'x', GOOGLE_GEMINI_BASE_URL: mock.url },
    command: geminiBin,
    cols: options.cols,
    rows: options.rows,
  });
}
