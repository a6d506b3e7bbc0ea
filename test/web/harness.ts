/**
 * What the dashboard's browser tests share: the dashboard built from the current sources
 * into a temp folder (never a stale web/dist), a real server over a seeded SQLite ledger,
 * Debian's Chromium through playwright-core, and a console watcher (no error allowed).
 * Each test file runs in its own process, so the live `page` binding here is per file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { pino } from 'pino';
import { build } from 'vite';
import { expect } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import type { Summary } from '#src/types/index.js';

import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';

export { CHROMIUM_ARGS };

export let dir: string;
export let dist: string;
export let page: Page;
export let consoleErrors: string[];
let browser: Browser | undefined;
let baseUrl = '';
const servers: RunningServer[] = [];

/** Builds the dashboard into a temp folder. */
export async function buildDashboard(): Promise<void> {
  dir = await mkdtemp(join(tmpdir(), 'tokenledger-web-'));
  dist = join(dir, 'dist');
  await build({
    configFile: fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url)),
    logLevel: 'error',
    build: { outDir: dist, emptyOutDir: true },
  });
}

/** A real server on a random port over a fresh SQLite file, serving the built dashboard. */
export async function serve(
  name: string,
  config: unknown = {},
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const server = await startServer({
    port: 0,
    db: `sqlite:${join(dir, `${name}.db`)}`,
    config: parseConfig(config, 'inline', env),
    env,
    dashboardDir: dist,
    logger: pino({ level: 'silent' }),
  });
  servers.push(server);
  if (baseUrl === '') baseUrl = server.url;
  return server;
}

export async function launch(): Promise<void> {
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export async function tearDown(): Promise<void> {
  await browser?.close();
  for (const server of servers.splice(0)) await server.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}

/** A fresh browser context (no storage, no cache) whose console errors and warnings are kept. */
export async function newPage(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
  if (browser === undefined) throw new Error('launch() first');
  const context = await browser.newContext({
    viewport: { width: 1300, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
  });
  page = await context.newPage();
  consoleErrors = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error' || message.type() === 'warning')
      consoleErrors.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  return page;
}

export async function closePage(): Promise<void> {
  await page?.context().close();
}

/** Loads a dashboard URL and waits until the view has been drawn. */
export async function open(search: string, base = baseUrl): Promise<void> {
  await page.goto(`${base}/${search}`);
  await settled();
}

/** Waits until the current load has finished and drawn something. */
export async function settled(): Promise<void> {
  await page.waitForSelector('main#content[aria-busy="false"] > *');
}

export async function api<T>(path: string, base = baseUrl, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${base}${path}`, init);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** The headline cards' exact values (`data-value`), by card id. */
export async function headline(): Promise<Record<string, number | null>> {
  return page.$$eval('[data-testid^="h-"] .value .num', (nodes) =>
    Object.fromEntries(
      nodes.map((node) => {
        const id = (node.closest('[data-testid]') as HTMLElement).dataset['testid']!.slice(2);
        const raw = (node as HTMLElement).dataset['value'] ?? '';
        return [id, raw === '' ? null : Number(raw)];
      }),
    ),
  );
}

/** What the headline must show for a summary from the API. */
export const expectedHeadline = (s: Summary): Record<string, number | null> => ({
  calls: s.calls,
  success: s.successRate,
  input: s.tokens.input,
  output: s.tokens.output,
  cached: s.tokens.cacheRead,
  reasoning: s.tokens.reasoning,
  cost: s.cost.total,
  p50: s.latency.p50Ms,
  p95: s.latency.p95Ms,
});

/** The row keys of a table, in the order shown. */
export async function tableKeys(table: string): Promise<string[]> {
  return page.$$eval(`table[data-table="${table}"] tbody tr[data-key]`, (rows) =>
    rows.map((row) => (row as HTMLElement).dataset['key']!),
  );
}
