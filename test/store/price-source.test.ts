/**
 * Provenance on every priced event (issue 14 item 2), on memory, SQLite and PostgreSQL: the
 * ledger names where each cost's prices came from (`override`, `bundled 0.1.8`, `catalog SHA`
 * after a refreshed catalog is installed) and when it was priced; the store keeps both, and
 * filters and groups by the source (raw events: the rollups are not keyed by it).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createRecordingLedger } from '#src/ledger/index.js';
import { checkCatalogText, installCatalog, sha256Of } from '#src/pricing/index.js';
import type { Store } from '#src/store/index.js';
import { testStores } from '../analytics/stores.js';
import { catalogWithGpt4oInput } from '../helpers/edited-catalog.js';

const stores = testStores('tl_price_source');
afterAll(async () => {
  for (const store of stores) await store.cleanup();
});

const NOW = Date.parse('2026-12-01T12:00:00Z');
const gpt4o = (run: string) => ({
  provider: 'openai',
  model: 'gpt-4o',
  run,
  usage: { inputTokens: 1_000_000, outputTokens: 0 },
});

describe('price source on memory, SQLite and PostgreSQL', () => {
  it('each priced event names its price source and time; every store filters and groups by it', async () => {
    let clock = NOW;
    const opened: Array<{ kind: string; store: Store; ledger: ReturnType<typeof createRecordingLedger> }> = [];
    for (const testStore of stores) {
      const store = await testStore.open();
      const ledger = createRecordingLedger({
        store,
        clock: () => clock,
        prices: [{ provider: 'openai', model: 'my-tuned', input: 1, output: 1 }],
      });
      opened.push({ kind: testStore.kind, store, ledger });
    }
    const ids = new Map<string, { bundled: string; refreshed: string; unpriced: string }>();
    const before = [];
    for (const { ledger } of opened) {
      const bundled = await ledger.record(gpt4o('a'));
      expect(bundled.priceSource).toBe('bundled 0.1.8');
      expect(bundled.pricedAt).toBe('2026-12-01T12:00:00.000Z');
      const override = await ledger.record({ ...gpt4o('a'), model: 'my-tuned' });
      expect(override.priceSource).toBe('override');
      const unpriced = await ledger.record({ ...gpt4o('a'), model: 'no-such-model-xyz' });
      expect(unpriced.priceSource).toBeUndefined();
      expect(unpriced.pricedAt).toBeUndefined();
      before.push({ bundled: bundled.id, unpriced: unpriced.id });
    }

    // A refreshed catalog, as `prices update` installs it.
    const text = await catalogWithGpt4oInput(2);
    const sha = sha256Of(text).slice(0, 12);
    const check = await checkCatalogText(text);
    if (!check.ok) throw new Error(check.reason);
    await installCatalog(check.providers, {
      sha256: sha256Of(text),
      source: 'test',
      fetchedAt: new Date(NOW).toISOString(),
    });
    clock = NOW + 60_000;
    for (const [index, { kind, ledger }] of opened.entries()) {
      const refreshed = await ledger.record(gpt4o('b'));
      expect(refreshed.priceSource).toBe(`catalog ${sha}`);
      expect(refreshed.pricedAt).toBe('2026-12-01T12:01:00.000Z');
      expect(refreshed.cost?.totalNanos).toBe(2_000_000_000);
      const first = before[index];
      if (first === undefined) throw new Error('missing');
      ids.set(kind, { ...first, refreshed: refreshed.id });
      await ledger.flush();
    }

    for (const { kind, store, ledger } of opened) {
      const id = ids.get(kind);
      const page = await store.events({ filter: {}, limit: 10 });
      const byId = new Map(page.events.map((event) => [event.id, event]));
      expect(byId.get(id?.bundled ?? '')).toMatchObject({
        priceSource: 'bundled 0.1.8',
        pricedAt: '2026-12-01T12:00:00.000Z',
      });
      expect(byId.get(id?.refreshed ?? '')).toMatchObject({
        priceSource: `catalog ${sha}`,
        pricedAt: '2026-12-01T12:01:00.000Z',
      });
      expect(byId.get(id?.unpriced ?? '')?.priceSource).toBeUndefined();

      const rows = await store.aggregate({ filter: {}, groupBy: ['priceSource'] });
      const sums = Object.fromEntries(rows.map((row) => [String(row.key.priceSource), [row.calls, row.costNanos]]));
      expect(sums, kind).toEqual({
        'bundled 0.1.8': [1, 2_500_000_000],
        override: [1, 1_000_000_000],
        [`catalog ${sha}`]: [1, 2_000_000_000],
        null: [1, 0],
      });
      const filtered = await store.aggregate({ filter: { priceSource: [`catalog ${sha}`, 'override'] }, groupBy: [] });
      expect(
        filtered.map((row) => [row.calls, row.costNanos]),
        kind,
      ).toEqual([[2, 3_000_000_000]]);
      const ranked = await store.rank({ filter: {}, groupBy: ['priceSource'], orderBy: 'cost', limit: 10 });
      expect(
        ranked.keys.map((key) => key.priceSource),
        kind,
      ).toEqual(['bundled 0.1.8', `catalog ${sha}`, 'override', null]);
      await ledger.close();
      await store.close();
    }
  }, 60_000);
});
