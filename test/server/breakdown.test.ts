/**
 * GET /analytics/tokens/breakdown over a seeded ledger on every store: groups by any one or two
 * dimensions (tag keys included), with repeated and excluded filter values, ranked and paged,
 * equal to a brute-force computation from the raw events (test/store/reference.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregateRow, GroupKey } from '#src/store/index.js';
import type { Breakdown, Filter, UsageEvent } from '#src/types/index.js';
import { testStores } from '../analytics/stores.js';
import { generateEvents } from '../store/generate.js';
import { referenceAggregate, referenceRank } from '../store/reference.js';
import { makeApp, type TestApp } from './helpers.js';

const T0 = Date.UTC(2026, 1, 2);
const EVENTS: UsageEvent[] = generateEvents({ seed: 13, count: 900, startMs: T0, spanMs: 30 * 3_600_000 });

type Sort = 'cost' | 'tokens' | 'calls' | 'latency';

/** The expected page, from the reference rows: largest figure first, then cost, tokens, calls, name. */
function expected(filter: Filter, by: GroupKey[], sort: Sort, offset: number, limit: number) {
  const rows = referenceAggregate(EVENTS, { filter, groupBy: by });
  const total = rows.reduce((n, row) => n + row.costNanos, 0);
  const name = (row: AggregateRow) => {
    const parts = by.map((key) => row.key[key] ?? null);
    return parts.every((p) => p === null) ? null : parts.map((p) => p ?? '').join('\u0000');
  };
  const figure = (row: AggregateRow): number =>
    sort === 'cost'
      ? row.costNanos
      : sort === 'tokens'
        ? row.totalTokens
        : sort === 'calls'
          ? row.calls
          : row.durationCount === 0
            ? Number.NEGATIVE_INFINITY
            : row.durationSumMs / row.durationCount;
  const sorted = [...rows].sort((a, b) => {
    const d = figure(b) - figure(a) || b.costNanos - a.costNanos || b.totalTokens - a.totalTokens || b.calls - a.calls;
    if (d !== 0) return d;
    const x = name(a);
    const y = name(b);
    return x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1;
  });
  return {
    total: rows.length,
    groups: sorted.slice(offset, offset + limit).map((row) => ({
      key: row.key,
      calls: row.calls,
      costNanos: row.costNanos,
      costShare:
        row.unpricedCalls === row.calls && row.calls > row.usageUnavailableCalls ? null : row.costNanos / total,
    })),
  };
}

const CASES: { query: string; filter: Filter; by: GroupKey[]; sort?: Sort; offset?: number; limit?: number }[] = [
  { query: 'by=tag:team', filter: {}, by: ['tag:team'] },
  { query: 'by=tag:team&by=model', filter: {}, by: ['tag:team', 'model'] },
  { query: 'by=model&by=tag:user&sort=tokens', filter: {}, by: ['model', 'tag:user'], sort: 'tokens' },
  { query: 'by=agent&sort=calls&limit=2&offset=1', filter: {}, by: ['agent'], sort: 'calls', offset: 1, limit: 2 },
  { query: 'by=run&sort=latency', filter: {}, by: ['run'], sort: 'latency' },
  // Failures by what went wrong: error type and HTTP status, by model.
  { query: 'by=errorType&by=errorStatus&status=error', filter: { status: 'error' }, by: ['errorType', 'errorStatus'] },
  { query: 'by=errorStatus&by=model&sort=calls', filter: {}, by: ['errorStatus', 'model'], sort: 'calls' },
  {
    query: 'by=provider&model=gpt-4o&model=claude-sonnet-4',
    filter: { model: ['gpt-4o', 'claude-sonnet-4'] },
    by: ['provider'],
  },
  { query: 'by=tag:team&not.agent=trader', filter: { exclude: { agent: ['trader'] } }, by: ['tag:team'] },
  {
    query: 'by=agent&tag.user=ana&tag.user=bo&not.tag.team=red',
    filter: { tags: { user: ['ana', 'bo'] }, exclude: { tags: { team: ['red'] } } },
    by: ['agent'],
  },
  {
    query: `by=status&by=tag:team&from=${new Date(T0 + 3_600_000 + 17).toISOString()}&not.run=AAPL&not.run=MSFT`,
    filter: { from: new Date(T0 + 3_600_000 + 17), exclude: { run: ['AAPL', 'MSFT'] } },
    by: ['status', 'tag:team'],
  },
];

for (const kind of testStores('tl_breakdown')) {
  describe(`GET /analytics/tokens/breakdown on ${kind.kind}`, () => {
    let app: TestApp;
    beforeAll(async () => {
      const store = await kind.open();
      await store.insert(EVENTS);
      app = await makeApp({ store });
    });
    afterAll(async () => {
      await app.store.close();
      await kind.cleanup();
    });

    it.each(CASES)('$query equals the brute-force breakdown', async ({ query, filter, by, sort, offset, limit }) => {
      const response = await app.request(`/analytics/tokens/breakdown?${query}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as Breakdown;
      const want = expected(filter, by, sort ?? 'cost', offset ?? 0, limit ?? 100);
      expect(body.total).toBe(want.total);
      expect(body.by).toEqual(by);
      expect(
        body.groups.map((g) => ({ key: g.key, calls: g.calls, costNanos: g.cost.totalNanos, costShare: g.costShare })),
      ).toEqual(want.groups);
    });

    it.each([
      ['', 'by'],
      ['by=color', 'by'],
      ['by=model&by=agent&by=run', 'by'],
      ['by=model&by=model', 'by'],
      ['by=bucket', 'by'],
      ['by=model&sort=fame', 'sort'],
      ['by=model&limit=0', 'limit'],
      ['by=model&offset=-1', 'offset'],
      ['by=model&not.status=ok', 'not.status'],
      ['by=model&status=ok&status=error', 'status'],
      ['by=model&not.tag.=x', 'not.tag.'],
    ])('?%s is a 400 naming %s', async (query, field) => {
      const response = await app.request(`/analytics/tokens/breakdown?${query}`);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { field?: string } };
      expect(body.error.field).toBe(field);
    });
  });
}

/** 400 runs (and calls without one) over the same calls: the runs list must rank them all in the store. */
const MANY_RUNS: UsageEvent[] = EVENTS.map((event, i) => {
  const { run: _run, ...rest } = event;
  return i % 9 === 0 ? rest : { ...rest, run: `r${(i * 7919) % 400}` };
});

for (const kind of testStores('tl_runs_rank')) {
  describe(`GET /analytics/tokens/runs ranked in the store on ${kind.kind}`, () => {
    let app: TestApp;
    beforeAll(async () => {
      const store = await kind.open();
      await store.insert(MANY_RUNS);
      app = await makeApp({ store });
    });
    afterAll(async () => {
      await app.store.close();
      await kind.cleanup();
    });

    it.each([
      ['sort=cost&limit=10', 'cost', 10, 0],
      ['sort=cost&limit=7&offset=7', 'cost', 7, 7],
      ['sort=tokens&limit=5', 'tokens', 5, 0],
      ['sort=latency&limit=5&tag.team=red', 'latency', 5, 0],
      ['limit=10', 'recent', 10, 0],
    ] as const)('?%s lists the top runs of the whole ledger', async (query, sort, limit, offset) => {
      const filter: Filter = query.includes('tag.team') ? { tags: { team: 'red' } } : {};
      const response = await app.request(`/analytics/tokens/runs?${query}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        total: number;
        sort: string;
        runs: { run: string | null; calls: number; cost: { totalNanos: number }; costShare: number | null }[];
      };
      const want = referenceRank(MANY_RUNS, { filter, groupBy: ['run'], orderBy: sort, limit, offset });
      expect(body.sort).toBe(sort);
      expect(body.total).toBe(want.total);
      expect(body.total).toBeGreaterThan(filter.tags === undefined ? 300 : 100);
      expect(body.runs.map((r) => r.run)).toEqual(want.keys.map((k) => k.run ?? null));
      const rows = new Map(
        referenceAggregate(MANY_RUNS, { filter, groupBy: ['run'] }).map((r) => [r.key.run ?? null, r]),
      );
      const totalNanos = [...rows.values()].reduce((n, r) => n + r.costNanos, 0);
      for (const run of body.runs) {
        const ref = rows.get(run.run);
        expect([run.calls, run.cost.totalNanos]).toEqual([ref?.calls, ref?.costNanos]);
        // A run none of whose calls with usage has a price has no known share.
        const unknown = ref !== undefined && ref.unpricedCalls === ref.calls && ref.calls > ref.usageUnavailableCalls;
        expect(run.costShare).toBe(unknown ? null : (ref?.costNanos ?? 0) / totalNanos);
      }
    });

    it('the most expensive run of all comes first, not the most recent', async () => {
      const top = (await (await app.request('/analytics/tokens/runs?sort=cost&limit=1')).json()) as {
        runs: { run: string | null; cost: { totalNanos: number } }[];
      };
      const most = referenceAggregate(MANY_RUNS, { filter: {}, groupBy: ['run'] }).sort(
        (a, b) => b.costNanos - a.costNanos,
      )[0];
      expect(top.runs[0]?.cost.totalNanos).toBe(most?.costNanos);
    });

    it.each([
      ['sort=fame', 'sort'],
      ['offset=x', 'offset'],
      ['limit=0', 'limit'],
    ])('?%s is a 400 naming %s', async (query, field) => {
      const response = await app.request(`/analytics/tokens/runs?${query}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { field?: string } }).error.field).toBe(field);
    });
  });
}
