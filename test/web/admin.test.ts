/**
 * The dashboard and the admin key: behind a server with one it asks for the key, refuses a
 * wrong one, reads with the right one and resets the filtered events from the UI; on a
 * server without one it is read-only.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '#src/server/index.js';
import type { Summary } from '#src/types/index.js';
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
  tearDown,
} from './harness.js';
import { seedStore } from './seed.js';

const T0 = Date.parse('2026-03-01T08:00:00Z');
const ADMIN = 'tl-admin-web-0123456789';
let server: RunningServer;
let keyed: RunningServer;
let ingestOnly: RunningServer;

beforeAll(async () => {
  await buildDashboard();
  server = await serve('open');
  await seedStore(server.store, { count: 50, start: T0, spanMs: 86_400_000 });
  keyed = await serve('keyed', { server: { adminKey: 'env:TL_WEB_ADMIN' } }, { TL_WEB_ADMIN: ADMIN });
  ingestOnly = await serve(
    'ingest-only',
    { server: { ingestKey: 'env:TL_WEB_INGEST' } },
    { TL_WEB_INGEST: 'tl-ingest-web-0123456789' },
  );
  await seedStore(keyed.store, { count: 100, start: T0, spanMs: 86_400_000 });
  await launch();
}, 120_000);
afterAll(tearDown);
afterEach(closePage);

describe('dashboard without an admin key on the server', () => {
  it('is read-only on a server without an admin key', async () => {
    await newPage();
    await open('?refresh=0');
    await page.click('#admin');
    expect(await page.textContent('dialog h2')).toBe('Read-only');
    expect(await page.$('#reset-go')).toBeNull();
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog', { state: 'detached' });
    expect(consoleErrors).toEqual([]);
  });
});

describe('dashboard behind the admin key', () => {
  it('asks for the key, refuses a wrong one, and with the right one reads and resets the filtered events', async () => {
    await newPage();
    await open('?refresh=0', keyed.url);
    expect(await page.textContent('#lock-title')).toContain('admin key');
    await page.fill('#admin-key', 'wrong-key');
    await page.press('#admin-key', 'Enter');
    await page.waitForSelector('.lock [role="alert"]');
    expect(await page.textContent('.lock [role="alert"]')).toContain('refused');

    await page.fill('#admin-key', ADMIN);
    await page.press('#admin-key', 'Enter');
    await page.waitForSelector('[data-testid="h-calls"]');
    const headers = { 'x-tokenledger-key': ADMIN };
    const before = await api<{ summary: Summary }>('/analytics/tokens', keyed.url, { headers });
    expect(await headline()).toEqual(expectedHeadline(before.summary));
    expect(await page.textContent('#admin')).toBe('Admin ✓');
    // The key never shows in the URL.
    expect(page.url()).not.toContain(ADMIN);

    await page.fill('#f-agent', 'volume_agent');
    await page.press('#f-agent', 'Enter');
    await page.waitForURL(/agent=volume_agent/);
    await settled();
    const scoped = await api<{ summary: Summary }>('/analytics/tokens?agent=volume_agent', keyed.url, { headers });
    await page.click('#admin');
    expect(await page.textContent('#reset-scope')).toBe('agent = volume_agent');
    await page.click('#reset-go');
    expect(await page.textContent('#reset-status')).toContain('Type reset');
    await page.fill('#reset-confirm', 'reset');
    await page.click('#reset-go');
    await expect.poll(() => page.textContent('#reset-status')).toBe(`Removed ${scoped.summary.calls} events.`);
    const after = await api<{ summary: Summary }>('/analytics/tokens', keyed.url, { headers });
    expect(after.summary.calls).toBe(before.summary.calls - scoped.summary.calls);
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await headline())['calls']).toBe(0);

    // Only the 401s provoked on purpose (no key, then a wrong key) reached the console.
    expect(consoleErrors.filter((line) => !/status of 401/.test(line))).toEqual([]);
    expect(consoleErrors.length).toBeLessThanOrEqual(2);
  });
});

describe('dashboard on a server with keys but no admin key', () => {
  it("shows the server's reason on the lock screen", async () => {
    await newPage();
    await open('?refresh=0', ingestOnly.url);
    expect(await page.textContent('#lock-reason')).toBe(
      'The server says: this endpoint needs the read or admin key, and none is configured (set server.readKey or server.adminKey)',
    );
    expect(consoleErrors.filter((line) => !/status of 401/.test(line))).toEqual([]);
  });
});
