import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixtureBody, fixtureEvents, startMockProvider, type MockProvider } from '../helpers/mock-provider.js';
import { parseOpenAIDuration, readOpenAIRateLimit } from '#src/client/providers/openai-compatible.js';
import { readAnthropicRateLimit } from '#src/client/providers/anthropic.js';
import { ConnectionError } from '#src/errors/index.js';
import { makeClient, mockConfig, timedFetch } from './setup.js';

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

async function drive<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => (settled = true));
  watched.catch(() => undefined);
  while (!settled) await vi.advanceTimersByTimeAsync(10);
  return watched;
}

const chatBody = {
  id: 'x',
  object: 'chat.completion',
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
};

describe('provider rate-limit headers', () => {
  it('reads OpenAI durations', () => {
    expect(parseOpenAIDuration('6m0s')).toBe(360_000);
    expect(parseOpenAIDuration('1.5s')).toBe(1500);
    expect(parseOpenAIDuration('20ms')).toBe(20);
    expect(parseOpenAIDuration('1h2m3s')).toBe(3_723_000);
    expect(parseOpenAIDuration('soon')).toBeUndefined();
    expect(
      readOpenAIRateLimit(
        new Headers({ 'x-ratelimit-remaining-requests': '4', 'x-ratelimit-reset-requests': '2s' }),
        1000,
      ),
    ).toEqual({
      requestsRemaining: 4,
      requestsResetAt: 3000,
    });
  });

  it('reads Anthropic RFC 3339 resets', () => {
    const hint = readAnthropicRateLimit(
      new Headers({
        'anthropic-ratelimit-tokens-remaining': '100',
        'anthropic-ratelimit-tokens-reset': '2026-01-01T00:00:05Z',
      }),
    );
    expect(hint).toEqual({ tokensRemaining: 100, tokensResetAt: Date.parse('2026-01-01T00:00:05Z') });
  });

  it("OpenAI's x-ratelimit headers hold the next call until the reset", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const times: number[] = [];
    const { client } = makeClient({ config: mockConfig(mock), fetch: timedFetch(times) });
    mock.enqueue({
      kind: 'json',
      body: chatBody,
      headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '2s' },
    });
    await drive(client.generate({ model: 'openai/gpt-4o-mini', prompt: 'a' }));
    await drive(client.generate({ model: 'openai/gpt-4o-mini', prompt: 'b' }));
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(2000);
  });

  it("Anthropic's ratelimit headers hold the next call until the reset", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(Date.parse('2026-01-01T00:00:00Z'));
    const times: number[] = [];
    const { client } = makeClient({ config: mockConfig(mock), fetch: timedFetch(times) });
    mock.enqueue({
      kind: 'json',
      body: fixtureBody('anthropic-01-plain'),
      headers: {
        'anthropic-ratelimit-requests-remaining': '0',
        'anthropic-ratelimit-requests-reset': '2026-01-01T00:00:03Z',
      },
    });
    await drive(client.generate({ provider: 'anthropic', model: 'claude-x', prompt: 'a' }));
    await drive(client.generate({ provider: 'anthropic', model: 'claude-x', prompt: 'b' }));
    expect(times[1]! - Date.parse('2026-01-01T00:00:00Z')).toBeGreaterThanOrEqual(3000);
  });

  it('does not hold calls when the headers leave room', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const times: number[] = [];
    const answered: number[] = [];
    const { client } = makeClient({ config: mockConfig(mock), fetch: timedFetch(times, answered) });
    mock.enqueue({
      kind: 'json',
      body: chatBody,
      headers: { 'x-ratelimit-remaining-requests': '10', 'x-ratelimit-reset-requests': '2s' },
    });
    await drive(client.generate({ model: 'openai/gpt-4o-mini', prompt: 'a' }));
    await drive(client.generate({ model: 'openai/gpt-4o-mini', prompt: 'b' }));
    expect(times[1]! - answered[0]!).toBeLessThan(100);
  });
});

describe('usage edge cases', () => {
  it('a complete answer without usage is estimated locally, and says so', async () => {
    const { client, events } = makeClient({ config: mockConfig(mock) });
    const { usage: _usage, ...withoutUsage } = chatBody;
    mock.enqueue({ kind: 'json', body: withoutUsage });
    const result = await client.generate({ model: 'openai/gpt-4o-mini', prompt: 'How many tokens is this?' });
    expect(result.usage?.inputTokens).toBeGreaterThan(0);
    expect(result.usage?.outputTokens).toBeGreaterThan(0);
    expect(events[0]!.estimated).toBe(true);
  });

  it('a stream cut mid-way is a failed event, not retried once text was handed out', async () => {
    const { client, events } = makeClient({ config: mockConfig(mock), retry: { baseDelayMs: 0 } });
    mock.enqueue({
      kind: 'stream',
      events: fixtureEvents('openai-05-chat-stream-include-usage'),
      truncateAfter: 3,
      truncate: 'reset',
      chunkGapMs: 30,
    });
    const stream = client.stream({ model: 'openai/gpt-4o-mini', prompt: 'hi' });
    let text = '';
    const error = await (async () => {
      for await (const piece of stream) text += piece;
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    await expect(stream.result).rejects.toBeInstanceOf(ConnectionError);
    expect(text.length).toBeGreaterThan(0);
    expect(mock.requests).toHaveLength(1);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'error', error: { type: 'ConnectionError' } });
  });

  it('a stream reset before any text is retried like any connection error', async () => {
    const { client, events } = makeClient({ config: mockConfig(mock), retry: { baseDelayMs: 0 } });
    mock.enqueue({
      kind: 'stream',
      events: fixtureEvents('openai-05-chat-stream-include-usage'),
      truncateAfter: 1,
      truncate: 'reset',
    });
    const result = await client.stream({ model: 'openai/gpt-4o-mini', prompt: 'hi' }).result;
    expect(result.attempts).toBe(2);
    expect(events.map((event) => event.status)).toEqual(['error', 'ok']);
  });
});

describe('tokens per minute through the client', () => {
  it('holds a call whose expected tokens would pass the tpm limit until the window frees them', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const times: number[] = [];
    const { client } = makeClient({
      config: mockConfig(mock, { rateLimits: [{ provider: 'openai', tpm: 1000 }] }),
      fetch: timedFetch(times),
    });
    mock.setDefault({
      kind: 'json',
      body: { ...chatBody, usage: { prompt_tokens: 300, completion_tokens: 200, total_tokens: 500 } },
    });
    await drive(client.generate({ model: 'openai/gpt-4o-mini', prompt: 'first', maxTokens: 600 }));
    // 500 real tokens used; 500 + ~600 expected > 1000: the second call waits for the first to leave the window.
    const second = client.generate({ model: 'openai/gpt-4o-mini', prompt: 'second', maxTokens: 600 });
    let settled = false;
    void second.finally(() => (settled = true)).catch(() => undefined);
    for (let step = 0; step < 59 && !settled; step++) await vi.advanceTimersByTimeAsync(1000);
    expect(times).toHaveLength(1);
    await drive(second);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(59_000);
    // A small call fits beside the first one at once.
    const small = await drive(client.generate({ model: 'openai/gpt-4o-mini', prompt: 'tiny', maxTokens: 10 }));
    expect(small.attempts).toBe(1);
  });
});

describe('Gemini retry delay in the error body', () => {
  it('waits the RetryInfo delay of a 429', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const times: number[] = [];
    const answered: number[] = [];
    const { client } = makeClient({ config: mockConfig(mock), fetch: timedFetch(times, answered) });
    mock.enqueue({
      kind: 'status',
      status: 429,
      body: {
        error: {
          code: 429,
          message: 'You exceeded your current quota',
          status: 'RESOURCE_EXHAUSTED',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '4s' }],
        },
      },
    });
    const result = await drive(client.generate({ provider: 'gemini', model: 'gemini-2.5-flash', prompt: 'hi' }));
    expect(result.attempts).toBe(2);
    expect(times[1]! - answered[0]!).toBeGreaterThanOrEqual(4000);
    expect(times[1]! - answered[0]!).toBeLessThan(4300);
  });
});

describe('stream cancellation and stalls', () => {
  it('leaving the loop early aborts the call', async () => {
    const { client, events } = makeClient({ config: mockConfig(mock) });
    mock.enqueue({ kind: 'stream', events: fixtureEvents('openai-05-chat-stream-include-usage'), stallAfter: 4 });
    const stream = client.stream({ model: 'openai/gpt-4o-mini', prompt: 'hi' });
    for await (const piece of stream) {
      expect(piece.length).toBeGreaterThan(0);
      break;
    }
    await expect(stream.result).rejects.toMatchObject({ code: 'aborted' });
    expect(events[0]).toMatchObject({ status: 'error', error: { type: 'AbortError' } });
  });

  it('a stream that goes silent times out and is not replayed once text was handed out', async () => {
    const { client, events } = makeClient({ config: mockConfig(mock), timeoutMs: 150 });
    mock.enqueue({
      kind: 'stream',
      events: fixtureEvents('openai-05-chat-stream-include-usage'),
      stallAfter: 4,
      chunkGapMs: 5,
    });
    const stream = client.stream({ model: 'openai/gpt-4o-mini', prompt: 'hi' });
    await expect(stream.result).rejects.toMatchObject({ code: 'timeout' });
    expect(mock.requests).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'error', error: { type: 'TimeoutError' } });
  });
});
