import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';
import { createClient, runPool } from '#src/client/index.js';
import { createRecordingLedger } from '#src/ledger/index.js';
import { MemoryStore } from '#src/store/index.js';
import type { UsageEvent } from '#src/types/index.js';
import type { BatchItemResult, GenerateRequest } from '#src/client/index.js';
import { expectedUsage, makeClient, mockConfig } from './setup.js';

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

const item = (index: number): GenerateRequest => ({
  model: 'openai/gpt-4o-mini',
  prompt: `issue ${index}`,
  maxAttempts: 1,
});
const plain = expectedUsage('openai', 'openai-01-chat-plain');

describe('client.batch', () => {
  it('returns results in input order, whatever order they finish in', async () => {
    const { client } = makeClient({ config: mockConfig(mock) });
    // Slow enough to finish last even on a loaded 2-core machine (150 ms did not, at load 21).
    mock.enqueue({ kind: 'fixture', name: 'openai-01-chat-plain', latencyMs: 1500 });
    const finished: number[] = [];
    const { results, summary } = await client.batch(
      Array.from({ length: 6 }, (_, index) => item(index)),
      {
        concurrency: 3,
        onResult: (result) => finished.push(result.index),
      },
    );
    expect(results.map((result) => result.index)).toEqual([0, 1, 2, 3, 4, 5]);
    // The slow answer goes to whichever of the first three calls reached the mock first (on a
    // loaded machine not always item 0): that item finishes last, its result stays in place.
    const slow = Number(/issue (\d)/.exec(mock.requests[0]!.body)?.[1]);
    expect(slow).toBeLessThan(3);
    expect(finished.at(-1)).toBe(slow);
    expect(summary).toMatchObject({ total: 6, successful: 6, failed: 0, successRate: 100, attempts: 6 });
    expect(summary.totalTokens).toBe(plain.totalTokens! * 6);
    expect(summary.inputTokens).toBe(plain.inputTokens! * 6);
    expect(summary.costUsd).toBeGreaterThan(0);
  });

  it('one failed item never fails the batch', async () => {
    const { client, events } = makeClient({ config: mockConfig(mock) });
    mock.enqueue(
      { kind: 'fixture', name: 'openai-01-chat-plain' },
      { kind: 'status', status: 400, body: { error: { message: 'bad request' } } },
      { kind: 'fixture', name: 'openai-01-chat-plain' },
    );
    const { results, summary } = await client.batch([item(0), item(1), item(2)], { concurrency: 1 });
    expect(results.map((result) => result.status)).toEqual(['ok', 'error', 'ok']);
    expect(results[1]).toMatchObject({
      status: 'error',
      attempts: 1,
      error: { type: 'ProviderError', status: 400 },
      cost: null,
    });
    expect(summary).toMatchObject({ total: 3, successful: 2, failed: 1, successRate: 66.67 });
    expect(events.map((event) => event.status)).toEqual(['ok', 'error', 'ok']);
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const { client } = makeClient({
      config: mockConfig(mock),
      fetch: async (input, init) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        try {
          const response = await fetch(input, init);
          await new Promise((resolve) => setImmediate(resolve));
          return response;
        } finally {
          inFlight--;
        }
      },
    });
    mock.setDefault({ kind: 'fixture', name: 'openai-01-chat-plain', latencyMs: 20 });
    const { summary } = await client.batch(
      Array.from({ length: 30 }, (_, index) => item(index)),
      { concurrency: 5 },
    );
    expect(summary.successful).toBe(30);
    expect(peak).toBe(5);
  });

  it('pulls from an iterator lazily: never more items taken than done + 2 x concurrency (calls at the provider, answers being recorded)', async () => {
    const { client } = makeClient({ config: mockConfig(mock) });
    let pulled = 0;
    let worst = 0;
    function* items(): Generator<GenerateRequest> {
      for (let index = 0; index < 200; index++) {
        pulled++;
        yield item(index);
      }
    }
    const { summary } = await client.batch(items(), {
      concurrency: 4,
      collect: false,
      onProgress: (progress) => (worst = Math.max(worst, pulled - progress.done)),
    });
    expect(summary.total).toBe(200);
    expect(worst).toBeLessThanOrEqual(8);
  });

  it('a call slot frees once its answer is in: the next call goes while the event is stored, its result after', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const stored: string[] = [];
    class HeldStore extends MemoryStore {
      override async insert(events: readonly UsageEvent[]): Promise<number> {
        await gate; // every write waits until the test opens the gate
        const added = await super.insert(events);
        for (const event of events) stored.push(event.id);
        return added;
      }
    }
    const ledger = createRecordingLedger({ store: new HeldStore() });
    const client = createClient({ ledger, config: mockConfig(mock) });
    const eventsAtResult: boolean[] = [];
    const done = client.batch(
      Array.from({ length: 6 }, (_, index) => item(index)),
      {
        concurrency: 2,
        onResult: (result) => eventsAtResult.push(result.eventId !== undefined && stored.includes(result.eventId)),
      },
    );
    // With the store held, the calls still go 2 at a time, up to 2 answers waiting for their records.
    await vi.waitFor(() => expect(mock.requests).toHaveLength(4));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(mock.requests).toHaveLength(4);
    expect(eventsAtResult).toEqual([]);
    open();
    const { summary } = await done;
    expect(summary).toMatchObject({ total: 6, successful: 6 });
    expect(mock.requests).toHaveLength(6);
    expect(eventsAtResult).toEqual([true, true, true, true, true, true]); // each result after its event is stored
    await ledger.close();
  });

  it("the next call goes out before an answer's event is built: metering waits for the turn's I/O", async () => {
    const order: string[] = [];
    const ledger = createRecordingLedger({ store: new MemoryStore() });
    const client = createClient({
      config: mockConfig(mock),
      ledger: {
        record: (input) => {
          order.push('record');
          return ledger.record(input);
        },
      },
      fetch: (input, init) => {
        order.push('send');
        return fetch(input, init);
      },
    });
    const { summary } = await client.batch([item(0), item(1), item(2)], { concurrency: 1 });
    expect(summary).toMatchObject({ total: 3, successful: 3 });
    // One slot: the second call was sent before the first answer's record began (metering the
    // answer first held the next call back by its cost).
    expect(order.slice(0, 3)).toEqual(['send', 'send', 'record']);
    expect(order.filter((step) => step === 'record')).toHaveLength(3);
    expect((await ledger.store.events({ filter: {}, limit: 10 })).events).toHaveLength(3);
    await ledger.close();
  });

  it("ends the ledger's commit window once every call has its answer: the last records wait for no window", async () => {
    const store = new MemoryStore();
    const ledger = createRecordingLedger({ store, commitWindowMs: 5000 });
    const client = createClient({ ledger, config: mockConfig(mock) });
    const started = performance.now();
    const { summary } = await client.batch([item(0), item(1), item(2)], { concurrency: 3 });
    expect(summary).toMatchObject({ total: 3, successful: 3 });
    expect(performance.now() - started).toBeLessThan(2500); // a window waited out: 5,000 ms
    expect((await store.events({ filter: {}, limit: 10 })).events).toHaveLength(3);
    await ledger.close();
  });

  it('cancellation stops new work and settles the calls in flight', async () => {
    const { client } = makeClient({ config: mockConfig(mock) });
    mock.setDefault({ kind: 'hang' });
    const controller = new AbortController();
    const done = client.batch(
      Array.from({ length: 10 }, (_, index) => item(index)),
      { concurrency: 3, signal: controller.signal },
    );
    await vi.waitFor(() => expect(mock.requests).toHaveLength(3));
    controller.abort();
    const { results, summary, cancelled } = await done;
    expect(cancelled).toBe(true);
    expect(mock.requests).toHaveLength(3);
    expect(results.filter(Boolean)).toHaveLength(3);
    expect(results.every((result: BatchItemResult) => result.error?.type === 'AbortError')).toBe(true);
    expect(summary).toMatchObject({ total: 3, failed: 3 });
  });

  it('a cancellable batch of 64 in flight keeps one listener on its signal, and cancelling settles them all', async () => {
    const { client } = makeClient({ config: mockConfig(mock) });
    mock.setDefault({ kind: 'hang' });
    const controller = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (warning: Error): number => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const done = client.batch(
        Array.from({ length: 64 }, (_, index) => item(index)),
        { concurrency: 64, signal: controller.signal },
      );
      await vi.waitFor(() => expect(mock.requests).toHaveLength(64));
      // Each call joins the signal's one listener (abort-listeners.ts) instead of adding its own.
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      controller.abort();
      const { results, cancelled } = await done;
      expect(cancelled).toBe(true);
      expect(results.filter((result: BatchItemResult) => result.error?.type === 'AbortError')).toHaveLength(64);
      expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('reports progress after every item', async () => {
    const { client } = makeClient({ config: mockConfig(mock) });
    const seen: number[] = [];
    await client.batch([item(0), item(1), item(2)], {
      concurrency: 2,
      onProgress: (progress) => seen.push(progress.done),
    });
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('runPool', () => {
  it('rejects a bad concurrency eagerly', async () => {
    await expect(
      runPool(
        [1],
        async () => 1,
        () => undefined,
        { concurrency: 0 },
      ),
    ).rejects.toThrow(/concurrency/);
  });

  it('reports a worker that throws without stopping the others', async () => {
    const outcomes: string[] = [];
    await runPool(
      [1, 2, 3],
      async (value) => {
        if (value === 2) throw new Error('boom');
        return value;
      },
      (index, outcome) => (outcomes[index] = 'thrown' in outcome ? 'thrown' : 'ok'),
      { concurrency: 2 },
    );
    expect(outcomes).toEqual(['ok', 'thrown', 'ok']);
  });
});

describe('client.stats', () => {
  it('counts every call: requests, successes, failures, tokens, cost, success rate; reset starts again', async () => {
    const { client } = makeClient({ config: mockConfig(mock) });
    mock.enqueue(
      { kind: 'fixture', name: 'openai-01-chat-plain' },
      { kind: 'status', status: 400, body: { error: { message: 'no' } } },
    );
    await client.batch([item(0), item(1)], { concurrency: 1 });
    await client.generate(item(2));
    await client.stream(item(3)).result;
    const stats = client.stats();
    expect(stats).toMatchObject({ total: 4, successful: 3, failed: 1, successRate: 75, attempts: 4 });
    const streamed = expectedUsage('openai', 'openai-05-chat-stream-include-usage');
    expect(stats.totalTokens).toBe(plain.totalTokens! * 2 + streamed.totalTokens!);
    expect(stats.costUsd).toBeGreaterThan(0);
    client.resetStats();
    expect(client.stats()).toMatchObject({ total: 0, successful: 0, failed: 0, totalTokens: undefined, costUsd: 0 });
  });
});
