/**
 * Budgets in createClient: generate, stream and batch are refused before anything is sent when
 * a budget would be exceeded (BudgetExceededError, never retried); admitted calls settle to
 * their real cost; a batch reports the items a budget refused as refused, not as failures.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { counterOf, MemoryBudgetCounters, windowSpan, budgetFromConfig } from '#src/budgets/index.js';
import { BudgetExceededError } from '#src/errors/index.js';
import { ONE_TOKEN_WORDS, startMockProvider, type MockProvider, wordChatStream } from '../helpers/mock-provider.js';
import { makeClient, mockConfig } from './setup.js';

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const request = { provider: 'openai', model: 'gpt-4.1-nano', prompt: 'hi', maxTokens: 500 };

function setup(budget: Record<string, unknown>) {
  const counters = new MemoryBudgetCounters();
  const config = mockConfig(mock, { budgets: [{ name: 'b', window: 'day', ...budget }] });
  const { client, events } = makeClient({ config, budgetCounters: counters, retry: { maxAttempts: 3 } });
  const spec = budgetFromConfig(config.budgets[0] as never);
  const state = async () => {
    const now = Date.now();
    const span = windowSpan(spec.window, now);
    const window = { counter: counterOf(spec), bucket: span.bucket, fromBucket: span.fromBucket, stepMs: span.stepMs };
    return (await counters.state([window], now))[0];
  };
  return { client, events, state };
}

describe('budgets in createClient', () => {
  it('generate: an admitted call settles to its real cost', async () => {
    const { client, state } = setup({ capUsd: 1 });
    const result = await client.generate(request);
    // Settling is not awaited by the call; it follows at once.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(result.cost?.totalNanos).toBeGreaterThan(0);
    expect(await state()).toEqual({ spent: result.cost?.totalNanos, held: 0 });
  });

  it('generate and stream: over the cap, refused before sending, with the budget named', async () => {
    const { client } = setup({ capUsd: 0.00001 });
    const error = await client.generate(request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).facts).toMatchObject({ budget: 'b', cap: 0.00001, spent: 0, reason: 'cap' });
    expect((error as BudgetExceededError).retryable).toBe(false);
    const stream = client.stream(request);
    await expect(stream.result).rejects.toBeInstanceOf(BudgetExceededError);
    expect(mock.requests).toHaveLength(0);
  });

  it('batch: items the budget refuses are reported as refused, not as provider failures', async () => {
    // A token cap of 1,000: each call holds its input bound (~100 bytes) + 500 output tokens and
    // settles to 379 tokens (16 + 363), so two fit one after the other and the third does not.
    const { client, state } = setup({ capTokens: 1000 });
    const progress: { failed: number; refused?: number }[] = [];
    const batch = await client.batch(
      Array.from({ length: 5 }, () => request),
      {
        concurrency: 1,
        onProgress: (update) => progress.push({ failed: update.failed, refused: update.refused }),
      },
    );
    expect(batch.results.map((result) => result.status)).toEqual(['ok', 'ok', 'refused', 'refused', 'refused']);
    expect(batch.results[2]?.error).toMatchObject({
      type: 'BudgetExceededError',
      message: expect.stringContaining('budget b exceeded: cap 1000 tokens, spent 758 tokens'),
    });
    expect(batch.results[2]?.attempts).toBe(0);
    expect(progress.at(-1)).toEqual({ failed: 0, refused: 3 });
    expect(batch.summary).toMatchObject({ total: 2, successful: 2, failed: 0 });
    expect(mock.requests).toHaveLength(2);
    expect(await state()).toEqual({ spent: 758, held: 0 });
  });

  it('a failed call settles to what the provider billed (nothing), after its retries', async () => {
    const { client, state } = setup({ capUsd: 1 });
    mock.enqueue({ kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    await expect(client.generate({ ...request, maxAttempts: 3 })).rejects.toMatchObject({ status: 500 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(mock.requests).toHaveLength(3);
    expect(await state()).toEqual({ spent: 0, held: 0 });
  });

  it('stream: cancelled after 5 words, it settles to its input plus exactly those 5 output tokens', async () => {
    const { client, events, state } = setup({ capUsd: 1 });
    // The role chunk and 5 words, then silence.
    mock.enqueue({ kind: 'stream', events: wordChatStream(ONE_TOKEN_WORDS), stallAfter: 6 });
    const stream = client.stream(request);
    let text = '';
    for await (const piece of stream) {
      text += piece;
      if (text === ' one two three four five') break; // leaving the loop cancels the call
    }
    await expect(stream.result).rejects.toMatchObject({ code: 'aborted' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'error', error: { type: 'AbortError' }, estimated: true });
    // Input counted from the messages (3 to prime the reply + 3 for the message + 'user' 1 +
    // 'hi' 1 = 8), output from the 5 streamed words; gpt-4.1-nano: 100 / 400 nano-dollars a token.
    expect(events[0]?.usage).toMatchObject({ inputTokens: 8, outputTokens: 5, totalTokens: 13 });
    expect(events[0]?.cost?.totalNanos).toBe(8 * 100 + 5 * 400);
    expect(await state()).toEqual({ spent: 8 * 100 + 5 * 400, held: 0 });
  });
});
