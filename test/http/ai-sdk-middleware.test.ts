import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { APICallError, generateText, streamText, wrapLanguageModel, type LanguageModelMiddleware } from 'ai';
import { MockLanguageModelV3, MockLanguageModelV4, convertArrayToReadableStream } from 'ai/test';
import type { LanguageModelV2Middleware, LanguageModelV3Middleware } from '@ai-sdk/provider';
import { createLedger, openStore, type Ledger, type Store, type UsageEvent } from '#src/index.js';
import { createAiSdkMiddleware } from '#src/http/index.js';
import type { RecordInput } from '#src/types/index.js';

/** A clock that moves 10 ms each time it is read: durations become exact. */
function steppingClock(): () => number {
  let t = 0;
  return () => (t += 10);
}

const NOW = 1_700_000_000_000;

/** V3/V4 usage (the same shape) as @ai-sdk/openai reports prompt_tokens 2006 (1920 cached), completion_tokens 300 (64 reasoning). */
const USAGE = {
  inputTokens: { total: 2006, noCache: 86, cacheRead: 1920, cacheWrite: undefined },
  outputTokens: { total: 300, text: 236, reasoning: 64 },
};
const EXPECTED_USAGE = {
  inputTokens: 2006,
  outputTokens: 300,
  totalTokens: 2306,
  cacheReadTokens: 1920,
  reasoningTokens: 64,
};

function generateModel(): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    provider: 'openai.chat',
    modelId: 'gpt-4.1-nano',
    doGenerate: async () => ({
      content: [{ type: 'text', text: 'Hello from the mock.' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: USAGE,
      warnings: [],
      response: { id: 'resp-1', modelId: 'gpt-4.1-nano-2025-04-14', timestamp: new Date(0) },
    }),
  });
}

const STREAM_PARTS = [
  { type: 'stream-start', warnings: [] },
  { type: 'response-metadata', id: 'resp-2', modelId: 'gpt-4.1-nano-2025-04-14', timestamp: new Date(0) },
  { type: 'text-start', id: 't1' },
  { type: 'text-delta', id: 't1', delta: 'Hello' },
  { type: 'text-delta', id: 't1', delta: ', stream.' },
  { type: 'text-end', id: 't1' },
  { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: USAGE },
] as const;

function streamModel(parts: () => ReadableStream<never>): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    provider: 'openai.chat',
    modelId: 'gpt-4.1-nano',
    doStream: async () => ({ stream: parts() }),
  });
}

let store: Store;
let ledger: Ledger;
beforeEach(async () => {
  store = await openStore('memory:');
  ledger = createLedger({ store });
});
afterEach(async () => {
  await ledger.close();
  await store.close();
});

async function storedEvents(): Promise<UsageEvent[]> {
  await ledger.flush();
  return (await store.events({ filter: {}, limit: 100 })).events.reverse();
}

describe('AI SDK middleware with the real ai@7 package', () => {
  it('generateText: the text is untouched and one event holds the exact usage, model, attribution and timing', async () => {
    const middleware = ledger.aiSdkMiddleware(
      { agent: 'triage', run: 'nightly', tags: { team: 'a11y' } },
      { clock: steppingClock(), now: () => NOW },
    );
    const plain = await generateText({ model: generateModel(), prompt: 'hi' });
    const tracked = await generateText({
      model: wrapLanguageModel({ model: generateModel(), middleware }),
      prompt: 'hi',
    });
    expect(tracked.text).toBe(plain.text);
    expect(tracked.text).toBe('Hello from the mock.');
    expect(tracked.usage).toEqual(plain.usage);
    await middleware.flush();
    const events = await storedEvents();
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event).toMatchObject({
      provider: 'openai',
      model: 'gpt-4.1-nano-2025-04-14',
      requestedModel: 'gpt-4.1-nano',
      agent: 'triage',
      run: 'nightly',
      tags: { team: 'a11y' },
      status: 'ok',
      durationMs: 10,
      time: new Date(NOW).toISOString(),
      attempts: 1,
    });
    expect(event.usage).toMatchObject(EXPECTED_USAGE);
    expect(event.timeToFirstTokenMs).toBeUndefined();
    // A known model is priced: the ledger, not the middleware, does that.
    expect(event.cost).not.toBeNull();
    expect(middleware.stats).toEqual({ recorded: 1, recordFailures: 0, pending: 0 });
  });

  it('a V3 model (an ai@6-era provider package) wrapped under ai@7 is recorded the same', async () => {
    const middleware = ledger.aiSdkMiddleware({ agent: 'legacy' }, { clock: steppingClock(), now: () => NOW });
    const model = new MockLanguageModelV3({
      provider: 'openai.chat',
      modelId: 'gpt-4.1-nano',
      doGenerate: async () => ({
        content: [{ type: 'text', text: 'v3 says hi' }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: USAGE,
        warnings: [],
      }),
    });
    const result = await generateText({ model: wrapLanguageModel({ model, middleware }), prompt: 'hi' });
    expect(result.text).toBe('v3 says hi');
    await middleware.flush();
    const [event, ...rest] = await storedEvents();
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({ provider: 'openai', model: 'gpt-4.1-nano', agent: 'legacy', durationMs: 10 });
    expect(event!.usage).toMatchObject(EXPECTED_USAGE);
  });

  it('streamText consumed fully: same text, usage from the finish part, time to first token set', async () => {
    const middleware = ledger.aiSdkMiddleware({ agent: 'writer' }, { clock: steppingClock(), now: () => NOW });
    const parts = (): ReadableStream<never> => convertArrayToReadableStream([...STREAM_PARTS] as never[]);
    const plain = streamText({ model: streamModel(parts), prompt: 'hi' });
    const tracked = streamText({ model: wrapLanguageModel({ model: streamModel(parts), middleware }), prompt: 'hi' });
    expect(await tracked.text).toBe(await plain.text);
    expect(await tracked.text).toBe('Hello, stream.');
    await middleware.flush();
    const [event, ...rest] = await storedEvents();
    expect(rest).toHaveLength(0);
    // Clock reads: start 10, first text delta 20, end 30.
    expect(event).toMatchObject({
      provider: 'openai',
      model: 'gpt-4.1-nano-2025-04-14',
      agent: 'writer',
      status: 'ok',
      timeToFirstTokenMs: 10,
      durationMs: 20,
    });
    expect(event!.usage).toMatchObject(EXPECTED_USAGE);
  });

  it('a doGenerate that throws records a failed event (status, class, redacted message) and rethrows', async () => {
    const middleware = ledger.aiSdkMiddleware({ agent: 'triage' }, { clock: steppingClock() });
    const failure = new APICallError({
      message: 'Rate limit reached for key sk-proj-abcdefghijklmnopqrstuvwxyz0123456789',
      url: 'https://api.openai.com/v1/chat/completions',
      requestBodyValues: {},
      statusCode: 429,
    });
    const model = new MockLanguageModelV4({
      provider: 'openai.chat',
      modelId: 'gpt-4.1-nano',
      doGenerate: async () => {
        throw failure;
      },
    });
    await expect(
      generateText({ model: wrapLanguageModel({ model, middleware }), prompt: 'hi', maxRetries: 0 }),
    ).rejects.toBe(failure);
    await middleware.flush();
    const [event, ...rest] = await storedEvents();
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({
      provider: 'openai',
      model: 'gpt-4.1-nano',
      agent: 'triage',
      status: 'error',
      durationMs: 10,
      error: { type: 'RateLimitError', status: 429 },
    });
    expect(event!.error!.message).toContain('Rate limit reached');
    expect(event!.error!.message).not.toContain('sk-proj-abcdefghijklmnopqrstuvwxyz0123456789');
    expect(event!.usage.inputTokens).toBeUndefined();
    expect(event!.usageUnavailableReason).toBe('the call failed before a response');
    expect(event!.cost).toBeNull();
  });

  it('each retry attempt the AI SDK makes is one model call, so one event', async () => {
    const middleware = ledger.aiSdkMiddleware();
    let calls = 0;
    const model = new MockLanguageModelV4({
      provider: 'openai.chat',
      modelId: 'gpt-4.1-nano',
      doGenerate: async () => {
        calls++;
        if (calls === 1)
          throw new APICallError({ message: 'overloaded', url: 'u', requestBodyValues: {}, statusCode: 503 });
        return {
          content: [{ type: 'text', text: 'ok' }],
          finishReason: { unified: 'stop', raw: 'stop' },
          usage: USAGE,
          warnings: [],
        };
      },
    });
    // The AI SDK waits 2 s before its first retry: fake timers, no wall-clock wait.
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const pending = generateText({ model: wrapLanguageModel({ model, middleware }), prompt: 'hi', maxRetries: 1 });
      await vi.advanceTimersByTimeAsync(2_000);
      expect((await pending).text).toBe('ok');
    } finally {
      vi.useRealTimers();
    }
    await middleware.flush();
    const events = await storedEvents();
    expect(events.map((event) => [event.status, event.error?.status])).toEqual([
      ['error', 503],
      ['ok', undefined],
    ]);
  });

  it('a stream cut before its finish part records usage unavailable, never zeros', async () => {
    const middleware = ledger.aiSdkMiddleware({ agent: 'writer' }, { clock: steppingClock() });
    let sent = 0;
    const cut = (): ReadableStream<never> =>
      new ReadableStream({
        // Four parts (the first text delta among them), then the connection drops.
        pull(controller) {
          const part = STREAM_PARTS[sent++];
          if (sent <= 4 && part !== undefined) controller.enqueue(part as never);
          else controller.error(new Error('socket hang up'));
        },
      });
    const result = streamText({
      model: wrapLanguageModel({ model: streamModel(cut), middleware }),
      prompt: 'hi',
      onError: () => {},
    });
    const seen: string[] = [];
    const consume = async (): Promise<void> => {
      for await (const part of result.fullStream) seen.push(part.type);
    };
    // The caller sees the cut exactly as without the middleware.
    await expect(consume()).rejects.toThrow('socket hang up');
    expect(seen).toContain('text-delta');
    await middleware.flush();
    const [event, ...rest] = await storedEvents();
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({
      status: 'error',
      error: { type: 'Error' },
      timeToFirstTokenMs: 10,
      usageUnavailableReason: 'the stream ended before its finish part',
    });
    expect(event!.error!.message).toContain('socket hang up');
    expect(event!.usage).toEqual({
      inputTokens: undefined,
      outputTokens: undefined,
      totalTokens: undefined,
      cacheReadTokens: undefined,
      cacheWriteTokens: undefined,
      reasoningTokens: undefined,
    });
    expect(event!.cost).toBeNull();
  });

  it("per-call attribution from providerOptions.tokenledger is merged over the middleware's", async () => {
    const middleware = ledger.scope({ run: 'batch-7' }).aiSdkMiddleware({ agent: 'triage', tags: { team: 'a11y' } });
    await generateText({
      model: wrapLanguageModel({ model: generateModel(), middleware }),
      prompt: 'hi',
      providerOptions: { tokenledger: { agent: 'reviewer', tags: { user: 'u1' } } },
    });
    await middleware.flush();
    const [event] = await storedEvents();
    expect(event).toMatchObject({ agent: 'reviewer', run: 'batch-7', tags: { team: 'a11y', user: 'u1' } });
  });
});

describe('AI SDK middleware, hooks called directly', () => {
  function arrayRecorder(): { inputs: RecordInput[]; record: (input: RecordInput) => Promise<UsageEvent> } {
    const inputs: RecordInput[] = [];
    return {
      inputs,
      record: async (input) => {
        inputs.push(input);
        return { id: String(inputs.length) } as UsageEvent;
      },
    };
  }

  it('type-checks as an ai@7, ai@6 (V3) and ai@5 (V2) middleware, without tokenledger depending on ai', () => {
    const middleware = createAiSdkMiddleware({ recorder: arrayRecorder() });
    // The assignments are the test (tsc -p tsconfig.check.json); the expects keep vitest honest.
    const v7: LanguageModelMiddleware = middleware;
    const v3: LanguageModelV3Middleware = middleware;
    const v2: LanguageModelV2Middleware = middleware;
    expect(typeof v7.wrapStream).toBe('function');
    expect(v3.specificationVersion).toBe('v3');
    expect(typeof v2.wrapGenerate).toBe('function');
    expect(typeof v2.wrapStream).toBe('function');
  });

  it('ai@5 (LanguageModelV2) Anthropic usage: cache reads and writes are folded into input', async () => {
    const recorder = arrayRecorder();
    const middleware = createAiSdkMiddleware({ recorder });
    const result = {
      content: [],
      usage: { inputTokens: 12, outputTokens: 40, totalTokens: 52, cachedInputTokens: 1000 },
      providerMetadata: { anthropic: { cacheCreationInputTokens: 500 } },
      response: { modelId: 'claude-sonnet-4-5-20250929' },
    };
    const returned = await middleware.wrapGenerate({
      doGenerate: async () => result,
      model: { provider: 'anthropic.messages', modelId: 'claude-sonnet-4-5' },
    });
    expect(returned).toBe(result);
    await middleware.flush();
    expect(recorder.inputs[0]).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5-20250929',
      usage: { inputTokens: 1512, outputTokens: 40, cacheReadTokens: 1000, cacheWriteTokens: 500 },
    });
  });

  it('Vercel AI Gateway models are recorded under their creator, priced at its list prices', async () => {
    const recorder = arrayRecorder();
    const middleware = createAiSdkMiddleware({ recorder });
    const result = { usage: USAGE, response: { modelId: 'openai/gpt-4.1-nano-2025-04-14' } };
    await middleware.wrapGenerate({
      doGenerate: async () => result,
      model: { provider: 'gateway', modelId: 'openai/gpt-4.1-nano' },
    });
    await middleware.flush();
    expect(recorder.inputs[0]).toMatchObject({
      provider: 'openai',
      model: 'gpt-4.1-nano-2025-04-14',
      requestedModel: 'gpt-4.1-nano',
    });
    // The @ai-sdk/anthropic V2 quirk is not applied to a gateway model made by Anthropic.
    const v2 = { usage: { inputTokens: 1512, outputTokens: 40, totalTokens: 1552, cachedInputTokens: 1000 } };
    await middleware.wrapGenerate({
      doGenerate: async () => v2,
      model: { provider: 'gateway', modelId: 'anthropic/claude-sonnet-4.5' },
    });
    await middleware.flush();
    expect(recorder.inputs[1]).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet-4.5',
      usage: { inputTokens: 1512, cacheReadTokens: 1000 },
    });
  });

  it('a caller that cancels the stream records an AbortError with usage unavailable', async () => {
    const recorder = arrayRecorder();
    const middleware = createAiSdkMiddleware({ recorder });
    let upstreamCancelled = false;
    const upstream = new ReadableStream<{ type: string }>({
      start(controller) {
        controller.enqueue({ type: 'text-delta' });
      },
      cancel() {
        upstreamCancelled = true;
      },
    });
    const { stream } = await middleware.wrapStream({
      doStream: async () => ({ stream: upstream }),
      model: { provider: 'google.generative-ai', modelId: 'gemini-2.5-flash' },
    });
    const reader = stream.getReader();
    expect(await reader.read()).toEqual({ done: false, value: { type: 'text-delta' } });
    await reader.cancel('enough');
    expect(upstreamCancelled).toBe(true);
    await middleware.flush();
    expect(recorder.inputs).toHaveLength(1);
    expect(recorder.inputs[0]).toMatchObject({
      provider: 'google',
      status: 'error',
      error: { type: 'AbortError' },
      usageUnavailableReason: 'the stream ended before its finish part',
    });
    expect(recorder.inputs[0]!.usage).toBeUndefined();
  });

  it('a caller that stops reading after the finish part records a completed call', async () => {
    const recorder = arrayRecorder();
    const middleware = createAiSdkMiddleware({ recorder });
    const upstream = convertArrayToReadableStream<{ type: string }>([...STREAM_PARTS, { type: 'raw' }]);
    const { stream } = await middleware.wrapStream({
      doStream: async () => ({ stream: upstream }),
      model: { provider: 'openai.responses', modelId: 'gpt-4.1-nano' },
    });
    const reader = stream.getReader();
    for (let i = 0; i < STREAM_PARTS.length; i++) await reader.read();
    await reader.cancel();
    await middleware.flush();
    expect(recorder.inputs).toHaveLength(1);
    expect(recorder.inputs[0]).toMatchObject({
      provider: 'openai',
      model: 'gpt-4.1-nano-2025-04-14',
      status: 'ok',
      usage: EXPECTED_USAGE,
    });
    expect(recorder.inputs[0]!.error).toBeUndefined();
  });

  it('a recorder that fails never breaks the call: counted and reported to onError', async () => {
    const errors: unknown[] = [];
    const middleware = createAiSdkMiddleware({
      recorder: {
        record: () => {
          throw new Error('store down');
        },
      },
      onError: (error) => errors.push(error),
    });
    const rejecting = createAiSdkMiddleware({
      recorder: { record: async () => Promise.reject(new Error('store down')) },
      onError: (error) => errors.push(error),
    });
    const model = { provider: 'openai.chat', modelId: 'gpt-4.1-nano' };
    const result = { usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } };
    expect(await middleware.wrapGenerate({ doGenerate: async () => result, model })).toBe(result);
    expect(await rejecting.wrapGenerate({ doGenerate: async () => result, model })).toBe(result);
    const tracked = await generateText({
      model: wrapLanguageModel({ model: generateModel(), middleware: rejecting }),
      prompt: 'hi',
    });
    expect(tracked.text).toBe('Hello from the mock.');
    await middleware.flush();
    await rejecting.flush();
    expect(middleware.stats).toEqual({ recorded: 0, recordFailures: 1, pending: 0 });
    expect(rejecting.stats).toEqual({ recorded: 0, recordFailures: 2, pending: 0 });
    expect(errors).toHaveLength(3);
  });
});
