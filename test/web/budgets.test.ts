/**
 * The dashboard's budgets view in a real browser over a real server: each budget's cap, spent,
 * held, remaining, forecast, alerts sent and refusals equal GET /v1/budgets and `tokenledger
 * budgets --json`, for config-file budgets and one made through the admin API. No console error.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  budgetCountersPath,
  budgetFromConfig,
  counterOf,
  SqliteBudgetCounters,
  windowSpan,
} from '#src/budgets/index.js';
import type { BudgetConfig } from '#src/config/index.js';
import type { RunningServer } from '#src/server/index.js';
import { runCli } from '../cli/run-cli.js';
import {
  api,
  buildDashboard,
  closePage,
  consoleErrors,
  dir,
  launch,
  newPage,
  open,
  page,
  serve,
  tableKeys,
  tearDown,
} from './harness.js';

const BUDGETS: BudgetConfig[] = [
  { name: 'daily', capUsd: 5, window: 'day', alerts: { at: [10, 50, 80] } },
  { name: 'tokens-6h', capTokens: 100_000, window: { rollingHours: 6 } },
];
const API_BUDGET: BudgetConfig = { name: 'prepaid', capUsd: 20, window: 'lifetime', scope: { agent: 'x' } };

interface Row {
  name: string;
  source: string;
  paused: boolean;
  cap: number;
  spent: number;
  held: number;
  remaining: number;
  refused: number;
  alertsSent: number[];
  resetsAt: string | null;
  forecast: { projected: number; runsOutAt: string | null } | null;
}

let server: RunningServer;
let db: string;
let configPath: string;

/** Spend, a live hold, refusals and alerts on a budget's current window, straight into the counters. */
async function spend(
  counters: SqliteBudgetCounters,
  definition: BudgetConfig,
  figures: { settled: number; held: number; refused: number; alerts: number[] },
): Promise<void> {
  const spec = budgetFromConfig(definition);
  const now = Date.now();
  const span = windowSpan(spec.window, now);
  const window = { counter: counterOf(spec), bucket: span.bucket, fromBucket: span.fromBucket, stepMs: span.stepMs };
  const settled = `${spec.name}-settled`;
  await counters.reserve({
    reservationId: settled,
    lines: [{ ...window, cap: spec.cap, amount: figures.settled }],
    now,
    leaseMs: 60_000,
  });
  await counters.settle(settled, { [window.counter]: figures.settled });
  await counters.reserve({
    reservationId: `${spec.name}-held`,
    lines: [{ ...window, cap: spec.cap, amount: figures.held }],
    now,
    leaseMs: 3_600_000,
  });
  for (let index = 0; index < figures.refused; index++) await counters.countRefusal(window.counter, span.bucket);
  for (const threshold of figures.alerts) await counters.claimAlert(window.counter, span.bucket, threshold);
}

beforeAll(async () => {
  await buildDashboard();
  server = await serve('budgets', { budgets: BUDGETS });
  db = join(dir, 'budgets.db');
  configPath = join(dir, 'budgets.config.json');
  writeFileSync(configPath, JSON.stringify({ budgets: BUDGETS }));
  const created = await fetch(`${server.url}/v1/budgets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(API_BUDGET),
  });
  expect(created.status).toBe(201);
  const counters = SqliteBudgetCounters.open({ path: budgetCountersPath(db) });
  await spend(counters, BUDGETS[0] as BudgetConfig, {
    settled: 1_250_000_000,
    held: 500_000_000,
    refused: 3,
    alerts: [10],
  });
  await spend(counters, BUDGETS[1] as BudgetConfig, { settled: 42_000, held: 8_000, refused: 1, alerts: [] });
  await spend(counters, API_BUDGET, { settled: 12_345_678_901, held: 1, refused: 0, alerts: [] });
  await counters.close();
  await launch();
}, 120_000);
afterAll(tearDown);
afterEach(closePage);

/** What the view shows for each budget: the exact figures in each cell's data-value. */
async function shown(): Promise<Record<string, Record<string, string>>> {
  return page.$$eval('table[data-table="budgets"] tbody tr[data-key]', (rows) =>
    Object.fromEntries(
      rows.map((row) => [
        (row as HTMLElement).dataset['key'],
        Object.fromEntries(
          [...row.querySelectorAll<HTMLElement>('[data-field]')].map((cell) => [
            cell.dataset['field'],
            cell.dataset['value'] ?? cell.textContent ?? '',
          ]),
        ),
      ]),
    ),
  );
}

describe('the budgets view', () => {
  it("shows each budget's figures as GET /v1/budgets and tokenledger budgets --json give them", async () => {
    // When each of the three reads may have happened: the forecasts move with the clock.
    const beforeView = Date.now();
    await newPage();
    await open('?view=budgets&refresh=0');
    expect(await page.getAttribute('#tab-budgets', 'aria-current')).toBe('page');
    const view = await shown();
    const beforeApi = Date.now();
    const fromApi = (await api<{ budgets: Row[] }>('/v1/budgets', server.url)).budgets;
    const beforeCli = Date.now();
    const cli = await runCli(['budgets', '--json', '--config', configPath, '--db', `sqlite:${db}`]);
    const afterCli = Date.now();
    expect(cli.code, cli.stderr).toBe(0);
    const fromCli = JSON.parse(cli.stdout) as Row[];

    expect(await tableKeys('budgets')).toEqual(['daily', 'tokens-6h', 'prepaid']);
    expect(fromApi.map((row) => [row.name, row.source])).toEqual([
      ['daily', 'config'],
      ['tokens-6h', 'config'],
      ['prepaid', 'api'],
    ]);
    // The figures this test put in the counters, in each budget's unit.
    expect(fromApi.map((row) => [row.cap, row.spent, row.held, row.remaining, row.refused, row.alertsSent])).toEqual([
      [5, 1.25, 0.5, 3.25, 3, [10]],
      [100_000, 42_000, 8_000, 50_000, 1, []],
      [20, 12.345678901, 0.000000001, 7.654321098, 0, []],
    ]);
    for (const [index, row] of fromApi.entries()) {
      const cells = view[row.name] ?? {};
      const cliRow = fromCli[index] as Row;
      expect(cliRow.name).toBe(row.name);
      for (const field of ['cap', 'spent', 'held', 'remaining', 'refused'] as const) {
        expect(cliRow[field], `${row.name} ${field} (cli)`).toBe(row[field]);
        if (field !== 'refused') expect(Number(cells[field]), `${row.name} ${field} (view)`).toBe(row[field]);
      }
      expect(cliRow.alertsSent).toEqual(row.alertsSent);
      expect(cells['alertsSent']).toBe(row.alertsSent.join(','));
      expect(cells['resetsAt']).toBe(row.resetsAt ?? '');
      expect(cliRow.resetsAt).toBe(row.resetsAt);
      if (row.forecast === null) {
        expect(cells['forecast']).toBe('–');
        expect(cliRow.forecast).toBeNull();
      } else {
        // A forecast is spend x window / elapsed: read earlier, higher. Just after midnight a
        // second moves a daily one by a fraction of a percent, so each read is held to the
        // range its time allows around the API's (to the cent the view shows).
        const spec = BUDGETS.find((budget) => budget.name === row.name) as BudgetConfig;
        const start = windowSpan(budgetFromConfig(spec).window, beforeApi).bucket;
        const projected = row.forecast.projected;
        const viewForecast = Number(cells['forecast']);
        expect(viewForecast).toBeGreaterThanOrEqual(projected - 0.005);
        expect(viewForecast).toBeLessThanOrEqual((projected * (beforeCli - start)) / (beforeView - start) + 0.005);
        const cliForecast = cliRow.forecast?.projected ?? Number.NaN;
        expect(cliForecast).toBeLessThanOrEqual(projected + 1e-9);
        expect(cliForecast).toBeGreaterThanOrEqual((projected * (beforeApi - start)) / (afterCli - start) - 1e-9);
      }
    }
    const refused = await page.$$eval('table[data-table="budgets"] tbody tr[data-key]', (rows) =>
      rows.map((row) => row.querySelectorAll('td')[9]?.textContent),
    );
    expect(refused).toEqual(['3', '1', '0']);
    expect(await page.textContent('tr[data-key="daily"] [data-field="alertsSent"]')).toBe('10%');
    expect(await page.textContent('tr[data-key="prepaid"] [data-field="resetsAt"]')).toBe('never (lifetime)');
    expect(consoleErrors).toEqual([]);
  });
});
