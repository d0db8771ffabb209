/**
 * A loopback mock of the OpenAI Responses API (`POST /v1/responses`, SSE), enough to drive the real Codex CLI
 * offline (agent-signals.md, "Running Codex and Gemini offline"). The first prompt also sends a title request
 * whose answer must be JSON `{"title": ...}`; every other request gets a text answer after `delayMs`.
 */
import http from 'node:http';
import { startMockServer, type MockServer } from './mock-server.js';

export interface OpenAiMockOptions {
  delayMs: number;
  answerText: string;
}

export interface OpenAiRequest {
  url: string;
  kind: 'text' | 'title' | 'other';
}

export interface OpenAiMock extends MockServer<OpenAiRequest> {
  readonly options: OpenAiMockOptions;
}

export async function startOpenAiMock(options: Partial<OpenAiMockOptions> = {}): Promise<OpenAiMock> {
  const settings: OpenAiMockOptions = { delayMs: 0, answerText: 'Mock answer: done.', ...options };
  let counter = 0;

  async function answer(req: http.IncomingMessage, res: http.ServerResponse, raw: string, record: (entry: OpenAiRequest) => void) {
    const url = req.url ?? '/';
    if (req.method !== 'POST' || !url.startsWith('/v1/responses')) {
      record({ url, kind: 'other' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(url.startsWith('/v1/models') ? '{"object":"list","data":[]}' : '{}');
      return;
    }
    // The title request asks for a JSON title in its instructions.
    const isTitle = /"title"/.test(raw) && /json/i.test(raw) && !/"tools"\s*:\s*\[\s*\{/.test(raw);
    record({ url, kind: isTitle ? 'title' : 'text' });
    if (!isTitle) await new Promise((resolve) => setTimeout(resolve, settings.delayMs));
    counter += 1;
    streamText(res, `resp_mock_${counter}`, isTitle ? '{"title": "Mock thread"}' : settings.answerText);
  }

  const server = await startMockServer<OpenAiRequest>('openai', answer);
  return { ...server, options: settings };
}

function streamText(res: http.ServerResponse, id: string, text: string) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let sequence = 0;
  const send = (type: string, data: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`);
  const base = { id, object: 'response', created_at: Math.floor(Date.now() / 1000), model: 'mock-model' };
  const item = { id: `msg_${id}`, type: 'message', role: 'assistant' };
  const part = { type: 'output_text', text, annotations: [] };
  const usage = {
    input_tokens: 12, input_tokens_details: { cached_tokens: 0 }, output_tokens: 8, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 20,
  };
  send('response.created', { response: { ...base, status: 'in_progress', output: [] } });
  send('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
  send('response.content_part.added', { item_id: item.id, output_index: 0, content_index: 0, part: { ...part, text: '' } });
  send('response.output_text.delta', { item_id: item.id, output_index: 0, content_index: 0, delta: text });
  send('response.output_text.done', { item_id: item.id, output_index: 0, content_index: 0, text });
  send('response.content_part.done', { item_id: item.id, output_index: 0, content_index: 0, part });
  const done = { ...item, status: 'completed', content: [part] };
  send('response.output_item.done', { output_index: 0, item: done });
  send('response.completed', { response: { ...base, status: 'completed', output: [done], usage } });
  res.end();
}
