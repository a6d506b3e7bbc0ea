/**
 * A mock LLM provider over real HTTP on 127.0.0.1. By default it replays RECORDED REAL
 * responses (test/fixtures/<provider>/, copied from the acceptance corpus) on each provider's
 * own routes, JSON or streamed in that provider's framing. Tests script failures on demand:
 * latency, 429 with Retry-After, 5xx, hangs (timeouts), connection resets, truncated or stalled
 * streams and malformed bodies.
 *
 * Routes: OpenAI `/v1/chat/completions` (SSE when `body.stream`; usage chunk and `"usage": null`
 * members only when the request asks with `stream_options.include_usage`, as the real API), `/v1/responses`,
 * `/v1/embeddings`, `GET /v1/models`; Anthropic `/v1/messages` and `/anthropic/v1/messages`;
 * Gemini `/v1beta/models/{model}:generateContent` and `:streamGenerateContent` (`?alt=sse` for
 * SSE, else a JSON array as the REST API answers); Ollama `/api/chat` (NDJSON unless
 * `stream: false`). Anything else is a 404 in OpenAI's error shape.
 *
 * Test-only: `requests` keeps raw headers (auth included) so tests can check what was forwarded.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One wire event of a stream, in the corpus format: `event` name (or null) and JSON data (or `[DONE]`). */
export interface StreamEvent {
  event: string | null;
  data: unknown;
}

/** What the mock does with the next request. */
export type MockBehaviour =
  /** A JSON answer. `body` is serialized with JSON.stringify unless it is a string. */
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string>; latencyMs?: number }
  /**
   * A stream. `format` defaults to SSE (`ndjson` for Ollama). `truncateAfter: n` sends n events
   * then ends the response cleanly (`truncate: 'end'`, default) or destroys the socket
   * (`truncate: 'reset'`). `stallAfter: n` sends n events then keeps the connection open, silent.
   */
  | {
      kind: 'stream';
      events: readonly StreamEvent[];
      format?: 'sse' | 'ndjson';
      contentType?: string;
      status?: number;
      headers?: Record<string, string>;
      truncateAfter?: number;
      truncate?: 'end' | 'reset';
      stallAfter?: number;
      latencyMs?: number;
      chunkGapMs?: number;
    }
  /** An error status (429, 5xx...) with optional headers (`retry-after`) and body (JSON unless string). */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  /** Never answers (until the client gives up or the mock closes). */
  | { kind: 'hang' }
  /** Destroys the connection without an answer. */
  | { kind: 'reset' }
  /** A body that is not valid JSON, sent as application/json. */
  | { kind: 'malformed'; body: string; status?: number; contentType?: string }
  /** A corpus fixture by file name (without .json), served as recorded (stream or JSON). */
  | { kind: 'fixture'; name: string; latencyMs?: number; chunkGapMs?: number }
  /**
   * An OpenAI chat stream recorded with `stream_options.include_usage`, played as the real API
   * answers this request: as recorded when the request asks for usage, else without the
   * usage-only chunk and without the `usage` member of every other chunk (what the option adds,
   * per https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options).
   */
  | { kind: 'chat-stream'; name: string; chunkGapMs?: number };

export interface MockRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query string parameters. */
  query: Record<string, string>;
  /** Raw headers, lower-cased names (test-only: secrets are NOT redacted here). */
  headers: Record<string, string>;
  /** Raw request body text. */
  body: string;
  /** The body parsed as JSON, when it was JSON. */
  json: unknown;
}

export interface MockProviderOptions {
  /** Port to listen on. @default 0 (a random free port) */
  port?: number;
  /** Delay before every answer (headers), in ms. @default 0 */
  latencyMs?: number;
  /** Delay between stream events, in ms. @default 0 */
  chunkGapMs?: number;
  /** Keep at most this many requests in `requests` (the oldest are dropped); benches set it low. @default Infinity */
  maxLoggedRequests?: number;
}

export interface MockProvider {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: MockRequest[];
  /** Queues behaviours for the next requests (first in, first out), whatever their route. */
  enqueue(...behaviours: MockBehaviour[]): void;
  /** Behaviour for requests when the queue is empty; `undefined` restores the recorded defaults. */
  setDefault(behaviour: MockBehaviour | undefined): void;
  /** Clears the queue, the default override and the request log. */
  reset(): void;
  close(): Promise<void>;
}

interface Fixture {
  provider: string;
  kind: 'response' | 'stream';
  body: unknown;
}

const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const fixtureCache = new Map<string, Fixture>();

/** Loads `test/fixtures/<any provider>/<name>.json` (corpus format). */
export function loadFixture(name: string): Fixture {
  const cached = fixtureCache.get(name);
  if (cached) return cached;
  for (const folder of readdirSync(FIXTURES_DIR)) {
    const file = join(FIXTURES_DIR, folder, `${name}.json`);
    if (existsSync(file)) {
      const fixture = JSON.parse(readFileSync(file, 'utf8')) as Fixture;
      fixtureCache.set(name, fixture);
      return fixture;
    }
  }
  throw new Error(`mock provider: no fixture named ${name} under test/fixtures/*/`);
}

/** The events of a stream fixture. */
export function fixtureEvents(name: string): StreamEvent[] {
  const fixture = loadFixture(name);
  if (fixture.kind !== 'stream') throw new Error(`fixture ${name} is not a stream`);
  return fixture.body as StreamEvent[];
}

/** The body of a JSON fixture. */
export function fixtureBody(name: string): unknown {
  return loadFixture(name).body;
}

type Route =
  | 'openai-chat'
  | 'openai-responses'
  | 'openai-embeddings'
  | 'openai-models'
  | 'anthropic'
  | 'gemini'
  | 'gemini-stream'
  | 'ollama';

/** Recorded defaults per route: [JSON fixture, stream fixture]. */
const DEFAULT_FIXTURES: Record<Route, [string, string | undefined]> = {
  'openai-chat': ['openai-01-chat-plain', 'openai-05-chat-stream-include-usage'],
  'openai-responses': ['openai-responses-01-plain', 'openai-responses-04-stream-cached-reasoning'],
  'openai-embeddings': ['openai-docs-embeddings', undefined],
  'openai-models': ['openai-docs-models', undefined],
  anthropic: ['anthropic-01-plain', 'anthropic-04-stream-classic'],
  gemini: ['gemini-01-plain', 'gemini-06-stream'],
  'gemini-stream': ['gemini-01-plain', 'gemini-06-stream'],
  ollama: ['ollama-01-chat-tools', 'ollama-02-chat-stream-tools'],
};

/** True when an OpenAI chat request asks its stream for usage. */
export function asksForUsage(json: unknown): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const options = (json as Record<string, unknown>)['stream_options'];
  return (
    typeof options === 'object' && options !== null && (options as Record<string, unknown>)['include_usage'] === true
  );
}

/**
 * A chat stream recorded with include_usage as the API sends it to a request that did not ask:
 * the usage-only chunk (`choices: []` with a usage object) dropped, `usage` removed from the rest.
 */
export function withoutIncludeUsage(events: readonly StreamEvent[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const item of events) {
    if (typeof item.data !== 'object' || item.data === null) {
      out.push(item);
      continue;
    }
    const { usage, ...rest } = item.data as Record<string, unknown>;
    if (usage !== undefined && usage !== null && Array.isArray(rest['choices']) && rest['choices'].length === 0)
      continue;
    out.push({ event: item.event, data: usage === undefined ? item.data : rest });
  }
  return out;
}

function routeOf(method: string, path: string): Route | undefined {
  if (method === 'GET' && path === '/v1/models') return 'openai-models';
  if (method !== 'POST') return undefined;
  if (path === '/v1/chat/completions' || path === '/chat/completions') return 'openai-chat';
  if (path === '/v1/responses' || path === '/responses') return 'openai-responses';
  if (path === '/v1/embeddings' || path === '/embeddings') return 'openai-embeddings';
  if (path === '/v1/messages' || path === '/anthropic/v1/messages') return 'anthropic';
  if (/^\/v1(beta)?\/models\/[^/]+:generateContent$/.test(path)) return 'gemini';
  if (/^\/v1(beta)?\/models\/[^/]+:streamGenerateContent$/.test(path)) return 'gemini-stream';
  if (path === '/api/chat') return 'ollama';
  return undefined;
}

function wantsStream(route: Route, json: unknown): boolean {
  const stream = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)['stream'] : undefined;
  if (route === 'gemini-stream') return true;
  if (route === 'gemini') return false;
  // Ollama streams unless told not to (https://github.com/ollama/ollama/blob/main/docs/api.md).
  if (route === 'ollama') return stream !== false;
  return stream === true;
}

/** Recorded Anthropic streams from vercel/ai keep data only; live Anthropic names each event after data.type. */
function withEventNames(events: readonly StreamEvent[]): StreamEvent[] {
  return events.map((item) => {
    if (item.event !== null) return item;
    const type =
      typeof item.data === 'object' && item.data !== null ? (item.data as Record<string, unknown>)['type'] : undefined;
    return typeof type === 'string' ? { event: type, data: item.data } : item;
  });
}

/** Words of one o200k token each (' one' ... ' twelve'): a stream of them has a known output count. */
export const ONE_TOKEN_WORDS = [
  ' one',
  ' two',
  ' three',
  ' four',
  ' five',
  ' six',
  ' seven',
  ' eight',
  ' nine',
  ' ten',
  ' eleven',
  ' twelve',
];

/**
 * An OpenAI chat stream (gpt-4.1-nano) of `words`, one chunk each, then the finish reason, the
 * usage chunk (9 prompt tokens) and `[DONE]`: cut it with `stallAfter` to cancel it halfway.
 */
export function wordChatStream(words: readonly string[]): StreamEvent[] {
  const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    event: null,
    data: {
      id: 'chatcmpl-words',
      object: 'chat.completion.chunk',
      created: 1782955818,
      model: 'gpt-4.1-nano',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
      usage: null,
      ...extra,
    },
  });
  return [
    chunk({ role: 'assistant', content: '' }),
    ...words.map((word) => chunk({ content: word })),
    chunk({}, { choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] }),
    chunk(
      {},
      { choices: [], usage: { prompt_tokens: 9, completion_tokens: words.length, total_tokens: 9 + words.length } },
    ),
    { event: null, data: '[DONE]' },
  ];
}

/** A recorded include_usage chat stream as the API would answer `json` (see MockBehaviour `chat-stream`). */
export function chatStreamFor(name: string, json: unknown): StreamEvent[] {
  let events = fixtureEvents(name);
  if (events.at(-1)?.data !== '[DONE]') events = [...events, { event: null, data: '[DONE]' }];
  return asksForUsage(json) ? events : withoutIncludeUsage(events);
}

function recordedBehaviour(route: Route, stream: boolean, query: Record<string, string>, json: unknown): MockBehaviour {
  const [jsonName, streamName] = DEFAULT_FIXTURES[route];
  if (!stream || streamName === undefined) return { kind: 'json', body: fixtureBody(jsonName) };
  if (route === 'openai-chat') return { kind: 'stream', events: chatStreamFor(streamName, json) };
  let events = fixtureEvents(streamName);
  if (route === 'anthropic') events = withEventNames(events);
  if (route === 'ollama') return { kind: 'stream', events, format: 'ndjson' };
  if (route === 'gemini-stream' && query['alt'] !== 'sse') {
    // Without alt=sse the REST API answers one JSON array of chunks.
    return { kind: 'json', body: events.map((item) => item.data) };
  }
  return { kind: 'stream', events };
}

function fixtureBehaviour(name: string, latencyMs?: number, chunkGapMs?: number): MockBehaviour {
  const fixture = loadFixture(name);
  if (fixture.kind === 'response') return { kind: 'json', body: fixture.body, latencyMs };
  let events = fixture.body as StreamEvent[];
  if (fixture.provider === 'anthropic') events = withEventNames(events);
  const format = fixture.provider === 'ollama' ? 'ndjson' : 'sse';
  return { kind: 'stream', events, format, latencyMs, chunkGapMs };
}

function encodeEvent(item: StreamEvent, format: 'sse' | 'ndjson'): string {
  const data = typeof item.data === 'string' ? item.data : JSON.stringify(item.data);
  if (format === 'ndjson') return `${data}\n`;
  return item.event === null ? `data: ${data}\n\n` : `event: ${item.event}\ndata: ${data}\n\n`;
}

const wait = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

export async function startMockProvider(options: MockProviderOptions = {}): Promise<MockProvider> {
  const requests: MockRequest[] = [];
  const queue: MockBehaviour[] = [];
  let defaultBehaviour: MockBehaviour | undefined;
  const sockets = new Set<Socket>();

  async function serve(request: IncomingMessage, response: ServerResponse, body: string): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    let json: unknown;
    try {
      json = body.length > 0 ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const method = request.method ?? 'GET';
    requests.push({ method, path: url.pathname, query, headers, body, json });
    if (requests.length > (options.maxLoggedRequests ?? Infinity)) requests.shift();

    const route = routeOf(method, url.pathname);
    let behaviour = queue.shift() ?? defaultBehaviour;
    if (behaviour === undefined) {
      if (route === undefined) {
        behaviour = {
          kind: 'status',
          status: 404,
          body: { error: { message: `Unknown route ${method} ${url.pathname}`, type: 'invalid_request_error' } },
        };
      } else {
        behaviour = recordedBehaviour(route, wantsStream(route, json), query, json);
      }
    }
    if (behaviour.kind === 'fixture')
      behaviour = fixtureBehaviour(behaviour.name, behaviour.latencyMs, behaviour.chunkGapMs);
    if (behaviour.kind === 'chat-stream')
      behaviour = { kind: 'stream', events: chatStreamFor(behaviour.name, json), chunkGapMs: behaviour.chunkGapMs };
    await play(behaviour, response);
  }

  async function play(behaviour: MockBehaviour, response: ServerResponse): Promise<void> {
    const latency = ('latencyMs' in behaviour ? behaviour.latencyMs : undefined) ?? options.latencyMs ?? 0;
    switch (behaviour.kind) {
      case 'hang':
        return;
      case 'reset':
        response.socket?.destroy();
        return;
      case 'json': {
        await wait(latency);
        const text = typeof behaviour.body === 'string' ? behaviour.body : JSON.stringify(behaviour.body);
        response.writeHead(behaviour.status ?? 200, { 'content-type': 'application/json', ...behaviour.headers });
        response.end(text);
        return;
      }
      case 'status': {
        await wait(latency);
        const text =
          behaviour.body === undefined
            ? ''
            : typeof behaviour.body === 'string'
              ? behaviour.body
              : JSON.stringify(behaviour.body);
        response.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers });
        response.end(text);
        return;
      }
      case 'malformed':
        await wait(latency);
        response.writeHead(behaviour.status ?? 200, { 'content-type': behaviour.contentType ?? 'application/json' });
        response.end(behaviour.body);
        return;
      case 'stream': {
        const format = behaviour.format ?? 'sse';
        const gap = behaviour.chunkGapMs ?? options.chunkGapMs ?? 0;
        await wait(latency);
        response.writeHead(behaviour.status ?? 200, {
          'content-type': behaviour.contentType ?? (format === 'ndjson' ? 'application/x-ndjson' : 'text/event-stream'),
          'cache-control': 'no-cache',
          ...behaviour.headers,
        });
        response.flushHeaders();
        for (const [index, item] of behaviour.events.entries()) {
          if (behaviour.stallAfter !== undefined && index >= behaviour.stallAfter) return;
          if (behaviour.truncateAfter !== undefined && index >= behaviour.truncateAfter) {
            if (behaviour.truncate === 'reset') response.socket?.destroy();
            else response.end();
            return;
          }
          if (index > 0) await wait(gap);
          if (response.destroyed) return;
          const ok = response.write(encodeEvent(item, format));
          // Honour backpressure: a slow reader slows the mock, as a real provider's socket would.
          if (!ok) await new Promise<void>((resolve) => response.once('drain', resolve));
        }
        if (behaviour.stallAfter !== undefined && behaviour.stallAfter >= behaviour.events.length) return;
        response.end();
        return;
      }
      case 'fixture':
      case 'chat-stream':
        throw new Error('unreachable: fixture behaviours are resolved before play');
    }
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      serve(request, response, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `mock provider failure: ${String(error)}` } }));
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    enqueue: (...behaviours) => {
      queue.push(...behaviours);
    },
    setDefault: (behaviour) => {
      defaultBehaviour = behaviour;
    },
    reset: () => {
      queue.length = 0;
      defaultBehaviour = undefined;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
