/**
 * Latency and errors over time (issue 13 item 6) in GET /analytics/tokens/timeseries on every
 * store: with `percentiles=true` each bucket's latency and time-to-first-token p50/p95 equal a
 * nearest-rank computation over that bucket's raw events, and `errorRate` is its failures over
 * its calls (`null` in an empty bucket).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Timeseries, UsageEvent } from '#src/types/index.js';
import { testStores } from '../analytics/stores.js';
import { generateEvents } from '../store/generate.js';
import { referenceAggregate } from '../store/reference.js';
import { makeApp, type TestApp } from './helpers.js';

const T0 = Date.UTC(2026, 1, 9);
const HOUR = 3_600_000;
// Two spells of calls with an empty hour between them.
const EVENTS: UsageEvent[] = [
  ...generateEvents({ seed: 5, count: 400, startMs: T0, spanMs: 5 * HOUR }),
  ...generateEvents({ seed: 6, count: 200, startMs: T0 + 7 * HOUR, spanMs: 3 * HOUR, idPrefix: 'late' }),
];

for (const kind of testStores('tl_ts_latency')) {
  describe(`latency and error rate over time on ${kind.kind}`, () => {
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

    it.each([
      ['interval=1h&percentiles=true', {}],
      ['interval=1h&percentiles=true&agent=trader', { agent: 'trader' }],
      ['interval=1h&percentiles=true&tag.team=red', { tags: { team: 'red' } }],
    ])('?%s: per-bucket p50/p95, TTFT and error rate as the raw events give them', async (query, filter) => {
      const response = await app.request(`/analytics/tokens/timeseries?${query}`);
      expect(response.status).toBe(200);
      const series = (await response.json()) as Timeseries;
      const reference = new Map(
        referenceAggregate(EVENTS, { filter, groupBy: ['bucket'], interval: '1h' }).map((row) => [row.key.bucket, row]),
      );
      expect(series.buckets.length).toBe(10);
      expect(series.buckets.filter((bucket) => bucket.calls > 0).length).toBe(reference.size);
      for (const bucket of series.buckets) {
        const ref = reference.get(bucket.start);
        if (ref === undefined) {
          expect([bucket.calls, bucket.errorRate, bucket.latency.p50Ms]).toEqual([0, null, null]);
          continue;
        }
        expect(bucket.errorRate).toBe(ref.failures / ref.calls);
        expect([bucket.latency.p50Ms, bucket.latency.p95Ms, bucket.latency.percentilesApproximate]).toEqual([
          ref.duration.p50 ?? null,
          ref.duration.p95 ?? null,
          false,
        ]);
        expect([bucket.timeToFirstToken.count, bucket.timeToFirstToken.p50Ms, bucket.timeToFirstToken.p95Ms]).toEqual([
          ref.ttftCount,
          ref.ttft.p50 ?? null,
          ref.ttft.p95 ?? null,
        ]);
      }
      expect(series.buckets.some((bucket) => (bucket.errorRate ?? 0) > 0)).toBe(true);
    });
  });
}
