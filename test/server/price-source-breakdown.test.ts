/**
 * The analytics API filters and groups by price source (issue 14 item 2): breakdown
 * `by=priceSource`, and `priceSource=` as a filter on any route, over events priced from the
 * bundle, from an override, and not priced.
 */
import { describe, expect, it } from 'vitest';
import { createRecordingLedger } from '#src/ledger/index.js';
import { openStore } from '#src/store/index.js';
import { makeApp } from './helpers.js';

describe('analytics by price source', () => {
  it('breakdown by=priceSource and the priceSource filter', async () => {
    const store = await openStore('memory:');
    const app = await makeApp({ store });
    const overrides = createRecordingLedger({ store, prices: [{ model: 'my-tuned', input: 1, output: 1 }] });
    const usage = { inputTokens: 1_000_000, outputTokens: 0 };
    await app.ledger.record({ provider: 'openai', model: 'gpt-4o', usage });
    await app.ledger.record({ provider: 'openai', model: 'gpt-4o', usage });
    await app.ledger.record({ provider: 'openai', model: 'no-such-model-xyz', usage });
    await overrides.record({ provider: 'openai', model: 'my-tuned', usage });
    await app.ledger.flush();
    await overrides.flush();

    const response = await app.request('/analytics/tokens/breakdown?by=priceSource');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { groups: Array<{ key: object; calls: number; cost: { total: number } }> };
    expect(body.groups.map(({ key, calls, cost }) => ({ key, calls, costUsd: cost.total }))).toEqual([
      { key: { priceSource: 'bundled 0.1.8' }, calls: 2, costUsd: 5 },
      { key: { priceSource: 'override' }, calls: 1, costUsd: 1 },
      { key: { priceSource: null }, calls: 1, costUsd: 0 },
    ]);

    const filtered = (await (
      await app.request('/analytics/tokens/breakdown?by=model&priceSource=override')
    ).json()) as {
      groups: Array<{ key: object; calls: number }>;
    };
    expect(filtered.groups.map(({ key, calls }) => ({ key, calls }))).toEqual([
      { key: { model: 'my-tuned' }, calls: 1 },
    ]);

    const events = (await (await app.request('/analytics/events?priceSource=bundled%200.1.8')).json()) as {
      events: Array<{ model: string; priceSource: string; pricedAt: string }>;
    };
    expect(events.events.map((event) => [event.model, event.priceSource])).toEqual([
      ['gpt-4o', 'bundled 0.1.8'],
      ['gpt-4o', 'bundled 0.1.8'],
    ]);
    expect(events.events.every((event) => !Number.isNaN(Date.parse(event.pricedAt)))).toBe(true);
    await overrides.close();
    await app.ledger.close();
  });
});
