/**
 * The dashboard says how many calls' costs disagree with what the provider reported, and by how
 * much: a real server over SQLite, the recorded OpenRouter answer whose `usage.cost` includes a web
 * search fee beside one that agrees, in Debian's Chromium.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '#src/server/index.js';
import type { Summary } from '#src/types/index.js';
import { loadCorpus } from '../helpers/sse.js';
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
  tearDown,
} from './harness.js';

let server: RunningServer;
const body = (name: string) => loadCorpus().find((fixture) => fixture.name === name)!.body;

beforeAll(async () => {
  await buildDashboard();
  server = await serve('cost-mismatch');
  const time = new Date(Date.now() - 3_600_000).toISOString();
  await server.ledger.record({ provider: 'openrouter', response: body('openrouter-01-chat-cost.json'), time });
  await server.ledger.record({
    provider: 'openrouter',
    response: body('openrouter-02-chat-cache-read-write.json'),
    time,
  });
  await server.ledger.flush();
  await launch();
}, 120_000);
afterAll(tearDown);
afterEach(closePage);

describe('cost mismatches on the dashboard', () => {
  it('the summary counts the one call that disagrees, with both sums', async () => {
    const { summary } = await api<{ summary: Summary }>('/analytics/tokens', server.url);
    expect(summary.calls).toBe(2);
    expect(summary.providerCostMismatch).toEqual({ calls: 1, ours: 0.0033176, provider: 0.0133176 });
  });

  it('the overview flags it beside the other notices, ours and the provider figure', async () => {
    await newPage();
    await open('?refresh=0', server.url);
    expect(await page.textContent('[data-testid="flag-cost-mismatch"]')).toBe('1 cost mismatch');
    const notice = await page.textContent('p.notice');
    expect(notice).toContain('ours $0.003318');
    expect(notice).toContain('the provider $0.013318');
    expect(consoleErrors).toEqual([]);
  });
});
