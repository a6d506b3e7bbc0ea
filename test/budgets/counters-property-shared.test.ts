import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, it } from 'vitest';
import { PostgresBudgetCounters, RedisBudgetCounters } from '#src/budgets/index.js';
import { dropSchemas, PG_URL, uniqueSchema } from '../store/pg-admin.js';
import { counterProperty } from './counters-property.js';

const schema = uniqueSchema('tl_budget_prop');
const prefix = `tl-test-budget-prop-${process.pid}-${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  await dropSchemas([schema]);
  const admin = new Redis('redis://127.0.0.1:6379');
  const keys = await admin.keys(`${prefix}:*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

describe('shared budget counters under random interleavings (reserve, settle, cancel, crash, renew, window changes)', () => {
  it('postgres', () =>
    counterProperty(() => PostgresBudgetCounters.open({ url: `${PG_URL}?schema=${schema}`, poolSize: 2 }), 25));
  it('redis', () =>
    counterProperty(async () => new RedisBudgetCounters({ redis: 'redis://127.0.0.1:6379', prefix }), 40));
});
