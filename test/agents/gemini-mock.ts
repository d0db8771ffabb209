/**
 * A loopback mock of the Gemini API, enough to drive the real Gemini CLI offline (agent-signals.md, "Running
 * Codex and Gemini offline"): `generateContent` (the model router, JSON), `streamGenerateContent?alt=sse`
 * (the turn), `countTokens`. The prompt text steers it like the Anthropic mock:
 * - `run: <shell command>` → a run_shell_command function call (needs permission); the follow-up request with the
 *   function response gets a short text answer;
 * - anything else → a text answer after `delayMs`.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface GeminiMockOptions {
  delayMs: number;
  answerText: string;
}

export interface GeminiRequest {
  url: string;
  kind: 'stream-text' | 'stream-tool' | 'stream-tool-answer' | 'generate' | 'count' | 'other';
}

export interface GeminiMock {
  readonly url: string;
  readonly options: GeminiMockOptions;
  readonly requests: GeminiRequest[];
  waitForRequest(kind: GeminiRequest['kind'], count?: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
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
  const requests: GeminiRequest[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  const record = (entry: GeminiRequest) => {
    requests.push(entry);
    for (const wake of waiters) wake();
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => void answer(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => res.destroy()));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function answer(req: http.IncomingMessage, res: http.ServerResponse, raw: string) {
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

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    options: settings,
    requests,
    waitForRequest(kind, count = 1, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (requests.filter((r) => r.kind === kind).length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`gemini mock: no ${count}× '${kind}' request within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
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
