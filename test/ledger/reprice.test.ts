/**
 * Re-pricing (issue 14 item 4) on memory, SQLite and PostgreSQL: a ledger recorded with the
 * bundled prices, re-priced with overrides that change them. The dry run's deltas equal figures
 * computed here by hand from the tokens and the list prices; the real run leaves the analytics
 * (raw and rollup paths) equal to a fresh ledger that recorded the same calls with the new
 * prices; a second run writes nothing; a run stopped midway is finished by the next one.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createRecordingLedger, repriceEvents } from '#src/ledger/index.js';
import { createPricer } from '#src/pricing/index.js';
import type { AggregateQuery, Store } from '#src/store/index.js';
import type { PriceOverride, RecordInput } from '#src/types/index.js';
import { testStores } from '../analytics/stores.js';

const stores = testStores('tl_reprice');
afterAll(async () => {
  for (const store of stores) await store.cleanup();
});

const RECORDED = Date.parse('2026-11-30T10:00:00Z');
const REPRICED = Date.parse('2026-12-01T09:00:00Z');
const advisor = JSON.parse(readFileSync('test/fixtures/anthropic/anthropic-10-advisor.json', 'utf8')).body as unknown;

/**
 * Bundled list prices (per 1M): gpt-4o 2.50 in, 1.25 cached, 10 out; claude-sonnet-4-6 3/15;
 * claude-opus-4-7 5/25. The new ones below: gpt-4o 5 / 0.50 / 20, claude-opus-4-7 10/50.
 */
const NEW_PRICES: PriceOverride[] = [
  { provider: 'openai', model: 'gpt-4o', input: 5, cacheRead: 0.5, output: 20 },
  { provider: 'anthropic', model: 'claude-opus-4-7', input: 10, output: 50 },
];

const CALLS: RecordInput[] = [
  {
    id: 'e1',
    time: '2026-11-30T08:10:00Z',
    provider: 'openai',
    model: 'gpt-4o',
    agent: 'a',
    run: 'r1',
    usage: { inputTokens: 1000, cacheReadTokens: 200, outputTokens: 500 },
  },
  {
    id: 'e2',
    time: '2026-11-30T08:20:00Z',
    provider: 'openai',
    model: 'gpt-4o',
    agent: 'b',
    run: 'r1',
    usage: { inputTokens: 2000, outputTokens: 100 },
  },
  {
    // Through a batch API: half price, before and after.
    id: 'e3',
    time: '2026-11-30T09:05:00Z',
    provider: 'openai',
    model: 'gpt-4o',
    agent: 'b',
    run: 'r2',
    serviceTier: 'batch',
    usage: { inputTokens: 1000, outputTokens: 1000 },
  },
  {
    // Billed in steps: executor claude-sonnet-4-6, advisor step on claude-opus-4-7 (2728 in, 874 out).
    id: 'e4',
    time: '2026-11-29T23:30:00Z',
    provider: 'anthropic',
    agent: 'a',
    run: 'r2',
    response: advisor,
  },
  {
    // Neither price changes: left alone.
    id: 'e5',
    time: '2026-11-30T09:30:00Z',
    provider: 'openai',
    model: 'gpt-4o-mini',
    agent: 'a',
    run: 'r1',
    usage: { inputTokens: 1000, outputTokens: 1000 },
  },
  {
    id: 'e6',
    time: '2026-11-30T09:40:00Z',
    provider: 'openai',
    model: 'no-such-model-xyz',
    agent: 'b',
    run: 'r2',
    usage: { inputTokens: 10, outputTokens: 10 },
  },
];

// By hand, in nano-dollars (tokens x USD per 1M x 1000).
const E1_OLD = 800 * 2.5 * 1000 + 200 * 1.25 * 1000 + 500 * 10 * 1000; // 7,250,000
const E1_NEW = 800 * 5 * 1000 + 200 * 0.5 * 1000 + 500 * 20 * 1000; // 14,100,000
const E2_OLD = 2000 * 2.5 * 1000 + 100 * 10 * 1000; // 6,000,000
const E2_NEW = 2000 * 5 * 1000 + 100 * 20 * 1000; // 12,000,000
const E3_OLD = (1000 * 2.5 * 1000 + 1000 * 10 * 1000) / 2; // 6,250,000
const E3_NEW = (1000 * 5 * 1000 + 1000 * 20 * 1000) / 2; // 12,500,000
const EXECUTOR = 2414 * 3 * 1000 + 3200 * 15 * 1000; // 55,242,000 (unchanged)
const E4_OLD = EXECUTOR + 2728 * 5 * 1000 + 874 * 25 * 1000; // 90,732,000
const E4_NEW = EXECUTOR + 2728 * 10 * 1000 + 874 * 50 * 1000; // 126,222,000

const usd = (nanos: number) => nanos / 1e9;
const figures = (calls: number, oldNanos: number, newNanos: number) => ({
  calls,
  oldUsd: usd(oldNanos),
  newUsd: usd(newNanos),
  differenceUsd: usd(newNanos - oldNanos),
});

async function seed(store: Store, prices: PriceOverride[] = [], clock = RECORDED): Promise<void> {
  const ledger = createRecordingLedger({ store, prices, clock: () => clock });
  for (const call of CALLS) await ledger.record(call);
  await ledger.close();
}

const QUERIES: AggregateQuery[] = [
  { filter: {}, groupBy: [], percentiles: false },
  { filter: {}, groupBy: ['model'], percentiles: false },
  { filter: {}, groupBy: ['agent'], percentiles: false },
  { filter: {}, groupBy: ['run'], percentiles: false },
  { filter: {}, groupBy: ['priceSource'], percentiles: false },
  { filter: {}, groupBy: ['bucket'], interval: '1h', percentiles: false },
  { filter: {}, groupBy: ['bucket', 'model'], interval: '1d', percentiles: false },
  // From a time: the rollups answer (hourly and daily).
  { filter: { from: new Date('2026-11-29T00:00:00Z') }, groupBy: ['agent'], percentiles: false },
  { filter: { from: new Date('2026-11-29T00:00:00Z'), model: 'gpt-4o' }, groupBy: ['bucket'], interval: '1d' },
];

async function analytics(store: Store) {
  const out = [];
  for (const query of QUERIES) out.push(await store.aggregate(query));
  return out;
}

describe.each(stores)('reprice on $kind', (testStore) => {
  it('the dry run equals the deltas computed by hand, and writes nothing', async () => {
    const store = await testStore.open();
    try {
      await seed(store);
      expect((await store.event('e1'))?.cost?.totalNanos).toBe(E1_OLD);
      expect((await store.event('e4'))?.cost?.totalNanos).toBe(E4_OLD);
      const before = await analytics(store);
      const report = await repriceEvents({
        store,
        pricer: createPricer({ overrides: NEW_PRICES }),
        dryRun: true,
        batchSize: 2,
        now: () => REPRICED,
      });
      expect(report).toEqual({
        dryRun: true,
        read: 6,
        changed: 4,
        written: 0,
        unpriced: { calls: 1, reason: expect.stringContaining('no-such-model-xyz') },
        totals: figures(4, E1_OLD + E2_OLD + E3_OLD + E4_OLD, E1_NEW + E2_NEW + E3_NEW + E4_NEW),
        byModel: [
          { provider: 'anthropic', model: 'claude-sonnet-4-6', ...figures(1, E4_OLD, E4_NEW) },
          { provider: 'openai', model: 'gpt-4o', ...figures(3, E1_OLD + E2_OLD + E3_OLD, E1_NEW + E2_NEW + E3_NEW) },
        ],
        byAgent: [
          { agent: 'a', ...figures(2, E1_OLD + E4_OLD, E1_NEW + E4_NEW) },
          { agent: 'b', ...figures(2, E2_OLD + E3_OLD, E2_NEW + E3_NEW) },
        ],
        byRun: [
          { run: 'r2', ...figures(2, E3_OLD + E4_OLD, E3_NEW + E4_NEW) },
          { run: 'r1', ...figures(2, E1_OLD + E2_OLD, E1_NEW + E2_NEW) },
        ],
      });
      expect(report.totals.differenceUsd).toBe(0.05459);
      expect(await analytics(store)).toEqual(before);
      expect((await store.event('e1'))?.cost?.totalNanos).toBe(E1_OLD);
      expect(await store.priceHistory('e1')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('the real run makes the analytics equal to a fresh ledger priced with the new prices; again: no change', async () => {
    const store = await testStore.open();
    const fresh = await testStore.open();
    try {
      await seed(store);
      // The same calls recorded when the new prices were in force, at the time of the re-pricing.
      await seed(fresh, NEW_PRICES, REPRICED);
      expect(await analytics(fresh)).not.toEqual(await analytics(store));
      const pricer = createPricer({ overrides: NEW_PRICES });
      const report = await repriceEvents({ store, pricer, batchSize: 4, now: () => REPRICED });
      expect([report.read, report.changed, report.written]).toEqual([6, 4, 4]);
      expect(await analytics(store)).toEqual(await analytics(fresh));
      for (const id of ['e1', 'e2', 'e3', 'e4', 'e6']) expect(await store.event(id)).toEqual(await fresh.event(id));
      const e1 = await store.event('e1');
      expect([e1?.cost?.totalNanos, e1?.priceSource, e1?.pricedAt]).toEqual([
        E1_NEW,
        'override',
        '2026-12-01T09:00:00.000Z',
      ]);
      // The previous cost is kept, with when and where its prices came from.
      const [history, ...more] = await store.priceHistory('e1');
      expect(more).toEqual([]);
      expect(history).toMatchObject({
        eventId: 'e1',
        cost: { totalNanos: E1_OLD, input: 0.002, cacheRead: 0.00025, output: 0.005 },
        priceSource: 'bundled 0.1.8',
        pricedAt: '2026-11-30T10:00:00.000Z',
        newPriceSource: 'override',
      });
      // Untouched: no history, the pricing time of its recording.
      expect(await store.priceHistory('e5')).toEqual([]);
      expect((await store.event('e5'))?.pricedAt).toBe('2026-11-30T10:00:00.000Z');

      const again = await repriceEvents({ store, pricer, now: () => REPRICED + 60_000 });
      expect([again.read, again.changed, again.written, again.totals.calls]).toEqual([6, 0, 0, 0]);
      expect(await store.priceHistory('e1')).toHaveLength(1);
      expect(await analytics(store)).toEqual(await analytics(fresh));
    } finally {
      await store.close();
      await fresh.close();
    }
  });

  it('a run stopped after its first batch is finished by the next run', async () => {
    const store = await testStore.open();
    const fresh = await testStore.open();
    try {
      await seed(store);
      await seed(fresh, NEW_PRICES, REPRICED);
      const pricer = createPricer({ overrides: NEW_PRICES });
      await expect(
        repriceEvents({
          store,
          pricer,
          batchSize: 2,
          now: () => REPRICED,
          onProgress: () => {
            throw new Error('killed');
          },
        }),
      ).rejects.toThrow('killed');
      // Newest first: e6 (unpriced) and e5 (unchanged) were the first batch; then e3 and e2.
      const resumed = await repriceEvents({ store, pricer, batchSize: 2, now: () => REPRICED });
      expect([resumed.read, resumed.changed, resumed.written]).toEqual([6, 4, 4]);
      expect(await analytics(store)).toEqual(await analytics(fresh));
    } finally {
      await store.close();
      await fresh.close();
    }
  });
});
