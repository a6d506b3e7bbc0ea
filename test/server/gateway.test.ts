import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { pino } from 'pino';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { startMockProvider, fixtureEvents, type MockProvider } from '../helpers/mock-provider.js';

let mock: MockProvider;
let server: RunningServer;
const logLines: string[] = [];

beforeAll(async () => {
  mock = await startMockProvider();
  const env = { OPENAI_BASE_URL: `${mock.url}/v1`, ANTHROPIC_BASE_URL: mock.url, GEMINI_BASE_URL: mock.url };
  server = await startServer({
    port: 0,
    db: 'memory:',
    env,
    config: parseConfig({}, 'inline', env),
    logger: pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) }),
    limits: { upstreamTimeoutMs: 300, maxGatewayBodyBytes: 1024 },
  });
});
afterAll(async () => {
  await server.close();
  await mock.close();
});
beforeEach(() => mock.reset());

/** The events recorded since the last call (recording happens after the response ends). */
let seen = 0;
async function newEvents(): Promise<UsageEvent[]> {
  await server.app.flushRecordings();
  const all = (await server.store.events({ filter: {}, limit: 1000 })).events.reverse();
  const fresh = all.slice(seen);
  seen = all.length;
  return fresh;
}

const headers = {
  'x-tokenledger-agent': 'gw-test',
  'x-tokenledger-run': 'run-1',
  'x-tokenledger-tags': 'team=search,user=u1',
};

describe('gateway with the official openai client', () => {
  it('answers JSON identically to the mock and records exact usage with header attribution', async () => {
    const direct = new OpenAI({ apiKey: 'sk-direct-0000000000', baseURL: `${mock.url}/v1`, maxRetries: 0 });
    const viaGateway = new OpenAI({
      apiKey: 'sk-client-1111111111',
      baseURL: `${server.url}/v1`,
      maxRetries: 0,
      defaultHeaders: headers,
    });
    const request = { model: 'gpt-4.1-nano', messages: [{ role: 'user' as const, content: 'a holiday' }] };
    const expected = await direct.chat.completions.create(request);
    const { data, response } = await viaGateway.chat.completions.create(request).withResponse();
    expect(data).toEqual(expected);
    expect(Number(response.headers.get('x-tokenledger-overhead-ms'))).toBeGreaterThanOrEqual(0);
    // No key configured on the gateway: the client's own key reached the upstream, our headers did not.
    const forwarded = mock.requests.at(-1)!;
    expect(forwarded.headers['authorization']).toBe('Bearer sk-client-1111111111');
    expect(forwarded.headers['x-tokenledger-agent']).toBeUndefined();
    const [event] = await newEvents();
    expect(event).toMatchObject({
      provider: 'openai',
      model: 'gpt-4.1-nano-2025-04-14',
      requestedModel: 'gpt-4.1-nano',
      agent: 'gw-test',
      run: 'run-1',
      tags: { team: 'search', user: 'u1' },
      status: 'ok',
      usage: { inputTokens: 16, outputTokens: 363, totalTokens: 379 },
    });
    expect(event!.cost?.total).toBeGreaterThan(0);
  });

  it('streams chat byte for byte and records stream usage and time to first token', async () => {
    const body = JSON.stringify({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [],
    });
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
    const directText = await (await fetch(`${mock.url}/v1/chat/completions`, init)).text();
    const viaGateway = await fetch(`${server.url}/v1/chat/completions`, init);
    expect(viaGateway.headers.get('content-type')).toBe('text/event-stream');
    expect(await viaGateway.text()).toBe(directText);
    await newEvents();
    const client = new OpenAI({ apiKey: 'sk-x', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: unknown[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    // Every recorded event but the closing [DONE] is a chunk.
    expect(chunks).toHaveLength(fixtureEvents('openai-05-chat-stream-include-usage').length - 1);
    const [event] = await newEvents();
    expect(event!.usage).toMatchObject({ inputTokens: 78, outputTokens: 9, totalTokens: 87 });
    expect(event!.timeToFirstTokenMs).toBeGreaterThan(0);
  });

  it('meters the Responses API and embeddings; /v1/models passes through unrecorded', async () => {
    const client = new OpenAI({ apiKey: 'sk-x', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const response = await client.responses.create({ model: 'gpt-4o', input: 'hi' });
    expect(response.usage?.input_tokens).toBe(14);
    const embedding = await client.embeddings.create({ model: 'text-embedding-ada-002', input: 'hi' });
    expect(embedding.usage.prompt_tokens).toBe(8);
    expect((await client.models.list()).data).toHaveLength(3);
    const events = await newEvents();
    expect(events.map((event) => [event.model, event.usage.inputTokens, event.usage.outputTokens])).toEqual([
      ['gpt-4o-2024-08-06', 14, 8],
      // Embeddings generate nothing: src/usage reads their output as 0.
      ['text-embedding-ada-002', 8, 0],
    ]);
  });
});

describe('gateway with @anthropic-ai/sdk and @google/genai', () => {
  it('Anthropic: JSON and stream identical to direct, usage exact', async () => {
    const direct = new Anthropic({ apiKey: 'sk-ant-direct', baseURL: mock.url, maxRetries: 0 });
    const viaGateway = new Anthropic({ apiKey: 'sk-ant-client', baseURL: `${server.url}/anthropic`, maxRetries: 0 });
    const params = {
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 100,
      messages: [{ role: 'user' as const, content: 'hi' }],
    };
    const viaMessage = await viaGateway.messages.create(params);
    // The client's own key reached the upstream (this SDK version sends it as a Bearer token).
    const sent = mock.requests.at(-1)!.headers;
    expect(sent['x-api-key'] ?? sent['authorization']).toMatch(/sk-ant-client$/);
    expect(viaMessage).toEqual(await direct.messages.create(params));
    expect(await viaGateway.messages.stream(params).finalMessage()).toEqual(
      await direct.messages.stream(params).finalMessage(),
    );
    const events = await newEvents();
    expect(events.map((event) => [event.provider, event.usage.inputTokens, event.usage.outputTokens])).toEqual([
      ['anthropic', 12, 29],
      ['anthropic', 42, 419],
    ]);
  });

  it('Gemini: generateContent and streamGenerateContent identical to direct, usage exact', async () => {
    const direct = new GoogleGenAI({ apiKey: 'AIza-direct', httpOptions: { baseUrl: mock.url } });
    const viaGateway = new GoogleGenAI({ apiKey: 'AIza-client', httpOptions: { baseUrl: `${server.url}/gemini` } });
    const params = { model: 'gemini-2.0-flash', contents: 'hi' };
    const expected = await direct.models.generateContent(params);
    const actual = await viaGateway.models.generateContent(params);
    expect(actual.text).toBe(expected.text);
    expect(actual.usageMetadata).toEqual(expected.usageMetadata);
    const collect = async (client: GoogleGenAI): Promise<unknown[]> => {
      const out: unknown[] = [];
      for await (const chunk of await client.models.generateContentStream(params)) out.push(chunk.usageMetadata);
      return out;
    };
    const expectedChunks = await collect(direct);
    expect(await collect(viaGateway)).toEqual(expectedChunks);
    const events = (await newEvents()).filter((event) => event.provider === 'google');
    expect(events.map((event) => [event.requestedModel, event.usage.inputTokens, event.usage.outputTokens])).toEqual([
      ['gemini-2.0-flash', 22, 40],
      ['gemini-2.0-flash', 13, 8],
    ]);
  });
});

describe('gateway: upstream failures reach the client unchanged and are recorded', () => {
  const post = (body: unknown = { model: 'gpt-4o' }): Promise<Response> =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('a 429 with Retry-After passes through as is', async () => {
    mock.enqueue({
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '2' },
      body: { error: { message: 'Rate limit reached', type: 'requests' } },
    });
    const response = await post();
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toEqual({ error: { message: 'Rate limit reached', type: 'requests' } });
    const [event] = await newEvents();
    expect(event).toMatchObject({ status: 'error', model: 'gpt-4o', error: { type: 'RateLimitError', status: 429 } });
  });

  it('a reset is a 502, a hang is cut at the timeout (504); both recorded as failed', async () => {
    mock.enqueue({ kind: 'reset' });
    const reset = await post();
    expect(reset.status).toBe(502);
    expect(reset.headers.get('x-tokenledger-overhead-ms')).not.toBeNull();
    expect(await reset.json()).toMatchObject({ error: { code: 'upstream_unreachable' } });
    mock.enqueue({ kind: 'hang' });
    const hung = await post();
    expect(hung.status).toBe(504);
    expect(await hung.json()).toMatchObject({ error: { code: 'upstream_timeout' } });
    const events = await newEvents();
    expect(events.map((event) => [event.status, event.error?.type])).toEqual([
      ['error', 'ConnectionError'],
      ['error', 'TimeoutError'],
    ]);
  });

  it('a stream that stalls is cut at the idle timeout and recorded with usage unavailable', async () => {
    mock.enqueue({ kind: 'stream', events: fixtureEvents('openai-05-chat-stream-include-usage'), stallAfter: 2 });
    const response = await post({ model: 'gpt-4o-mini', stream: true });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    const [event] = await newEvents();
    expect(event).toMatchObject({ status: 'error', error: { type: 'TimeoutError' } });
    expect(event!.usage.inputTokens).toBeUndefined();
  });

  it('a client that hangs up mid-stream stops the upstream and is recorded as aborted', async () => {
    mock.enqueue({ kind: 'stream', events: fixtureEvents('openai-05-chat-stream-include-usage'), stallAfter: 2 });
    const controller = new AbortController();
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    controller.abort();
    let events: UsageEvent[] = [];
    for (let i = 0; i < 200 && events.length === 0; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      events = await newEvents();
    }
    expect(events[0]).toMatchObject({ status: 'error', error: { type: 'AbortError' } });
  });

  // Bad attribution headers are not refused: the call goes ahead (gateway-attribution.test.ts).
  it('oversized bodies, unknown routes and unknown providers are 4xx JSON errors', async () => {
    const big = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: 'x'.repeat(2048) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    // An unknown /v1 path is passed through (gateway-passthrough.test.ts): the upstream's own 404.
    const forwarded = await fetch(`${server.url}/v1/chat/complete`, { method: 'POST', body: '{}' });
    expect(forwarded.status).toBe(404);
    expect(await forwarded.json()).toMatchObject({ error: { message: 'Unknown route POST /v1/chat/complete' } });
    const unknown = await fetch(`${server.url}/chat/complete`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
    const provider = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'x-tokenledger-provider': 'nobody' },
      body: '{}',
    });
    expect(provider.status).toBe(400);
  });

  it('never logs a key', () => {
    const text = logLines.join('\n');
    expect(text).not.toMatch(/sk-client|sk-ant-client|AIza-client/);
  });
});
