/**
 * The ledger's store and the budget counters both create their PostgreSQL schema when they open.
 * Two processes (or one `serve` and one `tokenledger budgets`) opening a new schema together must
 * both succeed: they take one setup lock per schema, so the second waits and finds it made.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresBudgetCounters } from '#src/budgets/postgres-counters.js';
import { PostgresStore } from '#src/store/postgres.js';
import { dropSchemas, PG_URL, uniqueSchema } from './pg-admin.js';

const schemas: string[] = [];

afterAll(async () => {
  await dropSchemas(schemas);
});

describe('PostgreSQL schema set-up', () => {
  it('a store and budget counters opening a new schema at once both open', async () => {
    const failures: string[] = [];
    for (let round = 0; round < 10; round++) {
      const schema = uniqueSchema('tl_setup');
      schemas.push(schema);
      const url = `${PG_URL}?schema=${schema}`;
      const opened = await Promise.allSettled([PostgresStore.open({ url }), PostgresBudgetCounters.open({ url })]);
      for (const result of opened) {
        if (result.status === 'rejected') failures.push(String(result.reason));
        else await result.value.close();
      }
    }
    expect(failures).toEqual([]);
  });
});
