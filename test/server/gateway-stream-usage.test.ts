/**
 * Plain streams through the gateway (issue 10 item 1): the openai SDK's default `stream: true`
 * with no stream options is metered. The gateway splices stream_options.include_usage into the
 * body for providers that send usage only when asked, and removes what the option added from
 * the answer, so the client sees the stream it asked for, byte for byte.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { pino } from 'pino';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { fixtureEvents, startMockProvider, type MockBehaviour, type MockProvider } from '../helpers/mock-provider.js';

let mock: MockProvider;
let server: RunningServer;
let serverOff: RunningServer;
const logLines: string[] = [];

beforeAll(async () => {
  mock = await startMockProvider();
  const env = { OPENAI_BASE_URL: `${mock.url}/v1` };
  const start = (config: unknown) =>
    startServer({
      port: 0,
      db: 'memory:',
      env,
      config: parseConfig(config, 'inline', env),
      logger: pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) }),
    });
  server = await start({});
  serverOff = await start({ server: { streamUsage: 'off' } });
});
afterAll(async () => {
  await server.close();
  await serverOff.close();
  await mock.close();
});
beforeEach(() => mock.reset());

async function eventsOf(running: RunningServer): Promise<UsageEvent[]> {
  await running.app.flushRecordings();
  return (await running.store.events({ filter: {}, limit: 1000 })).events.reverse();
}

const plain = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'The capital of France?' }] };

async function sdkChunks(baseURL: string): Promise<unknown[]> {
  const client = new OpenAI({ apiKey: 'sk-test-0000', baseURL, maxRetries: 0 });
  const stream = await client.chat.completions.create({ ...plain, stream: true });
  const chunks: unknown[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('gateway: a plain openai stream is metered and reaches the client as asked', () => {
  for (const [name, usage] of [
    ['openai-05-chat-stream-include-usage', { inputTokens: 78, outputTokens: 9, totalTokens: 87 }],
    ['openai-04-chat-stream-2024', { inputTokens: 79, outputTokens: 14, totalTokens: 93 }],
  ] as const) {
    it(`${name}: the SDK yields the chunks of the stream made without the option; usage exact`, async () => {
      mock.setDefault({ kind: 'chat-stream', name });
      const direct = await sdkChunks(`${mock.url}/v1`);
      expect(mock.requests.at(-1)!.body).not.toContain('stream_options');
      const viaGateway = await sdkChunks(`${server.url}/v1`);
      expect(viaGateway).toEqual(direct);
      // No chunk of the answer the client got carries usage: the option stayed the gateway's.
      expect(viaGateway.some((chunk) => 'usage' in (chunk as object))).toBe(false);
      // The upstream was asked, by a splice after the opening brace.
      const sent = mock.requests.at(-1)!;
      expect(sent.body.startsWith('{"stream_options":{"include_usage":true},"model":"gpt-4o-mini"')).toBe(true);
      expect(JSON.parse(sent.body)).toEqual({ stream_options: { include_usage: true }, ...plain, stream: true });
      const recorded = (await eventsOf(server)).at(-1)!;
      expect(recorded).toMatchObject({ provider: 'openai', status: 'ok', estimated: false });
      expect(recorded.usage).toMatchObject(usage);
    });
  }

  it('the raw bytes the client reads are those the API sends a request without the option', async () => {
    mock.setDefault({ kind: 'chat-stream', name: 'openai-05-chat-stream-include-usage' });
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...plain, stream: true }),
    };
    const direct = await (await fetch(`${mock.url}/v1/chat/completions`, init)).text();
    const viaGateway = await fetch(`${server.url}/v1/chat/completions`, init);
    expect(viaGateway.headers.get('content-length')).toBeNull();
    const text = await viaGateway.text();
    expect(text).toBe(direct);
    expect(text).not.toContain('"usage"');
    expect((await eventsOf(server)).at(-1)!.usage).toMatchObject({ inputTokens: 78, outputTokens: 9 });
  });

  it('merges into stream_options the client sent without include_usage, and leaves a client that chose alone', async () => {
    mock.setDefault({ kind: 'chat-stream', name: 'openai-05-chat-stream-include-usage' });
    const post = (body: string) =>
      fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      }).then((response) => response.text());
    await post('{"model":"gpt-4o-mini","stream":true,"stream_options":{ },"messages":[]}');
    expect(mock.requests.at(-1)!.body).toBe(
      '{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true },"messages":[]}',
    );
    const chose = '{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[]}';
    const answer = await post(chose);
    expect(mock.requests.at(-1)!.body).toBe(chose);
    // The client asked: it gets the usage chunk.
    expect(answer).toContain('"prompt_tokens":78');
  });

  it('server.streamUsage off: the body is forwarded exactly as sent', async () => {
    mock.setDefault({ kind: 'chat-stream', name: 'openai-05-chat-stream-include-usage' });
    await sdkChunks(`${serverOff.url}/v1`);
    expect(mock.requests.at(-1)!.body).not.toContain('stream_options');
    // No usage came: estimated from the request and the streamed answer, never "unavailable".
    expect((await eventsOf(serverOff)).at(-1)).toMatchObject({
      estimated: true,
      usage: { inputTokens: 12, outputTokens: 8, totalTokens: 20 },
    });
  });
});

/** A recorded stream with a line that is not JSON in the middle: the reader warns and skips it. */
function streamWithGarbage(): MockBehaviour {
  const events = fixtureEvents('openai-05-chat-stream-include-usage');
  return { kind: 'stream', events: [...events.slice(0, 2), { event: null, data: 'not json' }, ...events.slice(2)] };
}

describe('gateway: warnings of the reader are kept on the event', () => {
  it('a stream with a line that is not JSON is recorded with its usage and the warning', async () => {
    mock.enqueue(streamWithGarbage());
    // Read raw: the SDK itself would throw on the line.
    await (
      await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ ...plain, stream: true }),
      })
    ).text();
    const event = (await eventsOf(server)).at(-1)!;
    expect(event.usage).toMatchObject({ inputTokens: 78, outputTokens: 9 });
    expect(event.warnings).toEqual(['1 non-JSON data line(s) skipped']);
  });
});

describe('gateway: a provider that refuses the option', () => {
  it('a 400 naming stream_options is sent again without it, recorded, and said once per provider and route', async () => {
    mock.setDefault({ kind: 'chat-stream', name: 'openai-05-chat-stream-include-usage' });
    // Azure before API version 2024-10-21 (openai/openai-python#1469).
    const refusal = {
      kind: 'status' as const,
      status: 400,
      body: {
        error: {
          message: 'Unrecognized request argument supplied: stream_options',
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      },
    };
    const before = (await eventsOf(server)).length;
    for (let call = 0; call < 2; call++) {
      mock.enqueue(refusal);
      const chunks = await sdkChunks(`${server.url}/v1`);
      expect(chunks).toHaveLength(10);
      const [asked, without] = mock.requests.slice(-2);
      expect(asked!.body).toContain('"stream_options":{"include_usage":true}');
      expect(without!.body).toBe(JSON.stringify({ ...plain, stream: true }));
    }
    const events = (await eventsOf(server)).slice(before);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      status: 'ok',
      attempts: 2,
      provider: 'openai',
      estimated: true,
      // Counted with o200k_base: the request's one message, and the streamed "The capital of the UK is London."
      usage: { inputTokens: 12, outputTokens: 8, totalTokens: 20 },
    });
    expect(events[0]!.warnings).toContainEqual(expect.stringContaining('usage estimated with the tokenizer'));
    const notices = logLines.filter((line) => line.includes('refused stream_options.include_usage'));
    expect(notices).toHaveLength(1);
    expect(JSON.parse(notices[0]!)).toMatchObject({ provider: 'openai', route: 'openai.chat' });
  });

  it('a 400 that does not name the option reaches the client unchanged, once', async () => {
    const body = { error: { message: "Invalid value for 'temperature'", type: 'invalid_request_error' } };
    mock.enqueue({ kind: 'status', status: 400, body });
    const requestsBefore = mock.requests.length;
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...plain, stream: true, temperature: 9 }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(body);
    expect(mock.requests.length - requestsBefore).toBe(1);
    expect((await eventsOf(server)).at(-1)).toMatchObject({ status: 'error', error: { status: 400 } });
  });
});
