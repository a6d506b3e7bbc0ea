/**
 * PostgreSQL reserves commit asynchronously (postgres-counters.ts): a PostgreSQL crash may lose
 * the holds of the calls reserved just before it. Their settles must still charge the spend,
 * exactly, once. A lost hold is simulated by deleting its rows, which is what such a crash leaves.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createBudgetGuard, PostgresBudgetCounters } from '#src/budgets/index.js';
import { createPricer } from '#src/pricing/index.js';
import { adminClient, adminQuery, dropSchemas, PG_URL, uniqueSchema } from '../store/pg-admin.js';
import { budget } from './helpers.js';

const schema = uniqueSchema('tl_budgets_lost');
const NOW = Date.parse('2026-12-01T10:00:00Z');
const DAY_BUCKET = Date.parse('2026-12-01T00:00:00Z');
const MONTH_BUCKET = Date.parse('2026-12-01T00:00:00Z');
const HOUR = 3_600_000;
afterAll(() => dropSchemas([schema]));

const open = () => PostgresBudgetCounters.open({ url: `${PG_URL}?schema=${schema}` });
const window = (counter: string, bucket: number) => ({ counter, bucket, fromBucket: bucket, stepMs: HOUR });

describe('PostgreSQL budget counters: asynchronous reserves', () => {
  it("commits a reserve without waiting for the disk, and only the reserve's transaction", async () => {
    await (await open()).close();
    const client = await adminClient();
    try {
      await client.query(`SET search_path TO "${schema}"`);
      await client.query('BEGIN');
      await client.query(
        "SELECT * FROM tokenledger_budget_reserve('r-sync', ARRAY['c-sync'], ARRAY[0::bigint], ARRAY[0::bigint], ARRAY[100::bigint], ARRAY[1::bigint], 0, 60000, 0)",
      );
      expect((await client.query('SHOW synchronous_commit')).rows).toEqual([{ synchronous_commit: 'off' }]);
      await client.query('COMMIT');
      expect((await client.query('SHOW synchronous_commit')).rows).toEqual([{ synchronous_commit: 'on' }]);
    } finally {
      await client.end();
    }
  });

  it('a settle whose holds were lost still charges each counter exactly, once', async () => {
    const counters = await open();
    const lines = [
      { ...window('lost-a', DAY_BUCKET), cap: 10_000, amount: 4_000 },
      { ...window('lost-b', MONTH_BUCKET), cap: 10_000, amount: 4_000 },
    ];
    expect((await counters.reserve({ reservationId: 'r-lost', lines, now: NOW, leaseMs: 60_000 })).admitted).toBe(true);
    await adminQuery(`DELETE FROM "${schema}".budget_holds WHERE reservation = 'r-lost'`);
    const buckets = { 'lost-a': DAY_BUCKET, 'lost-b': MONTH_BUCKET };
    expect(await counters.settle('r-lost', { 'lost-a': 1_234, 'lost-b': 567 }, buckets)).toBe(true);
    expect(await counters.settle('r-lost', { 'lost-a': 1_234, 'lost-b': 567 }, buckets)).toBe(false);
    expect(await counters.state([window('lost-a', DAY_BUCKET), window('lost-b', MONTH_BUCKET)], NOW)).toEqual([
      { spent: 1_234, held: 0 },
      { spent: 567, held: 0 },
    ]);
    // Without the buckets an unknown reservation charges nothing (nowhere to charge it).
    expect(await counters.settle('never-reserved', { 'lost-a': 5 })).toBe(false);
    await counters.close();
  });

  it('a settle after its hold was settled and lost does not charge again', async () => {
    const counters = await open();
    const lines = [{ ...window('twice', DAY_BUCKET), cap: 10_000, amount: 4_000 }];
    await counters.reserve({ reservationId: 'r-twice', lines, now: NOW, leaseMs: 60_000 });
    expect(await counters.settle('r-twice', { twice: 700 }, { twice: DAY_BUCKET })).toBe(true);
    expect(await counters.settle('r-twice', { twice: 700 }, { twice: DAY_BUCKET })).toBe(false);
    expect(await counters.state([window('twice', DAY_BUCKET)], NOW)).toEqual([{ spent: 700, held: 0 }]);
    await counters.close();
  });

  it('through the guard: a call whose holds were lost settles its real cost on every budget', async () => {
    const counters = await open();
    const guard = createBudgetGuard({
      budgets: [
        budget({ name: 'lost-day', cap: 10_000_000 }),
        budget({ name: 'lost-month', cap: 10_000_000, window: { kind: 'month', timeZone: 'UTC' } }),
      ],
      counters,
      pricer: createPricer(),
      now: () => NOW,
    });
    const admission = await guard.admit({
      call: { provider: 'openai', model: 'gpt-4o-mini' },
      inputTokens: 1000,
      maxOutputTokens: 500,
    });
    await adminQuery(`DELETE FROM "${schema}".budget_holds WHERE reservation = '${admission.reservationId}'`);
    expect((await admission.settle({ costNanos: 123_456, tokens: 1_400 })).settled).toBe(true);
    expect(
      await counters.state(
        admission.budgets.map((entry) => ({ counter: entry.counter, ...entry.span })),
        NOW,
      ),
    ).toEqual([
      { spent: 123_456, held: 0 },
      { spent: 123_456, held: 0 },
    ]);
    await counters.close();
  });
});
