import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { createTrackingFetch, type UsageRecorder } from '#src/http/index.js';
import type { RecordInput, UsageEvent } from '#src/types/index.js';
import { startMockProvider, fixtureEvents, type MockProvider } from '../helpers/mock-provider.js';
import { fakeMeter } from './fake-meter.js';

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

function arrayRecorder(): UsageRecorder & { inputs: RecordInput[] } {
  const inputs: RecordInput[] = [];
  return {
    inputs,
    record: async (input) => {
      inputs.push(input);
      return { id: String(inputs.length) } as UsageEvent;
    },
  };
}

/** A clock that moves 10 ms each time it is read: durations become exact. */
function steppingClock(): () => number {
  let t = 0;
  return () => (t += 10);
}

describe('tracking fetch with the official openai client', () => {
  it('returns the same completion as a plain fetch and records usage, model and attribution', async () => {
    const recorder = arrayRecorder();
    const tracking = createTrackingFetch({
      recorder,
      createMeter: fakeMeter,
      attribution: { agent: 'triage', tags: { team: 'a11y' } },
      now: () => 1_700_000_000_000,
    });
    const direct = new OpenAI({ apiKey: 'sk-test-direct', baseURL: `${mock.url}/v1`, maxRetries: 0 });
    const tracked = new OpenAI({
      apiKey: 'sk-test-tracked',
      baseURL: `${mock.url}/v1`,
      maxRetries: 0,
      fetch: tracking,
    });
    const request = { model: 'gpt-4.1-nano', messages: [{ role: 'user' as const, content: 'hi' }] };
    const expected = await direct.chat.completions.create(request);
    const actual = await tracked.chat.completions.create(request);
    expect(actual).toEqual(expected);
    await tracking.flush();
    expect(recorder.inputs).toHaveLength(1);
    const input = recorder.inputs[0]!;
    expect(input).toMatchObject({
      agent: 'triage',
      tags: { team: 'a11y' },
      status: 'ok',
      requestedModel: 'gpt-4.1-nano',
      model: 'gpt-4.1-nano-2025-04-14',
      time: 1_700_000_000_000,
    });
    expect(input.usage).toMatchObject({ inputTokens: 16, outputTokens: 363 });
    expect(input.timeToFirstTokenMs).toBeUndefined();
    expect(input.durationMs).toBeGreaterThanOrEqual(0);
    expect(tracking.stats).toEqual({ recorded: 1, recordFailures: 0, pending: 0 });
  });

  it('streams the same chunks and records stream usage and time to first token', async () => {
    const recorder = arrayRecorder();
    const tracking = createTrackingFetch({ recorder, createMeter: fakeMeter, clock: steppingClock() });
    const collect = async (client: OpenAI): Promise<unknown[]> => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [],
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: unknown[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      return chunks;
    };
    const expected = await collect(new OpenAI({ apiKey: 'sk-x', baseURL: `${mock.url}/v1` }));
    const actual = await collect(new OpenAI({ apiKey: 'sk-x', baseURL: `${mock.url}/v1`, fetch: tracking }));
    expect(actual).toEqual(expected);
    await tracking.flush();
    const input = recorder.inputs[0]!;
    expect(input.usage).toMatchObject({ inputTokens: 78, outputTokens: 9 });
    // The clock is read at the start (10), the first body chunk (20) and the end (30).
    expect(input.timeToFirstTokenMs).toBe(10);
    expect(input.durationMs).toBe(20);
  });

  it('does not record GET /v1/models', async () => {
    const recorder = arrayRecorder();
    const tracking = createTrackingFetch({ recorder, createMeter: fakeMeter });
    const client = new OpenAI({ apiKey: 'sk-x', baseURL: `${mock.url}/v1`, fetch: tracking });
    const models = await client.models.list();
    expect(models.data.length).toBe(3);
    await tracking.flush();
    expect(recorder.inputs).toHaveLength(0);
  });
});

describe('tracking fetch with @anthropic-ai/sdk', () => {
  it('passes JSON and streamed messages through unchanged', async () => {
    const recorder = arrayRecorder();
    const tracking = createTrackingFetch({ recorder, createMeter: fakeMeter, provider: 'anthropic' });
    const direct = new Anthropic({ apiKey: 'sk-ant-x', baseURL: mock.url, maxRetries: 0 });
    const tracked = new Anthropic({ apiKey: 'sk-ant-x', baseURL: mock.url, maxRetries: 0, fetch: tracking });
    const params = {
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 100,
      messages: [{ role: 'user' as const, content: 'hi' }],
    };
    expect(await tracked.messages.create(params)).toEqual(await direct.messages.create(params));
    const streamed = await tracked.messages.stream(params).finalMessage();
    expect(streamed).toEqual(await direct.messages.stream(params).finalMessage());
    await tracking.flush();
    expect(recorder.inputs.map((input) => [input.provider, input.requestedModel, input.status])).toEqual([
      ['anthropic', 'claude-sonnet-4-5-20250929', 'ok'],
      ['anthropic', 'claude-sonnet-4-5-20250929', 'ok'],
    ]);
    expect(recorder.inputs[1]!.timeToFirstTokenMs).toBeGreaterThan(0);
  });
});

describe('tracking fetch: pass-through and failures', () => {
  const post = (tracking: typeof fetch, body: unknown = {}): Promise<Response> =>
    tracking(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('hands each chunk on before the stream ends (no buffering)', async () => {
    const recorder = arrayRecorder();
    const tracking = createTrackingFetch({ recorder, createMeter: fakeMeter });
    mock.enqueue({ kind: 'stream', events: fixtureEvents('openai-05-chat-stream-include-usage'), stallAfter: 1 });
    const controller = new AbortController();
    const response = await tracking(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      body: '{"stream":true}',
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toMatch(/^data: \{/);
    expect(recorder.inputs).toHaveLength(0);
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
    await tracking.flush();
    expect(recorder.inputs[0]).toMatchObject({ status: 'error', error: { type: 'AbortError' } });
    expect(recorder.inputs[0]!.usage).toBeUndefined();
    expect(recorder.inputs[0]!.usageUnavailableReason).toBe('fake: none');
  });

  it('passes a 429 through with its headers and records a RateLimitError', async () => {
    const recorder = arrayRecorder();
    const tracking = createTrackingFetch({ recorder, createMeter: fakeMeter });
    mock.enqueue({
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '2' },
      body: { error: { message: 'slow' } },
    });
    const response = await post(tracking, { model: 'gpt-4o' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toEqual({ error: { message: 'slow' } });
    await tracking.flush();
    expect(recorder.inputs[0]).toMatchObject({
      status: 'error',
      model: 'gpt-4o',
      error: { type: 'RateLimitError', status: 429 },
    });
  });

  it('rethrows a connection reset unchanged and records a ConnectionError', async () => {
    const recorder = arrayRecorder();
    const tracking = createTrackingFetch({ recorder, createMeter: fakeMeter });
    mock.enqueue({ kind: 'reset' });
    await expect(post(tracking)).rejects.toThrow(TypeError);
    await tracking.flush();
    expect(recorder.inputs[0]).toMatchObject({ status: 'error', error: { type: 'ConnectionError' } });
  });

  it('records a stream cut mid-way as failed with usage unavailable', async () => {
    const recorder = arrayRecorder();
    const tracking = createTrackingFetch({ recorder, createMeter: fakeMeter });
    mock.enqueue({
      kind: 'stream',
      events: fixtureEvents('openai-05-chat-stream-include-usage'),
      truncateAfter: 3,
      truncate: 'reset',
    });
    const response = await post(tracking, { stream: true });
    await expect(response.text()).rejects.toThrow();
    await tracking.flush();
    expect(recorder.inputs[0]).toMatchObject({ status: 'error', error: { type: 'ConnectionError' } });
    expect(recorder.inputs[0]!.error!.message).toMatch(/^response body cut/);
    expect(recorder.inputs[0]!.usage).toBeUndefined();
  });

  it('never breaks the caller when recording fails, and counts it', async () => {
    const errors: unknown[] = [];
    const rejecting = createTrackingFetch({
      recorder: { record: () => Promise.reject(new Error('store down')) },
      createMeter: fakeMeter,
      onError: (error) => errors.push(error),
    });
    const throwing = createTrackingFetch({
      recorder: {
        record: () => {
          throw new Error('sync');
        },
      },
      createMeter: fakeMeter,
    });
    const answered = await post(rejecting);
    expect(answered.status).toBe(200);
    await answered.text();
    expect(await (await post(throwing)).json()).toMatchObject({ object: 'chat.completion' });
    await rejecting.flush();
    await throwing.flush();
    expect(rejecting.stats).toEqual({ recorded: 0, recordFailures: 1, pending: 0 });
    expect(throwing.stats.recordFailures).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('merges per-call attribution over the configured one', async () => {
    const recorder = arrayRecorder();
    const tracking = createTrackingFetch({
      recorder,
      createMeter: fakeMeter,
      attribution: { agent: 'a', run: 'r1', tags: { team: 't', user: 'u' } },
    });
    await (await post(tracking.withAttribution({ run: 'r2', tags: { user: 'v' } }))).text();
    await tracking.flush();
    expect(recorder.inputs[0]).toMatchObject({ agent: 'a', run: 'r2', tags: { team: 't', user: 'v' } });
  });

  it('reads the Gemini model from the URL path', async () => {
    const recorder = arrayRecorder();
    const tracking = createTrackingFetch({ recorder, createMeter: fakeMeter });
    await (
      await tracking(`${mock.url}/v1beta/models/gemini-2.0-flash:generateContent`, { method: 'POST', body: '{}' })
    ).text();
    await tracking.flush();
    expect(recorder.inputs[0]!.requestedModel).toBe('gemini-2.0-flash');
  });
});
