/**
 * The dashboard's group-by table and the runs list ranked by the server, in a real browser over
 * a real server: group by tag:team (and tag:team × model) shows what GET
 * /analytics/tokens/breakdown answers; the runs view sorted by cost shows the most expensive
 * run of the whole ledger, even one older than the 500 most recent runs. No console error.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '#src/server/index.js';
import type { Breakdown, RunStats, UsageEvent } from '#src/types/index.js';
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
  settled,
  tableKeys,
  tearDown,
} from './harness.js';
import { seedStore } from './seed.js';

const T0 = Date.parse('2026-03-01T08:00:00Z');
let server: RunningServer;

/** 600 cheap one-call runs after the seed, and one expensive run before all of them. */
function manyRuns(): UsageEvent[] {
  const call = (id: string, run: string, time: number, nanos: number): UsageEvent => ({
    id,
    time: new Date(time).toISOString(),
    provider: 'google',
    model: 'gemini-2.5-flash',
    run,
    tags: { team: 'batch' },
    usage: {
      inputTokens: 10,
      outputTokens: 5,
      totalTokens: 15,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    },
    cost: {
      input: nanos / 2e9,
      cacheRead: 0,
      cacheWrite: 0,
      output: nanos / 2e9,
      total: nanos / 1e9,
      currency: 'USD',
      totalNanos: nanos,
      cacheSavings: 0,
    },
    status: 'ok',
    attempts: 1,
    estimated: false,
  });
  const events = Array.from({ length: 600 }, (_, i) =>
    call(`01JRUNS${String(i).padStart(19, '0')}`, `batch-${i}`, T0 + 3 * 86_400_000 + i * 1000, 1000),
  );
  events.push(call('01JRUNSBIG0000000000000000', 'the-big-one', T0 - 86_400_000, 500_000_000_000));
  return events;
}

beforeAll(async () => {
  await buildDashboard();
  server = await serve('group-by');
  await seedStore(server.store, { count: 300, start: T0, spanMs: 2 * 86_400_000 });
  await server.store.insert(manyRuns());
  await launch();
}, 120_000);
afterAll(tearDown);
afterEach(closePage);

describe('group by anything, in the dashboard', () => {
  it('groups by tag:team as GET /analytics/tokens/breakdown answers, and by two dimensions from the form', async () => {
    await newPage();
    await open('?group=tag:team&refresh=0');
    const expected = await api<Breakdown>('/analytics/tokens/breakdown?by=tag:team');
    // batch holds the $500 run.
    expect(expected.groups.map((g) => g.key['tag:team'])).toEqual(['batch', 'quant', 'research']);
    expect(await tableKeys('groups')).toEqual(expected.groups.map((g) => g.key['tag:team'] ?? '(none)'));
    const cells = await page.$$eval('table[data-table="groups"] tbody tr [data-col="cost"] .num', (nodes) =>
      nodes.map((node) => Number((node as HTMLElement).dataset['value'])),
    );
    expect(cells).toEqual(expected.groups.map((g) => g.cost.total));
    const shares = await page.$$eval('table[data-table="groups"] tbody tr [data-col="share"] .num', (nodes) =>
      nodes.map((node) => Number((node as HTMLElement).dataset['value'])),
    );
    expect(shares).toEqual(expected.groups.map((g) => g.costShare));

    await page.fill('#group-by', 'tag:team, model');
    await page.click('.group-form button');
    await page.waitForURL(/group=tag%3Ateam&group=model/);
    await settled();
    const two = await api<Breakdown>('/analytics/tokens/breakdown?by=tag:team&by=model');
    expect(await tableKeys('groups')).toEqual(two.groups.map((g) => `${g.key['tag:team']} × ${g.key['model']}`));

    await page.fill('#group-by', 'color');
    await page.click('.group-form button');
    expect(await page.textContent('[data-testid="group-by-error"]')).toBe(
      '"color" is not provider, model, agent, run, status, errorType, errorStatus or tag:KEY',
    );
    expect(consoleErrors).toEqual([]);
  });

  it('the runs view sorted by cost shows the most expensive run of the whole ledger first', async () => {
    await newPage();
    await open('?view=runs&refresh=0');
    // By default the 500 most recent runs: the old expensive one is not among them.
    expect(await tableKeys('runs')).not.toContain('the-big-one');
    expect(await page.textContent('.view h2')).toBe('Runs (the 500 most recent of 609)');
    await page.click('#sort-runs-cost');
    await page.waitForURL(/sort\.runs=cost%3Adesc/);
    await settled();
    const keys = await tableKeys('runs');
    const ranked = await api<{ runs: RunStats[] }>('/analytics/tokens/runs?sort=cost&limit=500');
    expect(keys[0]).toBe('the-big-one');
    expect(keys).toEqual(ranked.runs.map((r) => r.run ?? '(no run)'));
    expect(await page.textContent('.view h2')).toBe('Runs (the 500 most expensive of 609)');
    expect(consoleErrors).toEqual([]);
  });
});
