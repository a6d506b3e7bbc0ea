/**
 * The dashboard's calls view in a real browser over a real server: it shows the page GET
 * /analytics/calls answers, in the sort chosen (the most expensive call of the whole ledger
 * first), pages forward and back with the cursor, and its CSV and NDJSON downloads hold exactly
 * the rows shown (byte for byte what the API gives for the same page). A call opens its detail.
 * No console error.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '#src/server/index.js';
import type { CallRow, CallsPage } from '#src/types/index.js';
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

beforeAll(async () => {
  await buildDashboard();
  server = await serve('calls');
  await seedStore(server.store, { count: 180, start: T0, spanMs: 2 * 86_400_000 });
  await launch();
}, 120_000);
afterAll(tearDown);
afterEach(closePage);

/** Clicks a control that loads again, and waits for the view to be drawn. */
async function clickAndSettle(selector: string): Promise<void> {
  await Promise.all([
    page.waitForResponse((response) => response.url().includes('/analytics/calls')),
    page.click(selector),
  ]);
  await settled();
}

async function downloaded(selector: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const path = await download.path();
  return readFile(path, 'utf8');
}

describe('the calls view', () => {
  it('pages in the sort chosen and downloads exactly the rows shown', async () => {
    await newPage();
    await open('?view=calls&refresh=0&tag.team=quant');
    const newest = await api<CallsPage>('/analytics/calls?sort=time&limit=50&tag.team=quant');
    expect(await tableKeys('calls')).toEqual(newest.calls.map((call) => call.id));

    await page.selectOption('#calls-sort', 'cost');
    await page.waitForURL(/sort\.calls=cost%3Adesc/);
    await settled();
    const first = await api<CallsPage>('/analytics/calls?sort=cost&limit=50&tag.team=quant');
    expect(first.nextCursor).not.toBeNull();
    expect(await tableKeys('calls')).toEqual(first.calls.map((call) => call.id));
    const costs = await page.$$eval('table[data-table="calls"] tbody tr [data-col="cost"] .num', (nodes) =>
      nodes.map((node) => Number((node as HTMLElement).dataset['value'])),
    );
    expect(costs).toEqual(first.calls.map((call) => call.costUsd));
    expect(costs[0]).toBe(Math.max(...costs));

    await clickAndSettle('#calls-next');
    const second = await api<CallsPage>(
      `/analytics/calls?sort=cost&limit=50&tag.team=quant&cursor=${first.nextCursor}`,
    );
    const shown = await tableKeys('calls');
    expect(shown).toEqual(second.calls.map((call) => call.id));
    expect(await page.textContent('[data-testid="calls-range"]')).toBe(`51–${50 + second.calls.length}`);

    const csv = await downloaded('#calls-csv');
    const expectedCsv = await (
      await fetch(
        `${server.url}/analytics/calls?sort=cost&limit=50&tag.team=quant&cursor=${first.nextCursor}&format=csv`,
      )
    ).text();
    expect(csv).toBe(expectedCsv);
    expect(
      csv
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[0]),
    ).toEqual(shown);
    const ndjson = await downloaded('#calls-ndjson');
    expect(
      ndjson
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as CallRow).id),
    ).toEqual(shown);

    await clickAndSettle('#calls-prev');
    expect(await tableKeys('calls')).toEqual(first.calls.map((call) => call.id));
    expect(await page.isDisabled('#calls-prev')).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it("a call opens its detail: the stored cost, today's price and the raw usage", async () => {
    await newPage();
    await open('?view=calls&refresh=0&sort.calls=cost%3Adesc');
    const top = (await api<CallsPage>('/analytics/calls?sort=cost&limit=1')).calls[0] as CallRow;
    await page.click(`table[data-table="calls"] tr[data-key="${top.id}"] [data-col="time"] a`);
    await page.waitForURL(/report=/);
    await settled();
    expect(await page.getAttribute('.view', 'data-call')).toBe(top.id);
    const facts = await page.textContent('[data-testid="call-facts"]');
    expect(facts).toContain(`${top.provider} / ${top.model}`);
    expect(facts).toContain('from catalog');
    expect(await page.textContent('[data-testid="call-raw-usage"]')).not.toBe('');
    expect(consoleErrors).toEqual([]);
  });
});
