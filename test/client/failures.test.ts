import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixtureEvents, startMockProvider, type MockProvider } from '../helpers/mock-provider.js';
import { AbortError, AuthenticationError, ConfigError, ConnectionError, ProviderError } from '#src/errors/index.js';
import { parseConfig } from '#src/config/index.js';
import { OPENAI_KEY, makeClient, mockConfig, timedFetch } from './setup.js';

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());
afterEach(() => {
  vi.useRealTimers();
});

const quick = { retry: { baseDelayMs: 0, maxDelayMs: 0 } };
const call = { model: 'openai/gpt-4o-mini', prompt: 'hi' } as const;

/** Runs `promise` to completion while fake time advances in small steps. */
async function drive<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => (settled = true));
  watched.catch(() => undefined);
  while (!settled) await vi.advanceTimersByTimeAsync(10);
  return watched;
}

describe('retries against the mock provider', () => {
  it('waits a 429 Retry-After given in seconds, then succeeds; both attempts are metered', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const times: number[] = [];
    const answered: number[] = [];
    const { client, events } = makeClient({ config: mockConfig(mock), fetch: timedFetch(times, answered) });
    mock.enqueue({
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '3' },
      body: { error: { message: 'slow down' } },
    });
    const result = await drive(client.generate(call));
    expect(result.attempts).toBe(2);
    // Exactly the 3 s asked for: not the 0.5 s first backoff, and no backoff added on top.
    expect(times[1]! - answered[0]!).toBeGreaterThanOrEqual(3000);
    expect(times[1]! - answered[0]!).toBeLessThan(3300);
    expect(events.map((event) => event.status)).toEqual(['error', 'ok']);
    expect(events[0]!.error).toMatchObject({ type: 'RateLimitError', status: 429 });
    expect(events[0]!.attempts).toBe(1);
    expect(events[1]!.attempts).toBe(2);
  });

  it('waits a Retry-After given as an HTTP date', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(Date.parse('2026-01-01T00:00:00Z'));
    const times: number[] = [];
    const { client } = makeClient({ config: mockConfig(mock), fetch: timedFetch(times) });
    mock.enqueue({ kind: 'status', status: 503, headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' } });
    await drive(client.generate(call));
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(5000 - 100);
    expect(times[1]! - times[0]!).toBeLessThan(5050);
  });

  it('a 429 pauses the model bucket for other calls too', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const times: number[] = [];
    const { client } = makeClient({ config: mockConfig(mock), fetch: timedFetch(times) });
    mock.enqueue({ kind: 'status', status: 429, headers: { 'retry-after-ms': '2000' } });
    const first = client.generate(call);
    while (mock.requests.length === 0) await vi.advanceTimersByTimeAsync(10);
    await vi.advanceTimersByTimeAsync(10);
    const second = client.generate({ ...call, prompt: 'other' });
    await drive(Promise.all([first, second]));
    expect(times).toHaveLength(3);
    // Neither the retry nor the other call went before the pause ended.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(2000);
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(2000);
  });

  for (const [kind, behaviour, errorClass] of [
    ['5xx', { kind: 'status', status: 502, body: 'bad gateway' }, ProviderError],
    ['409', { kind: 'status', status: 409, body: { error: { message: 'conflict' } } }, ProviderError],
    ['a connection reset', { kind: 'reset' }, ConnectionError],
  ] as const) {
    it(`retries ${kind}`, async () => {
      const { client, events } = makeClient({ config: mockConfig(mock), ...quick });
      mock.enqueue(behaviour);
      const result = await client.generate(call);
      expect(result.attempts).toBe(2);
      expect(events[0]!.error?.type).toBe(errorClass.name);
    });
  }

  it('a refused connection is a ConnectionError, retried, never leaking the key', async () => {
    const config = parseConfig(
      { providers: { openai: { baseURL: 'http://127.0.0.1:1/v1', apiKey: 'env:K' } } },
      'test',
      { K: OPENAI_KEY },
    );
    const { client, events } = makeClient({ config, retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0 } });
    const error = await client.generate(call).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(events.map((event) => event.error?.type)).toEqual(['ConnectionError', 'ConnectionError']);
    expect(JSON.stringify(events)).not.toContain(OPENAI_KEY);
  });

  it('retries a timeout (a hung request)', async () => {
    const { client, events } = makeClient({ config: mockConfig(mock), ...quick, timeoutMs: 100 });
    mock.enqueue({ kind: 'hang' });
    const result = await client.generate(call);
    expect(result.attempts).toBe(2);
    expect(events[0]!.error?.type).toBe('TimeoutError');
  });

  for (const status of [400, 401, 403, 404, 422]) {
    it(`does not retry ${status}`, async () => {
      const { client, events } = makeClient({ config: mockConfig(mock), ...quick });
      mock.setDefault({ kind: 'status', status, body: { error: { message: `nope ${status}` } } });
      const error = await client.generate(call).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).status).toBe(status);
      expect(mock.requests).toHaveLength(1);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        status: 'error',
        error: { status, message: expect.stringContaining(`nope ${status}`) },
      });
    });
  }

  it('gives up after maxAttempts with the last error, every attempt metered', async () => {
    const { client, events } = makeClient({
      config: mockConfig(mock, { retry: { maxAttempts: 4, baseDelayMs: 0, maxDelayMs: 0 } }),
    });
    mock.setDefault({ kind: 'status', status: 500, body: { error: { message: 'down' } } });
    await expect(client.generate(call)).rejects.toMatchObject({ status: 500 });
    expect(mock.requests).toHaveLength(4);
    expect(events.map((event) => event.attempts)).toEqual([1, 2, 3, 4]);
  });

  it('a malformed body is a typed error, not retried', async () => {
    const { client, events } = makeClient({ config: mockConfig(mock), ...quick });
    mock.enqueue({ kind: 'malformed', body: '{"usage": ' });
    await expect(client.generate(call)).rejects.toThrow(/not valid JSON/);
    expect(events[0]!.status).toBe('error');
  });

  it('a truncated stream keeps its text and says usage is unavailable, never $0', async () => {
    const { client, events } = makeClient({ config: mockConfig(mock), ...quick });
    mock.enqueue({ kind: 'fixture', name: 'openai-05-chat-stream-include-usage' });
    const stream = client.stream(call);
    const full = await stream.result;
    const recorded = fixtureEvents('openai-05-chat-stream-include-usage');
    mock.enqueue({ kind: 'stream', events: recorded, truncateAfter: 3 });
    const cut = await client.stream(call).result;
    expect(cut.text.length).toBeGreaterThan(0);
    expect(cut.text.length).toBeLessThan(full.text.length);
    expect(cut.usage).toBeUndefined();
    expect(cut.cost).toBeNull();
    expect(events.at(-1)!.usageUnavailableReason).toBeTruthy();
  });
});

describe('keys', () => {
  const twoKeys = (mockUrl: string) =>
    parseConfig({ providers: { openai: { baseURL: `${mockUrl}/v1`, apiKeys: ['env:K1', 'env:K2'] } } }, 'test', {
      K1: 'sk-test-key-one-000000000',
      K2: 'sk-test-key-two-000000000',
    });

  it('takes a key refused with 401 out and carries on with the next', async () => {
    const { client } = makeClient({ config: twoKeys(mock.url), ...quick });
    mock.enqueue({
      kind: 'status',
      status: 401,
      body: { error: { message: 'Incorrect API key provided: sk-test-key-one-000000000' } },
    });
    const first = await client.generate(call);
    expect(first.attempts).toBe(2);
    await client.generate(call);
    await client.generate(call);
    const used = mock.requests.map((request) => request.headers.authorization);
    expect(used).toEqual([
      'Bearer sk-test-key-one-000000000',
      'Bearer sk-test-key-two-000000000',
      'Bearer sk-test-key-two-000000000',
      'Bearer sk-test-key-two-000000000',
    ]);
  });

  it('rotates away from a key at its limit at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const times: number[] = [];
    const answered: number[] = [];
    const { client } = makeClient({ config: twoKeys(mock.url), fetch: timedFetch(times, answered) });
    mock.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '30' } });
    await drive(client.generate(call));
    expect(times[1]! - answered[0]!).toBeLessThan(100);
    expect(mock.requests[1]!.headers.authorization).toBe('Bearer sk-test-key-two-000000000');
    // key one rests for 30 s: the next call uses key two again.
    await drive(client.generate(call));
    expect(mock.requests[2]!.headers.authorization).toBe('Bearer sk-test-key-two-000000000');
  });

  it('fails with AuthenticationError when every key is refused', async () => {
    const { client } = makeClient({ config: twoKeys(mock.url), ...quick });
    mock.setDefault({ kind: 'status', status: 401, body: { error: { message: 'bad key' } } });
    await expect(client.generate(call)).rejects.toBeInstanceOf(AuthenticationError);
    expect(mock.requests).toHaveLength(2);
  });

  it('never lets a key reach an error, an event or a message', async () => {
    const { client, events } = makeClient({ config: mockConfig(mock), ...quick });
    mock.setDefault({
      kind: 'status',
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${OPENAI_KEY}` } },
    });
    const error = (await client.generate(call).catch((caught: unknown) => caught)) as ProviderError;
    expect(error).toBeInstanceOf(AuthenticationError);
    const everything = JSON.stringify([error.message, error.body, events, String(error.stack)]);
    expect(everything).not.toContain(OPENAI_KEY);
    expect(everything).toContain('[redacted]');
  });
});

describe('bad input is caught before any request', () => {
  it('a missing key names its variable', async () => {
    const config = parseConfig({ providers: { openai: { baseURL: `${mock.url}/v1` } } }, 'test', {});
    const { client } = makeClient({ config });
    await expect(client.generate(call)).rejects.toThrow(ConfigError);
    await expect(client.generate(call)).rejects.toThrow(/env:OPENAI_API_KEY is not set/);
    expect(mock.requests).toHaveLength(0);
  });

  it('an unknown agent or provider is named', async () => {
    const { client } = makeClient({ config: mockConfig(mock) });
    await expect(client.generate({ agent: 'nobody', prompt: 'x' })).rejects.toThrow(/unknown agent 'nobody'/);
    await expect(client.generate({ provider: 'acme', model: 'm', prompt: 'x' })).rejects.toThrow(
      /unknown provider 'acme'/,
    );
    await expect(client.generate({ model: 'openai/gpt-4o-mini' })).rejects.toThrow(/prompt or messages/);
    expect(mock.requests).toHaveLength(0);
  });
});

describe('cancellation', () => {
  it('an abort stops a hung call at once and is never retried', async () => {
    const { client, events } = makeClient({ config: mockConfig(mock), ...quick });
    mock.setDefault({ kind: 'hang' });
    const controller = new AbortController();
    const pending = client.generate({ ...call, signal: controller.signal });
    await vi.waitFor(() => expect(mock.requests).toHaveLength(1));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(mock.requests).toHaveLength(1);
    expect(events[0]!.error?.type).toBe('AbortError');
  });
});
