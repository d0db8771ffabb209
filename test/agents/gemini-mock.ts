/**
 * A loopback mock of the Gemini API, enough to drive the real Gemini CLI offline (agent-signals.md, "Running
 * Codex and Gemini offline"): `generateContent` (the model router, JSON), `streamGenerateContent?alt=sse`
 * (the turn), `countTokens`. The prompt text steers it like the Anthropic mock:
 * - `run: <shell command>` → a run_shell_command function call (needs permission); the follow-up request with the
 *   function response gets a short text answer;
 * - anything else → a text answer after `delayMs`.
 */
import http from 'node:http';
import { startMockServer, type MockServer } from './mock-server.js';

export interface GeminiMockOptions {
  delayMs: number;
  answerText: string;
}

export interface GeminiRequest {
  url: string;
  kind: 'stream-text' | 'stream-tool' | 'stream-tool-answer' | 'generate' | 'count' | 'other';
}

export interface GeminiMock extends MockServer<GeminiRequest> {
  readonly options: GeminiMockOptions;
}

interface Part {
  text?: string;
  functionResponse?: unknown;
}
interface Body {
  contents?: { role?: string; parts?: Part[] }[];
}

const TOOL_PROMPT = /^run:\s*(.+?)\s*$/s;

export async function startGeminiMock(options: Partial<GeminiMockOptions> = {}): Promise<GeminiMock> {
  const settings: GeminiMockOptions = { delayMs: 0, answerText: 'Mock answer: done.', ...options };

  async function answer(req: http.IncomingMessage, res: http.ServerResponse, raw: string, record: (entry: GeminiRequest) => void) {
    const url = req.url ?? '/';
    let body: Body | undefined;
    try {
      body = JSON.parse(raw) as Body;
    } catch {
      body = undefined;
    }
    if (url.includes(':countTokens')) {
      record({ url, kind: 'count' });
      return json(res, { totalTokens: 10 });
    }
    if (url.includes(':generateContent')) {
      record({ url, kind: 'generate' });
      return json(res, response([{ text: '{"reasoning": "a simple request", "model_choice": "flash"}' }]));
    }
    if (!url.includes(':streamGenerateContent')) {
      record({ url, kind: 'other' });
      return json(res, {});
    }
    const userTurn = body?.contents?.filter((content) => content.role === 'user').pop();
    const parts = userTurn?.parts ?? [];
    if (parts.some((part) => part.functionResponse)) {
      record({ url, kind: 'stream-tool-answer' });
      return sse(res, [{ text: 'The command ran.' }]);
    }
    const prompt = parts.map((part) => part.text ?? '').join('').trim();
    const tool = TOOL_PROMPT.exec(prompt);
    if (tool) {
      record({ url, kind: 'stream-tool' });
      return sse(res, [{ functionCall: { name: 'run_shell_command', args: { command: tool[1], description: 'Run the requested command' } } }]);
    }
    record({ url, kind: 'stream-text' });
    await new Promise((resolve) => setTimeout(resolve, settings.delayMs));
    return sse(res, [{ text: settings.answerText }]);
  }

  const server = await startMockServer<GeminiRequest>('gemini', answer);
  return { ...server, options: settings };
}

function response(parts: unknown[]) {
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 8, totalTokenCount: 20 },
    modelVersion: 'gemini-mock',
  };
}

function json(res: http.ServerResponse, value: unknown) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function sse(res: http.ServerResponse, parts: unknown[]) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(`data: ${JSON.stringify(response(parts))}\r\n\r\n`);
}
