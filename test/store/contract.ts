/**
 * The storage contract: one suite every Store must pass (memory, SQLite, PostgreSQL). Answers
 * are compared against a brute-force reference computed from the inserted events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '#src/errors/index.js';
import {
  HISTOGRAM_RELATIVE_ERROR,
  CALL_ORDERS,
  type AggregateQuery,
  type GroupKey,
  type RankOrder,
  type RankQuery,
  type Store,
} from '#src/store/index.js';
import type { Filter, Interval, UsageEvent } from '#src/types/index.js';
import { generateEvents } from './generate.js';
import { matchesFilter, referenceAggregate, referenceCalls, referenceRank } from './reference.js';

export interface ContractOpenOptions {
  exactPercentileLimit?: number;
}

export interface ContractHooks {
  /** Opens a fresh, empty store. */
  open: (options?: ContractOpenOptions) => Promise<Store>;
  /** Reopens the store `open` last returned (same file/schema), when the store persists. */
  reopen?: () => Promise<Store>;
}

const HOUR = 3_600_000;
/** 2026-01-05T00:00:00Z, a whole day boundary. */
const T0 = Date.UTC(2026, 0, 5);

function boundaryEvents(template: UsageEvent): UsageEvent[] {
  // Exactly on an hour/day boundary and one millisecond before it.
  return [T0 + 6 * HOUR - 1, T0 + 6 * HOUR, T0 + 24 * HOUR - 1, T0 + 24 * HOUR].map((t, i) => ({
    ...template,
    id: `boundary-${i}`,
    time: new Date(t).toISOString(),
    // A key no JSON path can spell plainly, and a value that is not one.
    tags: (i % 2 === 0 ? { 'we"ird\\key': 'yes', team: 'red' } : { team: '1' }) as Record<string, string>,
  }));
}

const FILTERS: Filter[] = [
  {},
  { from: new Date(T0 + 2 * HOUR), to: new Date(T0 + 9 * HOUR) },
  { from: new Date(T0 + 2 * HOUR + 1234), to: new Date(T0 + 9 * HOUR - 77_777) },
  { from: new Date(T0 + 6 * HOUR) },
  { to: new Date(T0 + 6 * HOUR) },
  { from: new Date(T0 + 3 * HOUR + 10), to: new Date(T0 + 3 * HOUR + 1_800_000) },
  { provider: 'anthropic' },
  { model: 'gpt-4o-mini', status: 'ok' },
  { agent: 'trader' },
  { run: 'AAPL' },
  { status: 'error' },
  { tags: { team: 'red' } },
  { tags: { team: 'blue', user: 'bo' } },
  { agent: 'news_agent', from: new Date(T0 + 30 * 60_000), to: new Date(T0 + 20 * HOUR + 5) },
  { model: 'no-such-model' },
  { tags: { 'we"ird\\key': 'yes' } },
  { tags: { team: '1' } },
  // Several values, exclusions (a call without the field is kept), and both at once.
  { model: ['gpt-4o', 'claude-haiku-4'] },
  { provider: ['gemini', 'anthropic'], status: 'ok' },
  { agent: ['trader', 'news_agent'], run: ['AAPL', 'NVDA'] },
  { exclude: { agent: ['trader'] } },
  { exclude: { model: ['gpt-4o', 'gpt-4o-mini'], provider: ['google'] } },
  { exclude: { run: ['AAPL'] }, from: new Date(T0 + 2 * HOUR + 1234) },
  { tags: { team: ['red', 'blue'] } },
  { tags: { user: ['ana', 'cy'] }, exclude: { tags: { team: ['red'] } } },
  { exclude: { tags: { team: ['blue'], user: ['bo'] } } },
  // Tags with named runs (the runs list's wall times and page figures): the tag is looked up per event.
  { run: ['AAPL', 'NVDA'], tags: { team: 'red' } },
  { run: 'AAPL', exclude: { tags: { team: ['red'] } }, from: new Date(T0 + 3 * HOUR) },
  { run: ['NVDA', 'no-such-run'], tags: { team: ['red', '1'] }, to: new Date(T0 + 6 * HOUR) },
  { model: [] },
  { agent: ['news_agent'], exclude: { agent: ['news_agent'] } },
];

const GROUPINGS: { groupBy: GroupKey[]; interval?: Interval }[] = [
  { groupBy: [] },
  { groupBy: ['provider'] },
  { groupBy: ['model'] },
  { groupBy: ['agent'] },
  { groupBy: ['run'] },
  { groupBy: ['status'] },
  { groupBy: ['bucket'], interval: '1h' },
  { groupBy: ['bucket'], interval: '1d' },
  { groupBy: ['bucket'], interval: '1m' },
  { groupBy: ['agent', 'model'] },
  { groupBy: ['model', 'bucket'], interval: '1h' },
  { groupBy: ['provider', 'model', 'agent', 'run', 'status', 'bucket'], interval: '1d' },
  { groupBy: ['tag:team'] },
  { groupBy: ['tag:user', 'model'] },
  { groupBy: ['agent', 'tag:team'] },
  { groupBy: ['tag:team', 'tag:user'] },
  { groupBy: ['tag:we"ird\\key'] },
  { groupBy: ['tag:team', 'bucket'], interval: '1h' },
  { groupBy: ['errorType', 'errorStatus'] },
  { groupBy: ['errorStatus', 'model'] },
];

/** Registers the contract suite for one store. */
export function runStoreContract(name: string, hooks: ContractHooks): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    const events = generateEvents({ seed: 42, count: 1500, startMs: T0, spanMs: 26 * HOUR });
    const all = [...events];

    beforeAll(async () => {
      store = await hooks.open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('inserts, counts only new ids, and is idempotent on re-insert', async () => {
      expect(await store.insert(events.slice(0, 1000))).toBe(1000);
      // Overlapping batch: 500 old ids, 500 new, one new id twice in the same call.
      const batch = [...events.slice(500, 1500), events[1499] as UsageEvent];
      expect(await store.insert(batch)).toBe(500);
      expect(await store.insert(events.slice(0, 10))).toBe(0);
      expect(await store.insert([])).toBe(0);
      const boundary = boundaryEvents(events[0] as UsageEvent);
      expect(await store.insert(boundary)).toBe(4);
      all.push(...boundary);
      const [total] = await store.aggregate({ filter: {}, groupBy: [] });
      expect(total?.calls).toBe(all.length);
    });

    it('reads events back exactly as inserted', async () => {
      const seen: UsageEvent[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.events({ filter: {}, limit: 500, ...(cursor === undefined ? {} : { cursor }) });
        seen.push(...page.events);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      const byId = new Map(all.map((e) => [e.id, e]));
      expect(seen).toHaveLength(all.length);
      for (const event of seen) expect(event).toEqual(byId.get(event.id));
    });

    it('finds the events of a set of traces, and only those', async () => {
      const traced = all.filter((event) => event.trace !== undefined);
      const asked = [traced[0]!.trace!.traceId, traced[5]!.trace!.traceId, 'f'.repeat(32)];
      const expected = traced
        .filter((event) => asked.includes(event.trace!.traceId))
        .map((event) => ({ id: event.id, traceId: event.trace!.traceId, spanId: event.trace!.spanId }));
      expect(expected.length).toBeGreaterThanOrEqual(2);
      const rows = await store.traceSpans(asked);
      expect(rows.sort((a, b) => a.id.localeCompare(b.id))).toEqual(expected.sort((a, b) => a.id.localeCompare(b.id)));
      expect(await store.traceSpans([])).toEqual([]);
      await expect(store.traceSpans(Array.from({ length: 1001 }, () => 'a'.repeat(32)))).rejects.toThrow(
        /at most 1000 trace ids/,
      );
    });

    it('aggregates every filter x grouping exactly like the brute-force reference', async () => {
      let compared = 0;
      for (const filter of FILTERS) {
        for (const grouping of GROUPINGS) {
          const query: AggregateQuery = { filter, ...grouping };
          const expected = referenceAggregate(all, query);
          const actual = await store.aggregate(query);
          expect(actual, JSON.stringify({ filter, grouping })).toEqual(expected);
          compared += actual.length;
        }
      }
      expect(compared).toBeGreaterThan(1000);
    });

    it('ranks groups by cost, tokens, calls, latency and recency, paged, exactly like the brute-force reference', async () => {
      const orders: RankOrder[] = ['cost', 'tokens', 'calls', 'latency', 'recent'];
      const groupings: GroupKey[][] = [
        ['run'],
        ['agent'],
        ['model'],
        ['tag:team'],
        ['agent', 'model'],
        ['tag:user', 'run'],
        ['errorType', 'provider'],
      ];
      const filters: Filter[] = [
        {},
        { from: new Date(T0 + 2 * HOUR + 1234), to: new Date(T0 + 20 * HOUR - 77) },
        { tags: { team: ['red', 'blue'] } },
        { exclude: { agent: ['trader'] }, status: 'ok' },
      ];
      let compared = 0;
      for (const filter of filters) {
        for (const groupBy of groupings) {
          for (const orderBy of orders) {
            const query: RankQuery = { filter, groupBy, orderBy, limit: 5, offset: 2 };
            expect(await store.rank(query), JSON.stringify(query)).toEqual(referenceRank(all, query));
            compared++;
          }
        }
      }
      expect(compared).toBe(140);
      // Pages of 3 put together are the whole ranking; a page past the end still counts them all.
      const whole = referenceRank(all, { filter: {}, groupBy: ['agent', 'run'], orderBy: 'cost', limit: 10_000 });
      const paged = [];
      for (let offset = 0; offset < whole.total; offset += 3)
        paged.push(
          ...(await store.rank({ filter: {}, groupBy: ['agent', 'run'], orderBy: 'cost', limit: 3, offset })).keys,
        );
      expect(paged).toEqual(whole.keys);
      // AAPL, MSFT, NVDA and the calls without a run.
      expect(await store.rank({ filter: {}, groupBy: ['run'], orderBy: 'cost', limit: 5, offset: 1000 })).toEqual({
        keys: [],
        total: 4,
      });
      expect(await store.rank({ filter: { model: 'none' }, groupBy: ['run'], orderBy: 'cost', limit: 5 })).toEqual({
        keys: [],
        total: 0,
      });
      for (const bad of [
        { groupBy: [] as GroupKey[] },
        { groupBy: ['bucket'] as GroupKey[] },
        { groupBy: ['run', 'agent', 'model'] as GroupKey[] },
        { limit: 0 },
        { limit: 10_001 },
        { offset: -1 },
        { orderBy: 'fame' as RankOrder },
      ])
        await expect(
          store.rank({ filter: {}, groupBy: ['run'], orderBy: 'cost', limit: 5, ...bad }),
        ).rejects.toBeInstanceOf(ValidationError);
    });

    it('ranks runs over whole runs (the run rollup) like the reference, paged, through batches, re-sent ids and re-pricing', async () => {
      // 40 runs (one named '', beside the calls without one), two of them tied on every figure.
      const extra: UsageEvent[] = [];
      for (let i = 0; i < 150; i++) {
        const base = events[(i * 7) % events.length] as UsageEvent;
        extra.push({ ...base, id: `runs-${String(i).padStart(3, '0')}`, run: i % 40 === 39 ? '' : `run-${i % 37}` });
      }
      const template = events[3] as UsageEvent;
      extra.push({ ...template, id: 'runs-tie-1', run: 'tie-b' }, { ...template, id: 'runs-tie-2', run: 'tie-a' });
      // Small inserts (SQLite: rolled up after the commit), a batch (rolled up in it), and re-sent ids.
      for (const event of extra.slice(0, 6)) expect(await store.insert([event])).toBe(1);
      expect(await store.insert(extra.slice(0, 90))).toBe(84);
      expect(await store.insert([...extra.slice(60), ...extra.slice(80, 85)])).toBe(extra.length - 90);
      expect(await store.insert(extra.slice(100, 103))).toBe(0);
      all.push(...extra);

      const orders: RankOrder[] = ['cost', 'tokens', 'calls', 'latency', 'recent'];
      const filters: Filter[] = [
        {},
        { run: ['run-3', 'run-10', '', 'tie-a', 'no-such-run'] },
        { exclude: { run: ['run-0', 'AAPL', ''] } },
        { run: 'tie-b' },
        { run: [] },
      ];
      const rankedLikeReference = async (when: string): Promise<void> => {
        for (const filter of filters) {
          for (const orderBy of orders) {
            const query: RankQuery = { filter, groupBy: ['run'], orderBy, limit: 10_000 };
            const whole = referenceRank(all, query);
            const keys = [];
            for (let offset = 0; offset < whole.total; offset += 7) {
              const page = await store.rank({ ...query, limit: 7, offset });
              expect(page.total, `${when} ${JSON.stringify({ ...query, offset })}`).toBe(whole.total);
              keys.push(...page.keys);
            }
            expect(keys, `${when} ${JSON.stringify(query)}`).toEqual(whole.keys);
          }
        }
      };
      expect(referenceRank(all, { filter: {}, groupBy: ['run'], orderBy: 'cost', limit: 1 }).total).toBe(44);
      await rankedLikeReference('after the inserts');

      // Re-pricing changes costs (an unpriced call among them gets one); the ranking follows.
      const nanos = (n: number): number => n / 1e9;
      const cost = (i: number) => {
        const input = 1_000_000 * (i + 1) + 17;
        const output = 3_000_000 * ((i * 5) % 11);
        return {
          input: nanos(input),
          cacheRead: 0,
          cacheWrite: 0,
          output: nanos(output),
          total: nanos(input + output),
          currency: 'USD' as const,
          totalNanos: input + output,
          cacheSavings: 0,
        };
      };
      const repriced = extra.filter((_, i) => i % 4 === 1);
      expect(repriced.some((event) => event.cost === null)).toBe(true);
      const changes = repriced.map((event, i) => ({
        id: event.id,
        cost: cost(i),
        priceSource: 'override',
        pricedAt: '2026-02-01T00:00:00.000Z',
      }));
      expect(await store.reprice(changes)).toBe(changes.length);
      expect(await store.reprice(changes)).toBe(0);
      const byId = new Map(changes.map((change) => [change.id, change]));
      for (const [i, event] of all.entries()) {
        const change = byId.get(event.id);
        if (change === undefined) continue;
        const { costUnavailableReason: _, ...rest } = event;
        all[i] = { ...rest, cost: change.cost, priceSource: change.priceSource, pricedAt: change.pricedAt };
      }
      await rankedLikeReference('after re-pricing');
      const query: AggregateQuery = { filter: {}, groupBy: ['run'] };
      expect(await store.aggregate(query)).toEqual(referenceAggregate(all, query));
    });

    it('returns no row when nothing matches, and puts boundary events in the right bucket', async () => {
      expect(await store.aggregate({ filter: { model: 'none' }, groupBy: [] })).toEqual([]);
      const sixOClock = await store.aggregate({
        filter: { from: new Date(T0 + 6 * HOUR), to: new Date(T0 + 6 * HOUR + 1) },
        groupBy: [],
      });
      expect(sixOClock.map((r) => r.calls)).toEqual([all.filter((e) => Date.parse(e.time) === T0 + 6 * HOUR).length]);
      const buckets = await store.aggregate({
        filter: { from: new Date(T0 + 5 * HOUR), to: new Date(T0 + 7 * HOUR) },
        groupBy: ['bucket'],
        interval: '1h',
      });
      expect(buckets.map((r) => r.key.bucket)).toEqual(['2026-01-05T05:00:00.000Z', '2026-01-05T06:00:00.000Z']);
    });

    it('pages newest first with a cursor, under a filter', async () => {
      const filter: Filter = { agent: 'trader', from: new Date(T0 + HOUR + 5) };
      const expected = all
        .filter((e) => matchesFilter(e, filter))
        .sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || (a.id < b.id ? 1 : -1))
        .map((e) => e.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.events({ filter, limit: 37, ...(cursor === undefined ? {} : { cursor }) });
        seen.push(...page.events.map((e) => e.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== undefined);
      expect(seen).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / 37));
      await expect(store.events({ filter: {}, limit: 5, cursor: 'garbage!' })).rejects.toBeInstanceOf(ValidationError);
      await expect(store.events({ filter: {}, limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    });

    it('pages calls sorted by cost, latency, tokens and time, under every filter, as the reference', async () => {
      // Ties on every figure and on the time: the id decides.
      const template = events[5] as UsageEvent;
      const ties = ['tie-a', 'tie-c', 'tie-b'].map((id) => ({ ...template, id }));
      expect(await store.insert(ties)).toBe(3);
      all.push(...ties);
      for (const orderBy of CALL_ORDERS) {
        for (const filter of FILTERS) {
          const expected = referenceCalls(all, filter, orderBy).map((e) => e.id);
          const seen: string[] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = await store.events({
              filter,
              orderBy,
              limit: 97,
              ...(cursor === undefined ? {} : { cursor }),
            });
            seen.push(...page.events.map((e) => e.id));
            cursor = page.nextCursor;
            pages++;
          } while (cursor !== undefined && pages < 100);
          expect(seen, `${orderBy} ${JSON.stringify(filter)}`).toEqual(expected);
          expect(pages).toBe(Math.max(1, Math.ceil(expected.length / 97)));
        }
      }
      const tied = await store.events({ filter: {}, orderBy: 'cost', limit: 2000 });
      const at = tied.events.findIndex((e) => e.id.startsWith('tie-'));
      expect(tied.events.slice(at, at + 3).map((e) => e.id)).toEqual(['tie-c', 'tie-b', 'tie-a']);
    });

    it('refuses a cursor of another order, and an unknown order', async () => {
      const byCost = await store.events({ filter: {}, orderBy: 'cost', limit: 3 });
      const byTime = await store.events({ filter: {}, limit: 3 });
      const cursor = byCost.nextCursor as string;
      await expect(store.events({ filter: {}, orderBy: 'latency', limit: 3, cursor })).rejects.toThrow(
        'cursor is from a page sorted by cost, not latency',
      );
      await expect(store.events({ filter: {}, limit: 3, cursor })).rejects.toThrow(
        'cursor is from a page sorted by cost, not time',
      );
      await expect(
        store.events({ filter: {}, orderBy: 'tokens', limit: 3, cursor: byTime.nextCursor as string }),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(store.events({ filter: {}, orderBy: 'size' as never, limit: 3 })).rejects.toMatchObject({
        field: 'orderBy',
      });
    });

    it('reads one event by id', async () => {
      const wanted = all[17] as UsageEvent;
      expect(await store.event(wanted.id)).toEqual(wanted);
      expect(await store.event('no-such-id')).toBeUndefined();
    });

    it('skips percentiles when asked to, keeping every sum', async () => {
      const query: AggregateQuery = { filter: {}, groupBy: ['model'], percentiles: false };
      const rows = await store.aggregate(query);
      const none = { p50: undefined, p95: undefined, p99: undefined, approximate: false };
      expect(rows).toEqual(referenceAggregate(all, query).map((row) => ({ ...row, duration: none, ttft: none })));
    });

    it('refuses an event whose time is not a date, storing nothing of its batch', async () => {
      const good = { ...(events[0] as UsageEvent), id: 'bad-batch-good' };
      const bad = { ...(events[1] as UsageEvent), id: 'bad-batch-bad', time: 'yesterday' };
      await expect(store.insert([good, bad])).rejects.toBeInstanceOf(ValidationError);
      const page = await store.events({
        filter: { from: new Date(good.time), to: new Date(Date.parse(good.time) + 1) },
        limit: 100,
      });
      expect(page.events.map((e) => e.id)).not.toContain('bad-batch-good');
    });

    it('keeps dead letters with their reason, newest first, once per id, whatever the event holds', async () => {
      expect(await store.countDeadLetters()).toBe(0);
      expect(await store.deadLetters({ limit: 10 })).toEqual([]);
      // What made a store refuse an event (a NUL, numbers beyond bigint) must not refuse its dead letter.
      const poison: UsageEvent = {
        ...(events[2] as UsageEvent),
        id: 'dead-1',
        tags: { team: 'a\u0000b' },
        durationMs: 1e17,
        providerCost: 1e12,
      };
      const letters = [
        {
          id: 'dead-1',
          time: '2026-01-05T10:00:00.000Z',
          reason: 'invalid byte sequence for encoding "UTF8": 0x00',
          event: poison,
        },
        {
          id: 'dead-2',
          time: '2026-01-05T11:00:00.000Z',
          reason: 'check constraint',
          event: { ...poison, id: 'dead-2' },
        },
        {
          id: 'dead-3',
          time: '2026-01-05T11:00:00.000Z',
          reason: 'value out of range',
          event: { ...poison, id: 'dead-3' },
        },
      ];
      expect(await store.insertDeadLetters(letters)).toBe(3);
      expect(await store.insertDeadLetters([{ ...letters[0]!, reason: 'again' }])).toBe(0);
      expect(await store.insertDeadLetters([])).toBe(0);
      expect(await store.countDeadLetters()).toBe(3);
      expect(await store.deadLetters({ limit: 10 })).toEqual([letters[2], letters[1], letters[0]]);
      expect(await store.deadLetters({ limit: 1, offset: 1 })).toEqual([letters[1]]);
      await expect(store.deadLetters({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
      await expect(store.deadLetters({ limit: 5, offset: -1 })).rejects.toThrow(/offset/);
      // Dead letters are not events: no aggregate or page counts them.
      expect((await store.events({ filter: {}, limit: 10_000 })).events.map((e) => e.id)).not.toContain('dead-1');
    });

    it('refuses a bucket grouping without an interval', async () => {
      await expect(store.aggregate({ filter: {}, groupBy: ['bucket'] })).rejects.toBeInstanceOf(ValidationError);
    });

    it('deletes by filter, returns the count, and keeps the rollups consistent', async () => {
      const filter: Filter = { agent: 'trader', from: new Date(T0 + 3 * HOUR + 999), to: new Date(T0 + 12 * HOUR + 5) };
      const doomed = all.filter((e) => matchesFilter(e, filter));
      expect(doomed.length).toBeGreaterThan(20);
      expect(await store.delete(filter)).toBe(doomed.length);
      const remaining = all.filter((e) => !matchesFilter(e, filter));
      all.length = 0;
      all.push(...remaining);
      for (const grouping of GROUPINGS.slice(0, 8)) {
        // The deleted events' tag rows went with them.
        for (const grouping of [
          { groupBy: ['tag:team'] as GroupKey[] },
          { groupBy: ['tag:user', 'agent'] as GroupKey[] },
        ]) {
          for (const f of [{}, { tags: { team: 'red' } }]) {
            const query = { filter: f, ...grouping };
            expect(await store.aggregate(query), JSON.stringify(query)).toEqual(referenceAggregate(all, query));
          }
        }
        for (const f of [{}, { agent: 'trader' }, { from: new Date(T0 + 3 * HOUR), to: new Date(T0 + 13 * HOUR) }]) {
          const query = { filter: f, ...grouping };
          expect(await store.aggregate(query), JSON.stringify(query)).toEqual(referenceAggregate(all, query));
        }
      }
      // The runs the delete touched are recomputed from the events left (a run may be gone).
      for (const orderBy of ['cost', 'latency', 'recent'] as const) {
        const query: RankQuery = { filter: {}, groupBy: ['run'], orderBy, limit: 10_000 };
        expect(await store.rank(query), JSON.stringify(query)).toEqual(referenceRank(all, query));
      }
      expect(await store.delete({ run: ['run-5', 'tie-a'] })).toBeGreaterThan(0);
      expect(await store.delete({ run: [''] })).toBeGreaterThan(0);
      const left = all.filter((e) => !['run-5', 'tie-a', ''].includes(e.run ?? 'none'));
      all.length = 0;
      all.push(...left);
      for (const orderBy of ['cost', 'calls'] as const) {
        const query: RankQuery = { filter: {}, groupBy: ['run'], orderBy, limit: 10_000 };
        expect(await store.rank(query), JSON.stringify(query)).toEqual(referenceRank(all, query));
      }
      expect(await store.delete({ model: 'none' })).toBe(0);
    });

    if (hooks.reopen !== undefined) {
      const reopen = hooks.reopen;
      it('reopens: migrations are idempotent and the data is still there', async () => {
        await store.close();
        store = await reopen();
        const again = await reopen();
        await again.close();
        const [total] = await store.aggregate({ filter: {}, groupBy: [] });
        expect(total).toEqual(referenceAggregate(all, { filter: {}, groupBy: [] })[0]);
        await store.ping();
      });
    }

    it('gives every filter x grouping the reference histogram percentiles, through each latency cut, before and after a delete', async () => {
      // Every query over the limit (0): each metric's percentiles come from the histogram, read
      // from the latency cut that keeps what the query names (all, model, agent), the full-key
      // tables (agent x model, status) or raw bins (edges, runs, tags). Batches of every size:
      // SQLite rolls small ones up in the pending apply, large ones in the insert.
      const histogram = await hooks.open({ exactPercentileLimit: 0 });
      try {
        const sample = [
          ...generateEvents({ seed: 42, count: 1500, startMs: T0, spanMs: 26 * HOUR }),
          ...boundaryEvents(events[0] as UsageEvent),
        ];
        for (const [from, to] of [
          [0, 3],
          [3, 20],
          [20, 900],
          [900, 905],
          [905, sample.length],
        ] as const)
          await histogram.insert(sample.slice(from, to));
        const options = { exactPercentileLimit: 0 };
        let compared = 0;
        for (const filter of FILTERS) {
          for (const grouping of GROUPINGS) {
            const query: AggregateQuery = { filter, ...grouping };
            const actual = await histogram.aggregate(query);
            expect(actual, JSON.stringify(query)).toEqual(referenceAggregate(sample, query, options));
            compared += actual.filter((row) => row.duration.approximate).length;
          }
        }
        expect(compared).toBeGreaterThan(1000);
        // A delete takes its events' bins out of every cut (the hours and days it touched).
        const doomed: Filter = { model: 'gpt-4o', from: new Date(T0 + 2 * HOUR + 17), to: new Date(T0 + 25 * HOUR) };
        const left = sample.filter((e) => !matchesFilter(e, doomed));
        expect(await histogram.delete(doomed)).toBe(sample.length - left.length);
        for (const filter of [{}, { model: 'gpt-4o' }, { agent: 'trader' }, { provider: 'openai' }]) {
          for (const grouping of GROUPINGS.slice(0, 11)) {
            const query: AggregateQuery = { filter, ...grouping };
            expect(await histogram.aggregate(query), JSON.stringify(query)).toEqual(
              referenceAggregate(left, query, options),
            );
          }
        }
      } finally {
        await histogram.close();
      }
    });

    it('reads large-query percentiles from the histogram, within the documented error', async () => {
      const small = await hooks.open({ exactPercentileLimit: 100 });
      try {
        // Three days, so whole days (daily histogram), whole hours and raw edges all take part.
        const sample = generateEvents({
          seed: 7,
          count: 1200,
          startMs: T0 - 5 * HOUR,
          spanMs: 75 * HOUR,
          idPrefix: 'h',
        });
        await small.insert(sample);
        const queries: AggregateQuery[] = [
          { filter: {}, groupBy: ['model'] },
          { filter: { from: new Date(T0 + HOUR + 1), to: new Date(T0 + 4 * HOUR - 1) }, groupBy: [] },
          { filter: { from: new Date(T0 - 2 * HOUR - 5), to: new Date(T0 + 50 * HOUR + 7) }, groupBy: ['status'] },
          { filter: { from: new Date(T0 - 3 * HOUR) }, groupBy: ['bucket'], interval: '1d' },
          { filter: {}, groupBy: ['bucket'], interval: '1h' },
          { filter: { tags: { team: 'red' } }, groupBy: ['agent'] },
          { filter: { from: new Date(T0 - HOUR) }, groupBy: ['agent', 'provider'] },
        ];
        for (const query of queries) {
          const expected = referenceAggregate(sample, query);
          const actual = await small.aggregate(query);
          expect(actual.map((r) => r.calls)).toEqual(expected.map((r) => r.calls));
          // Over the limit of 100 values the percentiles are the histogram's, and say so.
          const durations = expected.reduce((n, r) => n + r.durationCount, 0);
          const ttfts = expected.reduce((n, r) => n + r.ttftCount, 0);
          actual.forEach((row, i) => {
            const ref = expected[i];
            expect(row.duration.approximate).toBe(durations > 100 && row.durationCount > 0);
            expect(row.ttft.approximate).toBe(ttfts > 100 && row.ttftCount > 0);
            for (const metric of ['duration', 'ttft'] as const) {
              for (const p of ['p50', 'p95', 'p99'] as const) {
                const exact = ref?.[metric][p];
                const approx = row[metric][p];
                if (exact === undefined) {
                  expect(approx).toBeUndefined();
                  continue;
                }
                expect(
                  Math.abs((approx as number) - exact) / exact,
                  `${metric} ${p} ${approx} vs ${exact}`,
                ).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR + 1e-9);
              }
            }
            expect(row.durationSumMs).toBe(ref?.durationSumMs);
          });
        }
      } finally {
        await small.close();
      }
    });
  });
}
