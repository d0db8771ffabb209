/**
 * A loopback mock of the Anthropic Messages API, enough to drive the real Claude Code CLI offline
 * (agent-signals.md, "Running Claude Code offline in tests").
 *
 * What a prompt gets back is decided by the prompt text, so a test steers the agent by what it types:
 * - `run: <shell command>`  → a Bash tool_use (e.g. `run: touch /tmp/x` needs permission); the follow-up request
 *   carrying the tool_result gets a short text answer.
 * - anything else           → a text answer, streamed after `delayMs` (the agent shows "working" meanwhile).
 * `rateLimited = true` answers every request with a 429 rate_limit_error instead.
 */
import http from 'node:http';
import { startMockServer, type MockServer } from './mock-server.js';

export interface AnthropicMockOptions {
  /** Milliseconds to wait before streaming the answer text (keeps the agent "working"). */
  delayMs: number;
  /** Answer 429 rate_limit_error to every /v1/messages request. */
  rateLimited: boolean;
  /** Text of a plain answer. */
  answerText: string;
}

export interface RecordedRequest {
  method: string;
  url: string;
  /** Parsed JSON body, when there was one. */
  body?: MessagesRequest;
  /** What the mock answered with. */
  kind: 'probe' | 'text' | 'tool_use' | 'tool_result_answer' | 'side' | 'rate_limited' | 'other';
}

export interface AnthropicMock extends MockServer<RecordedRequest> {
  readonly options: AnthropicMockOptions;
}

interface ContentBlock {
  type: string;
  text?: string;
}
interface Message {
  role: string;
  content: string | ContentBlock[];
}
interface MessagesRequest {
  model?: string;
  stream?: boolean;
  tools?: unknown[];
  messages?: Message[];
}

const TOOL_PROMPT = /^run:\s*(.+?)\s*$/s;

export async function startAnthropicMock(options: Partial<AnthropicMockOptions> = {}): Promise<AnthropicMock> {
  const settings: AnthropicMockOptions = {
    delayMs: 0,
    rateLimited: false,
    answerText: 'Mock answer: done.',
    ...options,
  };
  let toolCounter = 0;

  async function answer(req: http.IncomingMessage, res: http.ServerResponse, raw: string, record: (entry: RecordedRequest) => void) {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    if (method === 'HEAD' || !url.startsWith('/v1/messages')) {
      record({ method, url, kind: method === 'HEAD' ? 'probe' : 'other' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(method === 'HEAD' ? undefined : '{}');
      return;
    }
    const body = parseJson(raw);
    if (url.startsWith('/v1/messages/count_tokens')) {
      record({ method, url, body, kind: 'other' });
      return sendJson(res, 200, { input_tokens: 100 });
    }
    if (settings.rateLimited) {
      record({ method, url, body, kind: 'rate_limited' });
      res.setHeader('retry-after', '1');
      return sendJson(res, 429, {
        type: 'error',
        error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your rate limit (mock).' },
      });
    }
    const reply = replyFor(body);
    // Recorded on arrival, so a test can tell "the agent is waiting on us" from "answered".
    record({ method, url, body, kind: reply.kind });
    if (reply.kind === 'text') await sleep(settings.delayMs);
    if (body?.stream) return streamMessage(res, body, reply.blocks, reply.stopReason);
    return sendJson(res, 200, fullMessage(body, reply.blocks, reply.stopReason));
  }

  function replyFor(body: MessagesRequest | undefined): {
    kind: RecordedRequest['kind'];
    blocks: OutBlock[];
    stopReason: string;
  } {
    // Side requests (session title, topic detection) come without tools: answer at once, briefly.
    if (!body?.tools || body.tools.length === 0) {
      return { kind: 'side', blocks: [{ type: 'text', text: '{"title": "Mock session", "isNewTopic": false}' }], stopReason: 'end_turn' };
    }
    // Claude Code appends a `system` message after the user's: the prompt is in the last *user* message.
    const last = body.messages?.filter((message) => message.role === 'user').pop();
    if (last && Array.isArray(last.content) && last.content.some((block) => block.type === 'tool_result')) {
      return { kind: 'tool_result_answer', blocks: [{ type: 'text', text: 'The command ran.' }], stopReason: 'end_turn' };
    }
    const tool = TOOL_PROMPT.exec(lastUserText(last).trim());
    if (tool) {
      toolCounter += 1;
      return {
        kind: 'tool_use',
        blocks: [
          {
            type: 'tool_use',
            id: `toolu_mock_${toolCounter}`,
            name: 'Bash',
            input: { command: tool[1]!, description: 'Run the requested command' },
          },
        ],
        stopReason: 'tool_use',
      };
    }
    return { kind: 'text', blocks: [{ type: 'text', text: settings.answerText }], stopReason: 'end_turn' };
  }

  const server = await startMockServer<RecordedRequest>('anthropic', answer);
  return { ...server, options: settings };
}

type OutBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

function lastUserText(message: Message | undefined): string {
  if (!message) return '';
  if (typeof message.content === 'string') return message.content;
  return message.content
    .filter((block) => block.type === 'text' && typeof block.text === 'string')
    .map((block) => block.text!)
    // Claude Code prepends <system-reminder> blocks; the typed prompt is the last text block.
    .filter((text) => !text.startsWith('<system-reminder>'))
    .pop() ?? '';
}

function messageEnvelope(body: MessagesRequest | undefined) {
  return {
    id: `msg_mock_${Date.now().toString(36)}`,
    type: 'message',
    role: 'assistant',
    model: body?.model ?? 'claude-mock',
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

function fullMessage(body: MessagesRequest | undefined, blocks: OutBlock[], stopReason: string) {
  return { ...messageEnvelope(body), content: blocks, stop_reason: stopReason, usage: { input_tokens: 12, output_tokens: 8 } };
}

function streamMessage(res: http.ServerResponse, body: MessagesRequest, blocks: OutBlock[], stopReason: string) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  send('message_start', { type: 'message_start', message: { ...messageEnvelope(body), content: [], stop_reason: null } });
  blocks.forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } });
    } else {
      send('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      send('content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
      });
    }
    send('content_block_stop', { type: 'content_block_stop', index });
  });
  send('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 8 } });
  send('message_stop', { type: 'message_stop' });
  res.end();
}

function sendJson(res: http.ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function parseJson(raw: string): MessagesRequest | undefined {
  try {
    return JSON.parse(raw) as MessagesRequest;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
