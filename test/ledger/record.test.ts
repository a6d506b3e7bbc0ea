import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTime, isValid } from 'ulid';
import { createRecordingLedger } from '#src/ledger/index.js';
import { openStore } from '#src/store/index.js';
import { flakyStore, manualClock, storedIds } from './helpers.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/anthropic/anthropic-02-cache-read-write.json', import.meta.url), 'utf8'),
) as {
  body: unknown;
  expected: Record<string, number>;
};

describe('record', () => {
  it('stores a priced event with a sortable id and the clock time', async () => {
    const store = await openStore('memory:');
    const clock = manualClock();
    const ledger = createRecordingLedger({ store, clock: clock.now });
    const event = await ledger.record({
      provider: 'openai',
      model: 'gpt-4o',
      agent: 'indicator_agent',
      usage: { inputTokens: 1_000_000, outputTokens: 100_000, cacheReadTokens: 200_000 },
      durationMs: 1250,
    });
    expect(isValid(event.id)).toBe(true);
    expect(decodeTime(event.id)).toBe(clock.now());
    expect(event.time).toBe('2025-03-01T12:00:00.000Z');
    expect(event.usage.totalTokens).toBe(1_100_000); // derived: input + output
    expect(event.status).toBe('ok');
    expect(event.attempts).toBe(1);
    // gpt-4o list price: $2.50 input, $1.25 cached input, $10 output per 1M
    expect(event.cost?.totalNanos).toBe(800_000 * 2500 + 200_000 * 1250 + 100_000 * 10_000);
    expect(event.cost?.total).toBeCloseTo(3.25, 9);
    expect(await storedIds(store)).toEqual([event.id]);
    const [row] = await store.aggregate({ filter: {}, groupBy: [] });
    expect(row?.costNanos).toBe(3_250_000_000);
    expect(ledger.stats()).toEqual({
      recorded: 1,
      storeFailures: 0,
      buffered: 0,
      dropped: 0,
      rejected: 0,
      deadLettered: 0,
    });
  });

  it('normalizes a raw provider response (Anthropic cache read + write) and prices it', async () => {
    const ledger = createRecordingLedger({ store: await openStore('memory:') });
    const event = await ledger.record({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      response: fixture.body,
      durationMs: 900,
    });
    expect(event.model).toBe('claude-sonnet-4-5-20250929'); // as answered
    expect(event.requestedModel).toBe('claude-sonnet-4-5');
    expect(event.usage).toMatchObject(fixture.expected);
    expect(event.rawUsage).toMatchObject({ cache_read_input_tokens: 1111 });
    // Sonnet 4.5: $3 input, $0.30 cache read, $3.75 cache write (5m), $15 output per 1M
    const uncached = 1532 - 1111 - 418;
    expect(event.cost?.totalNanos).toBe(uncached * 3000 + 1111 * 300 + 418 * 3750 + 33 * 15_000);
    expect(event.cost?.cacheSavings).toBeCloseTo((1111 * (3 - 0.3)) / 1e6, 12);
  });

  it("keeps the reader's warnings and the caller's on the event, stored and counted", async () => {
    const store = await openStore('memory:');
    const ledger = createRecordingLedger({ store });
    const event = await ledger.record({
      provider: 'openai',
      model: 'gpt-4o-mini',
      // cached_tokens larger than its total: an impossible part the reader drops.
      response: { usage: { prompt_tokens: 10, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 50 } } },
      warnings: ['agent truncated to 256 characters', 'agent truncated to 256 characters'],
    });
    expect(event.usage.cacheReadTokens).toBeUndefined();
    expect(event.warnings).toHaveLength(2);
    expect(event.warnings?.[0]).toBe('agent truncated to 256 characters');
    expect(event.warnings?.[1]).toMatch(/cacheReadTokens/);
    const [stored] = (await store.events({ filter: {}, limit: 5 })).events;
    expect(stored?.warnings).toEqual(event.warnings);
    const [row] = await store.aggregate({ filter: {}, groupBy: [] });
    expect(row?.warningCalls).toBe(1);
    const plain = await ledger.record({ provider: 'openai', model: 'gpt-4o-mini', usage: { inputTokens: 1 } });
    expect(plain).not.toHaveProperty('warnings');
  });

  it('bounds warnings: redacted, cut to 500 characters, at most 32 kept', async () => {
    const ledger = createRecordingLedger({ store: await openStore('memory:') });
    const many = Array.from({ length: 40 }, (_, i) => `w${i} ${'x'.repeat(600)}`);
    const event = await ledger.record({
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { inputTokens: 1 },
      warnings: ['key sk-proj-abcdefghijklmnopqrstuv leaked', ...many],
    });
    expect(event.warnings).toHaveLength(32);
    expect(event.warnings?.[0]).not.toContain('sk-proj-abcdefghijklmnopqrstuv');
    expect(event.warnings?.[1]).toHaveLength(500);
    expect(event.warnings?.[31]).toBe('10 more warnings dropped');
    await expect(
      ledger.record({
        provider: 'openai',
        model: 'm',
        usage: { inputTokens: 1 },
        warnings: [3] as unknown as string[],
      }),
    ).rejects.toThrow(/warnings\.0: must be a string/);
  });

  it('keeps usage unknown (never 0) and cost null with a reason when nothing was reported', async () => {
    const ledger = createRecordingLedger({ store: await openStore('memory:') });
    const failed = await ledger.record({
      provider: 'openai',
      model: 'gpt-4o',
      error: { type: 'RateLimitError', status: 429, message: 'slow down, key sk-abcdefghijklmnopqrstuvwxyz123456' },
      attempts: 3,
    });
    expect(failed.status).toBe('error');
    expect(failed.usage.inputTokens).toBeUndefined();
    expect(failed.usageUnavailableReason).toBe('no usage reported');
    expect(failed.cost).toBeNull();
    expect(failed.costUnavailableReason).toBe('usage unavailable');
    expect(failed.error?.message).not.toContain('sk-abcdefghijklmnopqrstuvwxyz123456');
    const unknownModel = await ledger.record({
      provider: 'acme',
      model: 'acme-1',
      usage: { inputTokens: 1, outputTokens: 1 },
    });
    expect(unknownModel.cost).toBeNull();
    expect(unknownModel.costUnavailableReason).toMatch(/acme-1/);
  });

  it('uses price overrides', async () => {
    const ledger = createRecordingLedger({
      store: await openStore('memory:'),
      prices: [{ model: 'my-finetune', input: 3, output: 12 }],
    });
    const event = await ledger.record({
      provider: 'acme',
      model: 'my-finetune',
      usage: { inputTokens: 1000, outputTokens: 500 },
    });
    expect(event.cost?.totalNanos).toBe(1000 * 3000 + 500 * 12_000);
  });

  it('is idempotent on a re-recorded id', async () => {
    const store = await openStore('memory:');
    const ledger = createRecordingLedger({ store });
    const input = { id: 'call-1', provider: 'openai', model: 'gpt-4o', usage: { inputTokens: 10, outputTokens: 5 } };
    await ledger.record(input);
    await ledger.record(input);
    const [row] = await store.aggregate({ filter: {}, groupBy: [] });
    expect(row?.calls).toBe(1);
    expect(row?.totalTokens).toBe(15);
  });

  it('accepts a time as ISO string, Date or epoch ms', async () => {
    const ledger = createRecordingLedger({ store: await openStore('memory:') });
    const base = { provider: 'openai', model: 'gpt-4o' };
    expect((await ledger.record({ ...base, time: '2025-01-02T03:04:05Z' })).time).toBe('2025-01-02T03:04:05.000Z');
    expect((await ledger.record({ ...base, time: new Date(0) })).time).toBe('1970-01-01T00:00:00.000Z');
    expect((await ledger.record({ ...base, time: 86_400_000 })).time).toBe('1970-01-02T00:00:00.000Z');
  });
});

describe('scope', () => {
  it('stamps agent, run and tags; inner scopes and the input win, tags merge', async () => {
    const store = await openStore('memory:');
    const ledger = createRecordingLedger({ store });
    const run = ledger.scope({ run: 'AAPL', tags: { team: 'research', user: 'u1' } });
    const agent = run.scope({ agent: 'volume_agent', tags: { user: 'u2' } });
    const base = { provider: 'google', model: 'gemini-2.5-flash', usage: { inputTokens: 100, outputTokens: 50 } };
    const a = await agent.record(base);
    expect([a.run, a.agent, a.tags]).toEqual(['AAPL', 'volume_agent', { team: 'research', user: 'u2' }]);
    const b = await agent.record({ ...base, agent: 'risk_agent', tags: { feature: 'x' } });
    expect([b.run, b.agent, b.tags]).toEqual(['AAPL', 'risk_agent', { team: 'research', user: 'u2', feature: 'x' }]);
    expect(agent.attribution).toEqual({ run: 'AAPL', agent: 'volume_agent', tags: { team: 'research', user: 'u2' } });
    const c = await ledger.record(base);
    expect(c.run).toBeUndefined();
    expect(c.tags).toEqual({});
    // scopes share one core: stats count all three
    expect(ledger.stats().recorded).toBe(3);
  });
});

describe('close', () => {
  it('flushes and then refuses new records', async () => {
    const store = await flakyStore();
    const ledger = createRecordingLedger({ store });
    store.down = true;
    await ledger.record({ provider: 'openai', model: 'gpt-4o' });
    store.down = false;
    await ledger.close();
    expect(ledger.stats().buffered).toBe(0);
    expect(await storedIds(store)).toHaveLength(1);
    await expect(ledger.record({ provider: 'openai', model: 'gpt-4o' })).rejects.toThrow(/closed/);
  });
});
