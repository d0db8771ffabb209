/**
 * Runs the real Codex CLI (dev dependency) offline: CODEX_HOME with a mock model provider, the project trusted,
 * no update check, plugins/apps off; started with `--no-daemon` so no app-server outlives the test
 * (agent-signals.md, "Running Codex and Gemini offline").
 */
import fs from 'node:fs';
import path from 'node:path';
import { startOpenAiMock, type OpenAiMock, type OpenAiMockOptions } from './openai-mock.js';
import { agentBin, startAgentSession, type AgentSession } from './agent-session.js';

export const codexBin = agentBin('codex');
export type CodexSession = AgentSession<OpenAiMock>;

export function codexConfig(mockUrl: string, cwd: string): string {
  return [
    'model_provider = "mock"',
    'model = "mock-model"',
    'check_for_update_on_startup = false',
    '',
    '[model_providers.mock]',
    'name = "mock"',
    `base_url = "${mockUrl}/v1"`,
    'env_key = "MOCK_API_KEY"',
    'wire_api = "responses"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
    `[projects."${cwd}"]`,
    'trust_level = "trusted"',
    '',
    '[features]',
    'plugins = false',
    'apps = false',
    '',
  ].join('\n');
}

export async function startCodexSession(
  options: { mock?: Partial<OpenAiMockOptions>; cols?: number; rows?: number } = {},
): Promise<CodexSession> {
  const mock = await startOpenAiMock(options.mock);
  return startAgentSession({
    label: 'codex',
    mock,
    writeHome: async (home, cwd) => {
      const codexHome = path.join(home, '.codex');
      await fs.promises.mkdir(codexHome, { recursive: true });
      await fs.promises.writeFile(path.join(codexHome, 'config.toml'), codexConfig(mock.url, cwd));
    },
    env: (home) => ({ MOCK_API_KEY: 'x', CODEX_HOME: path.join(home, '.codex') }),
    command: `${codexBin} --no-daemon`,
    cols: options.cols,
    rows: options.rows,
  });
}
