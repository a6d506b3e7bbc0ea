/**
 * Latency and errors over time, and failures grouped by what went wrong, in a real browser over
 * a real server: the overview's latency panel shows, bucket by bucket, the p50, p95 and error
 * rate GET /analytics/tokens/timeseries?percentiles=true answers; the failures view's tables
 * (error type, HTTP status, model, provider) show the breakdown API's counts with their rates,
 * under a totals line. No console error.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '#src/server/index.js';
import type { Breakdown, Timeseries } from '#src/types/index.js';
import {
  api,
  buildDashboard,
  closePage,
  consoleErrors,
  launch,
  newPage,
  open,
  page,
  serve,
  tableKeys,
  tearDown,
} from './harness.js';
import { seedStore } from './seed.js';

const T0 = Date.parse('2026-03-01T08:00:00Z');
let server: RunningServer;

beforeAll(async () => {
  await buildDashboard();
  server = await serve('charts');
  await seedStore(server.store, { count: 400, start: T0, spanMs: 2 * 86_400_000 });
  await launch();
}, 120_000);
afterAll(tearDown);
afterEach(closePage);

async function column(table: string, col: string): Promise<(number | null)[]> {
  return page.$$eval(`table[data-table="${table}"] tbody tr [data-col="${col}"] .num`, (nodes) =>
    nodes.map((node) => {
      const raw = (node as HTMLElement).dataset['value'] ?? '';
      return raw === '' ? null : Number(raw);
    }),
  );
}

describe('charts and failures', () => {
  it("the overview's latency panel shows the API's per-bucket p50, p95 and error rate", async () => {
    await newPage();
    await open('?refresh=0');
    await page.waitForSelector('[data-testid="latency-chart"][aria-busy="false"] .chart');
    const interval = await page.getAttribute('[data-testid="latency-chart"]', 'data-interval');
    expect(interval).toBe('1h');
    const series = await api<Timeseries>(`/analytics/tokens/timeseries?interval=${interval}&percentiles=true`);
    expect(series.buckets.length).toBeGreaterThan(40);
    expect(await tableKeys('latency')).toEqual(series.buckets.map((b) => b.start));
    expect(await column('latency', 'p50')).toEqual(series.buckets.map((b) => b.latency.p50Ms));
    expect(await column('latency', 'p95')).toEqual(series.buckets.map((b) => b.latency.p95Ms));
    expect(await column('latency', 'errors')).toEqual(series.buckets.map((b) => b.errorRate));
    expect(series.buckets.some((b) => (b.errorRate ?? 0) > 0)).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('the failures view groups failures by error type, HTTP status, model and provider, with rates', async () => {
    await newPage();
    await open('?view=failures&refresh=0');
    const all = await api<Breakdown>('/analytics/tokens/breakdown?by=status');
    const calls = all.groups.reduce((n, g) => n + g.calls, 0);
    const failures = all.groups.reduce((n, g) => n + g.failures, 0);
    expect(failures).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid="failure-totals"]')).toMatch(
      new RegExp(`^${failures} failed of ${calls} calls \\(${((failures / calls) * 100).toFixed(1)}%\\)`),
    );
    for (const dimension of ['errorType', 'errorStatus'] as const) {
      const kinds = await api<Breakdown>(`/analytics/tokens/breakdown?by=${dimension}&status=error&sort=calls`);
      const shown = kinds.groups.slice(0, 10);
      expect(await tableKeys(`failures-by-${dimension}`)).toEqual(shown.map((g) => g.key[dimension] ?? '(none)'));
      expect(await column(`failures-by-${dimension}`, 'failures')).toEqual(shown.map((g) => g.failures));
      expect(await column(`failures-by-${dimension}`, 'rate')).toEqual(shown.map((g) => g.failures / calls));
    }
    const models = (await api<Breakdown>('/analytics/tokens/breakdown?by=model&limit=1000')).groups
      .filter((g) => g.failures > 0)
      .sort((a, b) => b.failures - a.failures || b.failures / b.calls - a.failures / a.calls);
    expect(await tableKeys('failures-by-model')).toEqual(models.slice(0, 10).map((g) => g.key['model']));
    expect(await column('failures-by-model', 'rate')).toEqual(models.slice(0, 10).map((g) => g.failures / g.calls));
    expect(consoleErrors).toEqual([]);
  });
});
