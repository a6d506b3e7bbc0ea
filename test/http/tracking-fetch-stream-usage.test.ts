/**
 * Plain streams through `ledger.fetch` (issue 10 item 1): the openai SDK's default
 * `stream: true` with no stream options is metered. The tracking fetch splices
 * stream_options.include_usage into the body for providers that send usage only when asked, and
 * the response the SDK reads loses what the option added, so it yields the chunks of the stream
 * it asked for.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createLedger, type Ledger, type LedgerFetchOptions } from '#src/http/index.js';
import { openStore } from '#src/store/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { fixtureEvents, startMockProvider, type MockBehaviour, type MockProvider } from '../helpers/mock-provider.js';
import { memoryLogger } from '../server/helpers.js';

let mock: MockProvider;
let ledger: Ledger;
beforeAll(async () => {
  mock = await startMockProvider();
  ledger = createLedger({ store: await openStore('memory:') });
});
afterAll(async () => {
  await ledger.close();
  await mock.close();
});
beforeEach(() => mock.reset());

async function lastEvent(): Promise<UsageEvent> {
  await ledger.flush();
  return (await ledger.store.events({ filter: {}, limit: 1 })).events[0]!;
}

const plain = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'The capital of France?' }] };

async function sdkChunks(fetch?: typeof globalThis.fetch): Promise<unknown[]> {
  const client = new OpenAI({ apiKey: 'sk-test-0000', baseURL: `${mock.url}/v1`, maxRetries: 0, fetch });
  const stream = await client.chat.completions.create({ ...plain, stream: true });
  const chunks: unknown[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

// The mock listens on 127.0.0.1: the caller names the provider, as with any self-hosted base URL.
const tracked = (options: LedgerFetchOptions = {}) =>
  ledger.fetch({ agent: 'plain' }, { provider: 'openai', ...options });

describe('ledger.fetch: a plain openai stream is metered and the SDK reads the stream it asked for', () => {
  for (const [name, usage] of [
    ['openai-05-chat-stream-include-usage', { inputTokens: 78, outputTokens: 9, totalTokens: 87 }],
    ['openai-04-chat-stream-2024', { inputTokens: 79, outputTokens: 14, totalTokens: 93 }],
  ] as const) {
    it(`${name}: the chunks the SDK yields are those of the stream made without the option; usage exact`, async () => {
      mock.setDefault({ kind: 'chat-stream', name });
      const direct = await sdkChunks();
      expect(mock.requests.at(-1)!.body).not.toContain('stream_options');
      const viaFetch = await sdkChunks(tracked());
      expect(viaFetch).toEqual(direct);
      expect(viaFetch.some((chunk) => 'usage' in (chunk as object))).toBe(false);
      const sent = mock.requests.at(-1)!;
      expect(sent.body.startsWith('{"stream_options":{"include_usage":true},"model":"gpt-4o-mini"')).toBe(true);
      expect(JSON.parse(sent.body)).toEqual({ stream_options: { include_usage: true }, ...plain, stream: true });
      const event = await lastEvent();
      expect(event).toMatchObject({ provider: 'openai', agent: 'plain', status: 'ok', estimated: false, attempts: 1 });
      expect(event.usage).toMatchObject(usage);
    });
  }

  it('the raw bytes read are those the API sends a request without the option', async () => {
    mock.setDefault({ kind: 'chat-stream', name: 'openai-05-chat-stream-include-usage' });
    const init = {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(JSON.stringify({ ...plain, stream: true }).length),
      },
      body: JSON.stringify({ ...plain, stream: true }),
    };
    const direct = await (await fetch(`${mock.url}/v1/chat/completions`, init)).text();
    const text = await (await tracked()(`${mock.url}/v1/chat/completions`, init)).text();
    expect(text).toBe(direct);
    expect(text).not.toContain('"usage"');
    // The content-length sent upstream is the spliced body's.
    const sent = mock.requests.at(-1)!;
    expect(Number(sent.headers['content-length'])).toBe(Buffer.byteLength(sent.body));
    expect((await lastEvent()).usage).toMatchObject({ inputTokens: 78, outputTokens: 9 });
  });

  it('streamUsage off, an unknown provider, or a caller that chose: the request goes out as given', async () => {
    mock.setDefault({ kind: 'chat-stream', name: 'openai-05-chat-stream-include-usage' });
    await sdkChunks(tracked({ streamUsage: 'off' }));
    expect(mock.requests.at(-1)!.body).toBe(JSON.stringify({ ...plain, stream: true }));
    // No usage came: estimated from the request and the streamed answer, never "unavailable".
    expect(await lastEvent()).toMatchObject({ estimated: true, usage: { inputTokens: 12, outputTokens: 8 } });
    await sdkChunks(ledger.fetch({ agent: 'plain' }));
    expect(mock.requests.at(-1)!.body).toBe(JSON.stringify({ ...plain, stream: true }));
    const chose = JSON.stringify({ ...plain, stream: true, stream_options: { include_usage: false } });
    await tracked()(`${mock.url}/v1/chat/completions`, { method: 'POST', body: chose });
    expect(mock.requests.at(-1)!.body).toBe(chose);
  });
});

/** A recorded stream with a line that is not JSON in the middle: the reader warns and skips it. */
function streamWithGarbage(): MockBehaviour {
  const events = fixtureEvents('openai-05-chat-stream-include-usage');
  return { kind: 'stream', events: [...events.slice(0, 2), { event: null, data: 'not json' }, ...events.slice(2)] };
}

describe('ledger.fetch: warnings of the reader are kept on the event', () => {
  it('a stream with a line that is not JSON is recorded with its usage and the warning', async () => {
    mock.enqueue(streamWithGarbage());
    // Read raw: the SDK itself would throw on the line.
    await (
      await tracked()(`${mock.url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ ...plain, stream: true }),
      })
    ).text();
    const event = await lastEvent();
    expect(event.usage).toMatchObject({ inputTokens: 78, outputTokens: 9 });
    expect(event.warnings).toEqual(['1 non-JSON data line(s) skipped']);
  });
});

describe('ledger.fetch: a provider that refuses the option', () => {
  it('a 400 naming stream_options is sent again without it, recorded, and said once per provider and route', async () => {
    mock.setDefault({ kind: 'chat-stream', name: 'openai-05-chat-stream-include-usage' });
    const logger = memoryLogger();
    const fetch = tracked({ logger });
    for (let call = 0; call < 2; call++) {
      // Azure before API version 2024-10-21 (openai/openai-python#1469).
      mock.enqueue({
        kind: 'status',
        status: 400,
        body: {
          error: { message: 'Unrecognized request argument supplied: stream_options', type: 'invalid_request_error' },
        },
      });
      const chunks = await sdkChunks(fetch);
      expect(chunks).toHaveLength(10);
      const [asked, without] = mock.requests.slice(-2);
      expect(asked!.body).toContain('"stream_options":{"include_usage":true}');
      expect(without!.body).toBe(JSON.stringify({ ...plain, stream: true }));
      const event = await lastEvent();
      expect(event).toMatchObject({
        status: 'ok',
        attempts: 2,
        provider: 'openai',
        estimated: true,
        // Counted with o200k_base: the request's one message, and the streamed "The capital of the UK is London."
        usage: { inputTokens: 12, outputTokens: 8, totalTokens: 20 },
      });
      expect(event.warnings).toContainEqual(expect.stringContaining('usage estimated with the tokenizer'));
    }
    const notices = logger.lines.filter((line) => line.includes('refused stream_options.include_usage'));
    expect(notices).toEqual([
      'warn the provider refused stream_options.include_usage; sent again without it {"provider":"openai","route":"/v1/chat/completions"}',
    ]);
  });

  it('a 400 that does not name the option reaches the SDK unchanged, sent once', async () => {
    mock.enqueue({ kind: 'status', status: 400, body: { error: { message: "Invalid value for 'temperature'" } } });
    const before = mock.requests.length;
    await expect(sdkChunks(tracked())).rejects.toThrow("Invalid value for 'temperature'");
    expect(mock.requests.length - before).toBe(1);
    expect(await lastEvent()).toMatchObject({ status: 'error', error: { status: 400 } });
  });
});
