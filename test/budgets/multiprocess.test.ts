/**
 * Exactness across processes: 1,000 concurrent calls of $0.10 against a $5.00 strict budget,
 * spread over 4 child processes, admit exactly 50 on SQLite, PostgreSQL and Redis; afterwards
 * settled spend + open holds equals the spend recomputed from the ledger's events. A holder
 * killed with SIGKILL loses its holds when their lease ends; nothing is settled twice.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type BudgetCounters,
  counterOf,
  createBudgetGuard,
  PostgresBudgetCounters,
  RedisBudgetCounters,
  SqliteBudgetCounters,
  windowSpan,
} from '#src/budgets/index.js';
import { BudgetExceededError } from '#src/errors/index.js';
import { createPricer } from '#src/pricing/index.js';
import { openStore } from '#src/store/index.js';
import type { BudgetSpec } from '#src/types/index.js';
import { dropSchemas, PG_URL, uniqueSchema } from '../store/pg-admin.js';
import { DIME_CALL, DIME_NANOS, DIME_PRICES } from './dime.js';
import { budget } from './helpers.js';
import { startWorker } from './run-worker.js';
import type { WorkerArgs } from './worker.js';

const WORKERS = 4;
const CALLS_PER_WORKER = 250;
const dir = mkdtempSync(join(tmpdir(), 'budget-multiprocess-'));
const schemas: string[] = [];
const prefix = `tl-test-budgets-mp-${process.pid}-${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(schemas);
  const admin = new Redis('redis://127.0.0.1:6379');
  const keys = await admin.keys(`${prefix}:*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

interface Setup {
  counters: WorkerArgs['counters'];
  storeUrl: string;
  open: () => Promise<BudgetCounters>;
}

function setups(name: string): Record<'sqlite' | 'sqlite-server' | 'postgres' | 'redis', () => Setup> {
  return {
    sqlite: () => {
      const path = join(dir, `${name}.db`);
      return {
        counters: { kind: 'sqlite', path },
        storeUrl: `sqlite:${path}`,
        open: async () => SqliteBudgetCounters.open({ path }),
      };
    },
    // As `serve` opens them (sqlite-counters-thread.ts): reserves on the event loop when the
    // lock is free, in the worker thread when another process holds it (4 processes: often).
    'sqlite-server': () => {
      const path = join(dir, `${name}.db`);
      return {
        counters: { kind: 'sqlite-server', path },
        storeUrl: `sqlite:${path}`,
        open: async () => SqliteBudgetCounters.open({ path }),
      };
    },
    postgres: () => {
      const schema = uniqueSchema(`tl_bmp_${name.replace(/-/g, '_')}`);
      schemas.push(schema);
      const url = `${PG_URL}?schema=${schema}`;
      return { counters: { kind: 'postgres', url }, storeUrl: url, open: () => PostgresBudgetCounters.open({ url }) };
    },
    redis: () => {
      const keyPrefix = `${prefix}:${name}`;
      return {
        counters: { kind: 'redis', prefix: keyPrefix },
        storeUrl: `sqlite:${join(dir, `${name}-redis-ledger.db`)}`,
        open: async () => new RedisBudgetCounters({ redis: 'redis://127.0.0.1:6379', prefix: keyPrefix }),
      };
    },
  };
}

/** Spent and held on a budget's current window. */
async function stateOf(counters: BudgetCounters, spec: BudgetSpec, now = Date.now()) {
  const span = windowSpan(spec.window, now);
  const [state] = await counters.state(
    [{ counter: counterOf(spec), bucket: span.bucket, fromBucket: span.fromBucket, stepMs: span.stepMs }],
    now,
  );
  return state;
}

async function ledgerSpendNanos(storeUrl: string): Promise<{ calls: number; costNanos: number }> {
  const store = await openStore(storeUrl);
  try {
    const [row] = await store.aggregate({ filter: {}, groupBy: [] });
    return { calls: row?.calls ?? 0, costNanos: row?.costNanos ?? 0 };
  } finally {
    await store.close();
  }
}

// Four child processes on a 2-core machine shared with other suites: generous time limits.
describe.each(['sqlite', 'sqlite-server', 'postgres', 'redis'] as const)(
  'budgets across 4 processes: %s',
  { timeout: 180_000 },
  (kind) => {
    it('1,000 concurrent $0.10 calls against $5.00 strict: exactly 50 admitted; spent + held == the ledger', async () => {
      const setup = setups(`exact-${kind}`)[kind]();
      const spec = budget({ name: `strict-${kind}`, cap: 5_000_000_000, window: { kind: 'lifetime' } });
      // Overlapping budgets on the same calls: a daily one with room for 80 and a monthly one for 60.
      const daily = budget({ name: `daily-${kind}`, cap: 80 * DIME_NANOS });
      const monthly = budget({
        name: `monthly-${kind}`,
        cap: 60 * DIME_NANOS,
        window: { kind: 'month', timeZone: 'UTC' },
      });
      const workers = Array.from({ length: WORKERS }, (_, worker) =>
        startWorker({
          counters: setup.counters,
          storeUrl: setup.storeUrl,
          budgets: [spec, daily, monthly],
          mode: 'calls',
          calls: CALLS_PER_WORKER,
          worker,
        }),
      );
      await Promise.all(workers.map((worker) => worker.line('ready')));
      for (const worker of workers) worker.go();
      const results = (await Promise.all(workers.map((worker) => worker.line('done')))).map(
        (text) => JSON.parse(text) as { admitted: number; refused: number },
      );
      await Promise.all(workers.map((worker) => worker.exited));
      expect(results.reduce((sum, result) => sum + result.admitted, 0)).toBe(50);
      expect(results.reduce((sum, result) => sum + result.refused, 0)).toBe(950);
      const counters = await setup.open();
      try {
        const ledger = await ledgerSpendNanos(setup.storeUrl);
        expect(ledger).toEqual({ calls: 50, costNanos: 5_000_000_000 });
        for (const each of [spec, daily, monthly]) {
          const state = await stateOf(counters, each);
          expect(state).toEqual({ spent: 5_000_000_000, held: 0 });
          expect((state?.spent ?? 0) + (state?.held ?? 0)).toBe(ledger.costNanos);
        }
      } finally {
        await counters.close();
      }
    });

    it('a holder killed with SIGKILL: its holds lapse after the lease, the budget admits again, nothing settles twice', async () => {
      const setup = setups(`sigkill-${kind}`)[kind]();
      const spec = budget({ name: `killed-${kind}`, cap: 3 * DIME_NANOS, leaseMs: 4000, window: { kind: 'lifetime' } });
      const holder = startWorker({
        counters: setup.counters,
        storeUrl: setup.storeUrl,
        budgets: [spec],
        mode: 'hold',
        calls: 3,
        worker: 0,
      });
      await holder.line('ready');
      holder.go();
      const reservations = (await holder.line('held')).split(' ');
      expect(reservations).toHaveLength(3);
      holder.child.kill('SIGKILL');
      const killedAt = Date.now();
      await holder.exited;
      const counters = await setup.open();
      try {
        const guard = createBudgetGuard({
          budgets: [spec],
          counters,
          pricer: createPricer({ overrides: DIME_PRICES }),
        });
        expect(await stateOf(counters, spec)).toEqual({ spent: 0, held: 3 * DIME_NANOS });
        await expect(guard.admit(DIME_CALL)).rejects.toBeInstanceOf(BudgetExceededError);
        // Poll until the leases have run out (the holder renewed them every 1.33 s until it died).
        while ((await stateOf(counters, spec))?.held !== 0) await new Promise((resolve) => setTimeout(resolve, 100));
        expect(Date.now() - killedAt).toBeGreaterThanOrEqual(1000);
        const admissions = [await guard.admit(DIME_CALL), await guard.admit(DIME_CALL), await guard.admit(DIME_CALL)];
        await expect(guard.admit(DIME_CALL)).rejects.toBeInstanceOf(BudgetExceededError);
        expect(await stateOf(counters, spec)).toEqual({ spent: 0, held: 3 * DIME_NANOS });
        for (const each of admissions.slice(1)) await each.release();
        const [admission] = admissions;
        await admission?.settle({ costNanos: DIME_NANOS, tokens: 1000 });
        // Whoever settles a dead holder's reservation later charges it once, never twice.
        const [dead] = reservations;
        expect(await counters.settle(dead ?? '', { [counterOf(spec)]: 0 })).toBe(true);
        expect(await counters.settle(dead ?? '', { [counterOf(spec)]: DIME_NANOS })).toBe(false);
        expect(await stateOf(counters, spec)).toEqual({ spent: DIME_NANOS, held: 0 });
      } finally {
        await counters.close();
      }
    });
  },
);
