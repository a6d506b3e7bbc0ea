/**
 * Takes docs/dashboard.png, the README's picture of the dashboard:
 *
 *   npx tsx test/web/screenshot.ts [--db sqlite:PATH] [--out docs/dashboard.png] [--dark]
 *
 * Without `--db` it seeds a temporary ledger with a week of the stock-analysis example's
 * shape (five agents on gemini-2.5-flash and gemini-2.5-pro, one run per ticker analysis, a
 * few rate-limit failures, a local model with estimated counts); with `--db` it shows that
 * ledger (e.g. the one `examples/stock-analysis` wrote).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { pino } from 'pino';
import { build } from 'vite';
import { parseConfig } from '#src/config/index.js';
import { startServer } from '#src/server/index.js';
import { seedStore } from './seed.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    out: { type: 'string', default: 'docs/dashboard.png' },
    dark: { type: 'boolean', default: false },
  },
});
const temp = mkdtempSync(join(tmpdir(), 'tokenledger-shot-'));
try {
  const dist = join(temp, 'dist');
  await build({
    configFile: fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url)),
    logLevel: 'error',
    build: { outDir: dist, emptyOutDir: true },
  });
  const server = await startServer({
    port: 0,
    db: values.db ?? `sqlite:${join(temp, 'ledger.db')}`,
    config: parseConfig({}, 'inline', {}),
    env: {},
    dashboardDir: dist,
    logger: pino({ level: 'silent' }),
  });
  if (values.db === undefined) {
    await seedStore(server.store, {
      count: 3_000,
      start: Date.parse('2026-11-09T06:00:00Z'),
      spanMs: 7 * 86_400_000,
      runs: 'many',
      seed: 11,
    });
  }
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({
    viewport: { width: 1360, height: 900 },
    deviceScaleFactor: 1,
    colorScheme: values.dark ? 'dark' : 'light',
    timezoneId: 'UTC',
    locale: 'en-US',
  });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${server.url}/?refresh=0`);
  await page.waitForSelector('.chart canvas');
  // Hover the chart's middle so the legend shows one bucket's figures.
  const box = await page.locator('section[aria-labelledby="chart-title"] .chart canvas').boundingBox();
  if (box !== null) await page.mouse.move(box.x + box.width * 0.62, box.y + box.height * 0.5);
  await page.screenshot({ path: values.out, fullPage: true });
  await browser.close();
  await server.close();
  if (errors.length > 0) throw new Error(`console errors: ${errors.join('; ')}`);
  console.log(`wrote ${values.out}`);
} finally {
  rmSync(temp, { recursive: true, force: true });
}
