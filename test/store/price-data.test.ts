/**
 * Price data in the store (schema version 12), the same on memory, SQLite and PostgreSQL:
 * attempts numbered in order, the newest installed one with its text, a refusal reported only
 * while it is newer than the installed data, and the text of old installs dropped past
 * KEEP_DATA.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PriceDataEntry } from '#src/types/index.js';
import { testStores } from '../analytics/stores.js';

const stores = testStores('tl_price_data');
afterAll(async () => {
  for (const store of stores) await store.cleanup();
});

function entry(status: 'installed' | 'refused', n: number): PriceDataEntry {
  return {
    status,
    sha256: status === 'installed' ? `sha-${n}` : undefined,
    source: `https://example.test/${n}.json`,
    fetchedAt: new Date(Date.UTC(2026, 11, 1, 0, n)).toISOString(),
    reason: status === 'refused' ? `reason ${n}` : undefined,
    warnings: status === 'installed' && n === 2 ? ['1 price moved more than 10x: a/b input_mtok 1 -> 20 (20x)'] : [],
    providers: status === 'installed' ? 40 + n : undefined,
    models: status === 'installed' ? 1600 + n : undefined,
    ...(status === 'installed' ? { data: `[{"n":${n}}]` } : {}),
  };
}

describe.each(stores)('$kind store: price data', (testStore) => {
  it('keeps attempts in order; the newest install wins; a refusal shows while newer', async () => {
    const store = await testStore.open();
    try {
      expect(await store.priceDataState()).toEqual({ installed: undefined, refused: undefined });
      const refused = await store.addPriceData(entry('refused', 1));
      expect(refused).toEqual({ ...entry('refused', 1), id: refused.id });
      expect(await store.priceDataState()).toEqual({ installed: undefined, refused });

      const installed = await store.addPriceData(entry('installed', 2));
      expect(installed.id).toBeGreaterThan(refused.id);
      const { data: _data, ...record } = entry('installed', 2);
      expect(await store.priceDataState()).toEqual({ installed: { ...record, id: installed.id }, refused: undefined });
      expect(await store.priceDataText(installed.id)).toBe('[{"n":2}]');
      expect(await store.priceDataText(refused.id)).toBeUndefined();

      const later = await store.addPriceData(entry('refused', 3));
      expect((await store.priceDataState()).refused).toEqual(later);

      const ids = [installed.id];
      for (let n = 4; n < 10; n++) ids.push((await store.addPriceData(entry('installed', n))).id);
      // The newest five installs keep their text; the one before them does not.
      expect(await store.priceDataText(ids[0] ?? 0)).toBeUndefined();
      expect(await store.priceDataText(ids[1] ?? 0)).toBeUndefined();
      expect(await store.priceDataText(ids[2] ?? 0)).toBe('[{"n":5}]');
      expect((await store.priceDataState()).installed?.sha256).toBe('sha-9');
    } finally {
      await store.close();
    }
  });
});
