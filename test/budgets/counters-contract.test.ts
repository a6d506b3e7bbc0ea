import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import {
  MemoryBudgetCounters,
  openBudgetCounters,
  PostgresBudgetCounters,
  RedisBudgetCounters,
  SqliteBudgetCounters,
} from '#src/budgets/index.js';
import { dropSchemas, PG_URL, uniqueSchema } from '../store/pg-admin.js';
import { counterContract } from './counters-contract.js';
import { definitionsContract } from './definitions-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'budget-counters-'));
const schema = uniqueSchema('tl_budgets');
const prefix = `tl-test-budgets-${process.pid}-${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas([schema]);
  const admin = new Redis('redis://127.0.0.1:6379');
  const keys = await admin.keys(`${prefix}:*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

counterContract('memory', async () => new MemoryBudgetCounters());
counterContract('sqlite', async () => SqliteBudgetCounters.open({ path: join(dir, 'counters.db') }));
counterContract('sqlite in a worker thread', () =>
  openBudgetCounters({ store: `sqlite:${join(dir, 'counters-thread.db')}`, sqliteThread: 'worker' }),
);
counterContract('postgres', () => PostgresBudgetCounters.open({ url: `${PG_URL}?schema=${schema}` }));
counterContract('redis', async () => new RedisBudgetCounters({ redis: 'redis://127.0.0.1:6379', prefix }));

definitionsContract('memory', async () => new MemoryBudgetCounters(), { shared: false });
definitionsContract('sqlite', async () => SqliteBudgetCounters.open({ path: join(dir, 'counters.db') }));
definitionsContract('sqlite in a worker thread', () =>
  openBudgetCounters({ store: `sqlite:${join(dir, 'counters-thread.db')}`, sqliteThread: 'worker' }),
);
definitionsContract('postgres', () => PostgresBudgetCounters.open({ url: `${PG_URL}?schema=${schema}` }));
definitionsContract('redis', async () => new RedisBudgetCounters({ redis: 'redis://127.0.0.1:6379', prefix }));
