/**
 * Dashboard benchmark: first paint with 1M events in the ledger (issue 6: "first paint under
 * a second on a laptop with 1M events"). Seeds a SQLite ledger with the stock-analysis-like
 * data set (test/web/seed.ts; kept in bench/.data and reused, since seeding 1M events takes
 * about two minutes), starts the real server with the freshly built dashboard, and loads `/`
 * in Debian's Chromium several times, measuring in the page:
 *
 * - first contentful paint (`performance.getEntriesByType('paint')`): the shell;
 * - headline: the figures from `GET /analytics/tokens` on screen (what people wait for),
 *   the `tokenledger:view` mark the dashboard sets when it draws its first view;
 * - chart: the stacked time series drawn (one time series request per model, in parallel;
 *   uPlot loads as its own chunk meanwhile), the `tokenledger:chart` mark.
 *
 * `npx tsx bench/dashboard.ts` prints the section; `npm run bench dashboard` writes it to
 * RESULTS.md (once the area is wired). `TOKENLEDGER_BENCH_DASHBOARD_EVENTS` changes the size.
 *
 * @module
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/web/chromium.js';
import { chromium } from 'playwright-core';
import { pino } from 'pino';
import { build } from 'vite';
import { parseConfig } from '../src/config/index.js';
import { startServer } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { seedStore } from '../test/web/seed.js';

const here = dirname(fileURLToPath(import.meta.url));
const EVENTS = Number(process.env['TOKENLEDGER_BENCH_DASHBOARD_EVENTS'] ?? 1_000_000);
const LOADS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function seeded(): Promise<{ path: string; seedMs: number | null }> {
  const folder = join(here, '.data');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `dashboard-${EVENTS}.db`);
  if (existsSync(path)) {
    const store = await openStore(`sqlite:${path}`);
    const page = await store.aggregate({ filter: {}, groupBy: [] });
    await store.close();
    if (page[0]?.calls === EVENTS) return { path, seedMs: null };
    rmSync(path, { force: true });
  }
  const store = await openStore(`sqlite:${path}`);
  const started = performance.now();
  await seedStore(store, {
    count: EVENTS,
    start: Date.parse('2026-09-01T00:00:00Z'),
    spanMs: 60 * 86_400_000,
    batch: 10_000,
    runs: 'many',
  });
  const seedMs = performance.now() - started;
  await store.close();
  return { path, seedMs };
}

export async function run(): Promise<string> {
  const { path, seedMs } = await seeded();
  const dist = mkdtempSync(join(tmpdir(), 'tokenledger-dash-'));
  await build({
    configFile: join(here, '..', 'web', 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir: dist, emptyOutDir: true },
  });
  const server = await startServer({
    port: 0,
    db: `sqlite:${path}`,
    config: parseConfig({}, 'inline', {}),
    env: {},
    dashboardDir: dist,
    logger: pino({ level: 'silent' }),
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  const fcp: number[] = [];
  const headline: number[] = [];
  const chart: number[] = [];
  const api: number[] = [];
  try {
    for (let load = 0; load < LOADS; load++) {
      // A new context each time: nothing cached, as on a first visit.
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${server.url}/?refresh=0`);
      await page.waitForSelector('[data-testid="h-calls"]');
      await page.waitForSelector('.chart canvas', { timeout: 60_000 });
      // Marks the dashboard sets itself, so the browser-driver round trips are not counted.
      const [paint, headlineAt, chartAt] = await page.evaluate(() => [
        performance.getEntriesByType('paint').find((entry) => entry.name === 'first-contentful-paint')?.startTime ??
          Number.NaN,
        performance.getEntriesByName('tokenledger:view')[0]?.startTime ?? Number.NaN,
        performance.getEntriesByName('tokenledger:chart')[0]?.startTime ?? Number.NaN,
      ]);
      fcp.push(paint);
      headline.push(headlineAt);
      chart.push(chartAt);
      await context.close();
      const started = performance.now();
      await (await fetch(`${server.url}/analytics/tokens`)).arrayBuffer();
      api.push(performance.now() - started);
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(dist, { recursive: true, force: true });
  }
  const ms = (value: number): string => `${Math.round(value)} ms`;
  const lines = [
    '## Dashboard: first paint over 1M events',
    '',
    `${EVENTS.toLocaleString('en-US')} events in SQLite (5 agents, 3 models, 200k runs, 60 days)${seedMs === null ? '' : `, seeded in ${(seedMs / 1000).toFixed(0)} s`}; real server, Debian Chromium headless, a fresh browser context per load; median of ${LOADS} loads (ms since navigation start).`,
    '',
    '| measure | median | min | max |',
    '| --- | ---: | ---: | ---: |',
    `| first contentful paint | ${ms(median(fcp))} | ${ms(Math.min(...fcp))} | ${ms(Math.max(...fcp))} |`,
    `| headline figures on screen | ${ms(median(headline))} | ${ms(Math.min(...headline))} | ${ms(Math.max(...headline))} |`,
    `| stacked chart drawn | ${ms(median(chart))} | ${ms(Math.min(...chart))} | ${ms(Math.max(...chart))} |`,
    `| GET /analytics/tokens alone | ${ms(median(api))} | ${ms(Math.min(...api))} | ${ms(Math.max(...api))} |`,
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await run());
}
