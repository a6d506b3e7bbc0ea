/**
 * Issue 14, "effective-dated overrides": a user price with `from` is in force from its date, by
 * each call's own time, including dates in the future (a scheduled price change); calls before
 * it keep the price that applied without it. Bad dates are refused naming the field.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import { createRecordingLedger } from '#src/ledger/index.js';
import { createPricer } from '#src/pricing/index.js';
import { MemoryStore } from '#src/store/index.js';
import { nanos, usage } from './helpers.js';

// 1,000 input and 100 output tokens of gpt-4o-mini. The catalog's list price is $0.15 / $0.60
// per 1M; the scheduled prices below are made up, so that each is told apart from the others.
const calls = usage({ inputTokens: 1_000, outputTokens: 100 });
const CATALOG = nanos(1_000, 0.15) + nanos(100, 0.6);
const DECEMBER = nanos(1_000, 1) + nanos(100, 2);
const JANUARY = nanos(1_000, 3) + nanos(100, 4);
const schedule = [
  { provider: 'openai', model: 'gpt-4o-mini', input: 1, output: 2, from: '2026-12-15' },
  { provider: 'openai', model: 'gpt-4o-mini', input: 3, output: 4, from: '2027-01-01T00:00:00+01:00' },
];

describe('dated price overrides', () => {
  const pricer = createPricer({ overrides: schedule });
  const at = (iso: string) =>
    pricer.price({ provider: 'openai', model: 'gpt-4o-mini', usage: calls, time: new Date(iso) }).cost?.totalNanos;

  it('each call is priced by the override in force at its time, the catalog before the first', () => {
    expect(at('2026-12-14T23:59:59.999Z')).toBe(CATALOG);
    expect(at('2026-12-15T00:00:00Z')).toBe(DECEMBER);
    // The January price names an offset: in force from 2026-12-31 23:00 UTC.
    expect(at('2026-12-31T22:59:59Z')).toBe(DECEMBER);
    expect(at('2026-12-31T23:00:00Z')).toBe(JANUARY);
    expect(at('2027-06-01T00:00:00Z')).toBe(JANUARY);
  });

  it('says where the price came from', () => {
    const lookup = pricer.lookup({ provider: 'openai', model: 'gpt-4o-mini', time: new Date('2026-12-20T00:00:00Z') });
    expect(lookup?.source).toBe('override');
    expect(lookup?.note).toMatch(/^price override in force since 2026-12-15T00:00:00.000Z; /);
    const before = pricer.lookup({ provider: 'openai', model: 'gpt-4o-mini', time: new Date('2026-12-01T00:00:00Z') });
    expect(before?.source).toBe('catalog');
  });

  it('a future date takes effect on its day by the clock, without a restart; earlier events keep their price', async () => {
    let now = Date.parse('2026-12-14T12:00:00Z');
    const store = new MemoryStore();
    const ledger = createRecordingLedger({ store, prices: schedule, clock: () => now });
    const record = () => ledger.record({ provider: 'openai', model: 'gpt-4o-mini', usage: calls }, { failOpen: false });
    const before = await record();
    now = Date.parse('2026-12-15T00:00:01Z');
    const after = await record();
    expect(before.cost?.totalNanos).toBe(CATALOG);
    expect(after.cost?.totalNanos).toBe(DECEMBER);
    const stored = (await store.events({ filter: {}, limit: 10 })).events.map((event) => event.cost?.totalNanos);
    expect(stored.sort()).toEqual([CATALOG, DECEMBER].sort());
  });

  it('an undated override of the same model is what applies before the first date', () => {
    const withBase = createPricer({
      overrides: [{ model: 'gpt-4o-mini', input: 0.5, output: 0.5 }, ...schedule],
    });
    const price = (iso: string) =>
      withBase.price({ provider: 'openai', model: 'gpt-4o-mini', usage: calls, time: new Date(iso) }).cost?.totalNanos;
    expect(price('2026-12-01T00:00:00Z')).toBe(nanos(1_000, 0.5) + nanos(100, 0.5));
    expect(price('2026-12-16T00:00:00Z')).toBe(DECEMBER);
  });

  it('a date that does not exist is refused, naming the field, by the pricer and the config', () => {
    expect(() => createPricer({ overrides: [{ model: 'm', input: 1, output: 1, from: '2026-02-30' }] })).toThrow(
      expect.objectContaining({ field: 'overrides[0].from' }),
    );
    expect(() => createPricer({ overrides: [{ model: 'm', input: 1, output: 1, from: 'next week' }] })).toThrow(
      /overrides\[0\]\.from must be an ISO date/,
    );
    expect(() =>
      parseConfig({ prices: [{ model: 'm', input: 1, output: 1, from: '2026-13-01' }] }, 'inline', {}),
    ).toThrow(/prices\.0\.from|prices\[0\]\.from/);
    expect(
      parseConfig({ prices: [{ model: 'm', input: 1, output: 1, from: '2026-09-01' }] }, 'inline', {}).prices,
    ).toEqual([{ model: 'm', input: 1, output: 1, from: '2026-09-01' }]);
  });
});
