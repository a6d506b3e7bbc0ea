/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against the
 * real server over a seeded SQLite ledger: the headline equals GET /analytics/tokens, filters
 * live in the URL and change the tables, a run's report opens, two models compare, failures
 * list, sorting works by keyboard, auto-refresh picks up new calls, server refusals show.
 * No console error is allowed (the one refusal provoked on purpose aside).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '#src/server/index.js';
import type { ModelComparison, ModelStats, RunStats, Summary, UsageEvent } from '#src/types/index.js';
import { usd } from '../../web/src/format.js';
import {
  api,
  buildDashboard,
  closePage,
  consoleErrors,
  expectedHeadline,
  headline,
  launch,
  newPage,
  open,
  page,
  serve,
  settled,
  tableKeys,
  tearDown,
} from './harness.js';
import { seedEvents, seedStore } from './seed.js';

const T0 = Date.parse('2026-03-01T08:00:00Z');
const COUNT = 400;
let server: RunningServer;

beforeAll(async () => {
  await buildDashboard();
  server = await serve('views');
  await seedStore(server.store, { count: COUNT, start: T0, spanMs: 2 * 86_400_000 });
  await launch();
}, 120_000);
afterAll(tearDown);
afterEach(closePage);

describe('dashboard over a seeded ledger', () => {
  it('shows headline figures equal to GET /analytics/tokens, formatted for people, with unpriced and estimated calls flagged', async () => {
    await newPage();
    const expected = await api<{ summary: Summary; models: ModelStats[]; agents: { agent: string | null }[] }>(
      '/analytics/tokens',
    );
    await open('?refresh=0');
    expect(await headline()).toEqual(expectedHeadline(expected.summary));
    expect(expected.summary.calls).toBe(COUNT);
    // Human formatting: a short figure on the card, the exact one on hover.
    const costText = await page.textContent('[data-testid="h-cost"] .value');
    expect(costText).toMatch(/^\$\d+\.\d{2}$/);
    expect(await page.textContent('[data-testid="h-input"] .value')).toMatch(/^\d+(\.\d+)?[KM]$/);
    expect(await page.getAttribute('[data-testid="h-calls"] .value .num', 'title')).toBe(String(COUNT));
    // The local model has no price and estimated counts: both are flagged.
    // (The store counts calls without usage as unpriced too; the dashboard flags them once, as "without usage".)
    const { unpricedCalls, usageUnavailableCalls, estimatedCalls } = expected.summary;
    expect(unpricedCalls - usageUnavailableCalls).toBe(COUNT / 40);
    expect(estimatedCalls).toBe(COUNT / 40);
    expect(await page.textContent('[data-testid="flag-estimated"]')).toBe(`${COUNT / 40} estimated`);
    expect(await page.textContent('[data-testid="flag-unpriced"]')).toBe(`${COUNT / 40} unpriced`);
    expect(await page.textContent('[data-testid="flag-nousage"]')).toBe(`${usageUnavailableCalls} without usage`);
    expect(usageUnavailableCalls).toBe(expected.summary.failures);
    expect(
      await page.textContent('table[data-table="models"] tr[data-key="local-llama-3.1-8b"] [data-col="flags"]'),
    ).toContain('est.');
    // Tables: one row per model and agent of the answer; the matrix has every pair.
    expect((await tableKeys('models')).sort()).toEqual(expected.models.map((m) => m.model).sort());
    expect((await tableKeys('agents')).sort()).toEqual(expected.agents.map((a) => a.agent ?? '(no agent)').sort());
    expect(await page.$$eval('table[data-table="matrix"] td[data-model]', (cells) => cells.length)).toBe(6);
    // The chart arrives after the figures.
    await page.waitForSelector('.chart canvas');
    // One legend entry per model, showing its total over the range until the pointer hovers a bucket.
    const legend = await page.$$eval('section[aria-labelledby="chart-title"] .chart .legend-item', (items) =>
      items.map((item) => item.textContent),
    );
    expect(legend).toHaveLength(expected.models.length);
    const pro = expected.models.find((m) => m.model === 'gemini-2.5-pro');
    expect(legend).toContain(`gemini-2.5-pro ${usd(pro?.cost.total)}`);
    expect(consoleErrors).toEqual([]);
  });

  it('changes the tables when a filter changes, and keeps the filters in the URL', async () => {
    await newPage();
    await open('?refresh=0');
    expect((await tableKeys('agents')).length).toBe(5);
    await page.fill('#f-agent', 'risk_agent');
    await page.press('#f-agent', 'Enter');
    await page.waitForURL(/agent=risk_agent/);
    await settled();
    expect(await tableKeys('agents')).toEqual(['risk_agent']);
    expect(await tableKeys('models')).toEqual(['gemini-2.5-pro']);
    const filtered = await api<{ summary: Summary }>('/analytics/tokens?agent=risk_agent');
    expect(await headline()).toEqual(expectedHeadline(filtered.summary));

    // A tag filter on top, then the shared URL opens the same view from scratch.
    await page.fill('#f-tags', 'team=research');
    await page.press('#f-tags', 'Enter');
    await page.waitForURL(/tag\.team=research/);
    await settled();
    const both = await api<{ summary: Summary }>('/analytics/tokens?agent=risk_agent&tag.team=research');
    expect(await headline()).toEqual(expectedHeadline(both.summary));
    expect(both.summary.calls).toBeLessThan(filtered.summary.calls);
    const shared = page.url();
    await page.goto(shared);
    await settled();
    expect(await page.inputValue('#f-agent')).toBe('risk_agent');
    expect(await page.inputValue('#f-tags')).toBe('team=research');
    expect(await headline()).toEqual(expectedHeadline(both.summary));

    // A model name in the table drills down; Back returns.
    await page.click('#f-clear');
    await page.waitForURL((url) => url.search === '?refresh=0');
    await settled();
    await page.click('table[data-table="models"] tr[data-key="gemini-2.5-flash"] a');
    await page.waitForURL(/model=gemini-2.5-flash/);
    await settled();
    expect(await tableKeys('agents')).toEqual(
      expect.arrayContaining(['indicator_agent', 'volume_agent', 'sector_agent']),
    );
    expect(await tableKeys('agents')).not.toContain('risk_agent');
    await page.goBack();
    await settled();
    expect((await tableKeys('agents')).length).toBe(5);

    // A time range narrows too: the first day only.
    await page.selectOption('#f-range', 'custom');
    await page.fill('#f-from', '2026-03-01T00:00');
    await page.fill('#f-to', '2026-03-02T00:00');
    await page.press('#f-to', 'Enter');
    await page.waitForURL(/to=/);
    await settled();
    const from = await page.evaluate(() => new URL(location.href).searchParams.get('from')!);
    const to = await page.evaluate(() => new URL(location.href).searchParams.get('to')!);
    const day = await api<{ summary: Summary }>(`/analytics/tokens?from=${from}&to=${to}`);
    expect(day.summary.calls).toBeGreaterThan(0);
    expect(day.summary.calls).toBeLessThan(COUNT);
    expect((await headline())['calls']).toBe(day.summary.calls);
    expect(consoleErrors).toEqual([]);
  });

  it('sorts a table by keyboard and keeps the order in the URL', async () => {
    await newPage();
    await open('?refresh=0');
    await page.focus('#sort-agents-calls');
    await page.keyboard.press('Enter');
    await page.waitForURL(/sort\.agents=calls%3Adesc|sort\.agents=calls:desc/);
    const calls = await page.$$eval('table[data-table="agents"] tbody [data-col="calls"] .num', (cells) =>
      cells.map((cell) => Number((cell as HTMLElement).dataset['value'])),
    );
    expect(calls).toEqual([...calls].sort((a, b) => b - a));
    expect(await page.getAttribute('table[data-table="agents"] th:has(#sort-agents-calls)', 'aria-sort')).toBe(
      'descending',
    );
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sort-agents-calls');
    await page.keyboard.press('Enter');
    const ascending = await page.$$eval('table[data-table="agents"] tbody [data-col="calls"] .num', (cells) =>
      cells.map((cell) => Number((cell as HTMLElement).dataset['value'])),
    );
    expect(ascending).toEqual([...calls].reverse());
    await page.reload();
    await settled();
    expect(await page.getAttribute('table[data-table="agents"] th:has(#sort-agents-calls)', 'aria-sort')).toBe(
      'ascending',
    );
    expect(consoleErrors).toEqual([]);
  });

  it('lists the runs and opens one run report equal to GET /analytics/tokens/runs/:run', async () => {
    await newPage();
    await open('?refresh=0');
    await page.click('#tab-runs');
    await page.waitForURL(/view=runs/);
    await settled();
    const runs = await api<{ runs: RunStats[]; total: number }>('/analytics/tokens/runs');
    expect((await tableKeys('runs')).sort()).toEqual(runs.runs.map((r) => r.run ?? '(no run)').sort());
    expect(await page.textContent('.view h2')).toBe(`Runs (${runs.total})`);
    await page.click('table[data-table="runs"] tr[data-key="NVDA"] a');
    await page.waitForURL(/report=NVDA/);
    await settled();
    const report = await api<{ summary: Summary; text: string }>('/analytics/tokens/runs/NVDA');
    expect(await headline()).toMatchObject(expectedHeadline(report.summary));
    expect((await headline())['wall']).toBe(report.summary.wallTimeMs);
    expect(await page.textContent('[data-testid="run-report-text"]')).toBe(report.text);
    expect(report.text).toContain('TOKEN USAGE SUMMARY for NVDA');
    expect(await tableKeys('runagents')).toHaveLength(5);
    await page.click('text=← All runs');
    await page.waitForURL((url) => !url.search.includes('report='));
    await settled();
    expect(await tableKeys('runs')).toContain('NVDA');
    expect(consoleErrors).toEqual([]);
  });

  it('compares two models side by side as POST /analytics/tokens/compare answers', async () => {
    await newPage();
    await open('?view=compare&refresh=0');
    expect(await page.textContent('[data-testid="compare-hint"]')).toContain('at least two');
    await page.check('#cmp-gemini-2\\.5-pro');
    await page.waitForURL(/cmp=gemini-2.5-pro/);
    await settled();
    // By keyboard: the checkbox keeps focus while the view redraws under it.
    await page.focus('#cmp-gemini-2\\.5-flash');
    await page.keyboard.press('Space');
    await page.waitForSelector('table[data-table="compare"]');
    await settled();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('cmp-gemini-2.5-flash');
    const answer = await api<{ models: ModelComparison[] }>('/analytics/tokens/compare', server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ models: ['gemini-2.5-pro', 'gemini-2.5-flash'] }),
    });
    const columns = await page.$$eval('table[data-table="compare"] thead th[data-model]', (cells) =>
      cells.map((cell) => (cell as HTMLElement).dataset['model']),
    );
    expect(columns).toEqual(['gemini-2.5-pro', 'gemini-2.5-flash']);
    const cell = async (row: string, model: string): Promise<number> =>
      Number(
        await page.getAttribute(
          `table[data-table="compare"] tr:has(th:text-is("${row}")) td[data-model="${model}"] .num`,
          'data-value',
        ),
      );
    for (const m of answer.models) {
      expect(await cell('Calls', m.model)).toBe(m.calls);
      expect(await cell('Cost / call', m.model)).toBe(m.avgCostPerCall);
      expect(await cell('Latency p95', m.model)).toBe(m.latencyP95Ms);
      expect(await cell('Avg tokens / call', m.model)).toBe(m.avgTokensPerCall);
    }
    // Flash is the cheaper one per call: starred.
    expect(await page.textContent('table[data-table="compare"] tr:has(th:text-is("Cost / call")) td.best')).toContain(
      await page.textContent(
        'table[data-table="compare"] tr:has(th:text-is("Cost / call")) td[data-model="gemini-2.5-flash"] .num',
      ),
    );
    // What if: each model's calls on the other, as POST /analytics/tokens/whatif answers.
    const whatIf = async (from: string, to: string) =>
      (
        await api<{
          byModel: {
            model: string;
            as: string;
            comparedCalls: number;
            actualUsd: number;
            whatIfUsd: number;
            differenceUsd: number;
            ratio: number | null;
          }[];
        }>('/analytics/tokens/whatif', server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ swaps: [{ from, to }] }),
        })
      ).byModel[0]!;
    expect(await tableKeys('whatif')).toEqual(['gemini-2.5-flash>gemini-2.5-pro', 'gemini-2.5-pro>gemini-2.5-flash']);
    for (const [from, to] of [
      ['gemini-2.5-pro', 'gemini-2.5-flash'],
      ['gemini-2.5-flash', 'gemini-2.5-pro'],
    ] as const) {
      const expected = await whatIf(from, to);
      expect(expected.comparedCalls).toBeGreaterThan(0);
      const shownCell = async (field: string): Promise<number> =>
        Number(
          await page.getAttribute(
            `table[data-table="whatif"] tr[data-key="${from}>${to}"] [data-field="${field}"] .num`,
            'data-value',
          ),
        );
      for (const field of ['comparedCalls', 'actualUsd', 'whatIfUsd', 'differenceUsd', 'ratio'] as const)
        expect(await shownCell(field), `${from} on ${to}: ${field}`).toBe(expected[field]);
    }
    // Pro's calls on flash cost less than they did; flash's on pro, more.
    expect((await whatIf('gemini-2.5-pro', 'gemini-2.5-flash')).differenceUsd).toBeLessThan(0);
    expect((await whatIf('gemini-2.5-flash', 'gemini-2.5-pro')).differenceUsd).toBeGreaterThan(0);
    expect(consoleErrors).toEqual([]);
  });

  it('lists recent failures with their errors, newest first', async () => {
    await newPage();
    await open('?view=failures&refresh=0');
    const failed = await api<{ events: UsageEvent[] }>('/analytics/events?status=error&limit=50');
    expect(failed.events.length).toBeGreaterThan(0);
    expect(await tableKeys('failures')).toEqual(failed.events.map((event) => event.id));
    const first = failed.events[0]!;
    expect(await page.textContent(`tr[data-key="${first.id}"] td.message`)).toBe(first.error?.message);
    expect(consoleErrors).toEqual([]);
  });

  it('refreshes on its own while open', async () => {
    await newPage();
    await page.clock.install();
    await open('?refresh=5&agent=late_agent');
    expect((await headline())['calls']).toBe(0);
    const late = [...seedEvents({ count: 3, start: Date.now(), spanMs: 1000, seed: 7 })].map((event) => ({
      ...event,
      agent: 'late_agent',
    }));
    await server.store.insert(late);
    await page.clock.runFor(6_000);
    await expect.poll(async () => (await headline())['calls'], { timeout: 10_000 }).toBe(3);
    expect(await page.textContent('#updated')).toMatch(/^Updated /);
    await server.store.delete({ agent: 'late_agent' });
    expect(consoleErrors).toEqual([]);
  });

  it("shows the server's refusal in a banner, and recovers when the filter is fixed", async () => {
    await newPage();
    await page.goto(`${server.url}/?refresh=0&model=${'x'.repeat(600)}`);
    await page.waitForSelector('#banner:not([hidden])');
    expect(await page.textContent('#banner')).toBe('Could not load: model: longer than 512 characters');
    expect(await page.textContent('#updated')).toMatch(/^Update failed /);
    await page.fill('#f-model', 'gemini-2.5-pro');
    await page.press('#f-model', 'Enter');
    await page.waitForURL(/model=gemini-2.5-pro/);
    await settled();
    expect(await page.isHidden('#banner')).toBe(true);
    expect(await tableKeys('models')).toEqual(['gemini-2.5-pro']);
    // Keyboard: "/" jumps to the model filter.
    await page.click('h1');
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-model');
    // Only the refused request reached the console.
    expect(consoleErrors).toHaveLength(1);
    expect(consoleErrors[0]).toContain('status of 400');
  });

  it('is readable in dark mode', async () => {
    await newPage({ colorScheme: 'dark' });
    await open('?refresh=0');
    const [background, text] = await page.evaluate(() => [
      getComputedStyle(document.body).backgroundColor,
      getComputedStyle(document.body).color,
    ]);
    const luminance = (rgb: string): number => {
      const [r = 0, g = 0, b = 0] = (rgb.match(/\d+/g) ?? []).map(Number);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    expect(luminance(background)).toBeLessThan(40);
    expect(luminance(text)).toBeGreaterThan(180);
    expect(consoleErrors).toEqual([]);
  });
});
