/**
 * The server's SQLite counters (sqlite-counters-thread.ts) run a call's operations on the calling
 * thread and start their worker thread only when something needs it: a server with no budgets
 * reads the definitions at start and each second, and admits and settles calls, and that alone
 * starts no thread; the worker checkpoints the WAL this thread writes, and keeps it bounded
 * under writes that never pause. Threads are counted in /proc/self/task (Linux, as CI is).
 */
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetCountersPath, openBudgetCounters } from '#src/budgets/index.js';
import { WAL_RESTART_PAGES } from '#src/budgets/sqlite-counters.js';

const threads = (): number => readdirSync('/proc/self/task').length;
let dir: string;
let baseline: number;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tl-counters-thread-'));
  // libuv starts its thread pool with the first asynchronous file operation: started now, so
  // that the counts below see only the counters' own thread.
  await readFile(import.meta.filename);
  // The unit tier's files share this process: a thread an earlier file ended may still be going.
  baseline = await steadyThreads();
});

/** The thread count once it has not changed for 200 ms. */
async function steadyThreads(): Promise<number> {
  let count = threads();
  for (let steady = 0; steady < 20; ) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = threads();
    steady = now === count ? steady + 1 : 0;
    count = now;
  }
  return count;
}
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('SQLite counters of a server', () => {
  it('start no thread for definition reads, admissions and settles; a definition write starts one', async () => {
    const before = baseline;
    const counters = await openBudgetCounters({ store: `sqlite:${join(dir, 'ledger.db')}`, sqliteThread: 'worker' });
    try {
      expect(await counters.listDefinitions()).toEqual({ version: 0, budgets: [] });
      expect(await counters.definitionsVersion()).toBe(0);
      const line = { counter: 'c', bucket: 0, fromBucket: 0, stepMs: 3_600_000, cap: 100, amount: 40 };
      expect(await counters.reserve({ reservationId: 'r', lines: [line], now: 1, leaseMs: 60_000 })).toEqual({
        admitted: true,
        states: [{ spent: 0, held: 0 }],
      });
      expect(threads()).toBe(before);

      expect(await counters.settle('r', { c: 25 })).toBe(true);
      expect(await counters.state([line], 2)).toEqual([{ spent: 25, held: 0 }]);
      expect(threads()).toBe(before);

      await counters.writeDefinition({
        budget: 'daily',
        expectedRevision: 0,
        next: { name: 'daily', capUsd: 5, window: 'day' },
        audit: { at: 1, actor: 'ADMIN_KEY', action: 'create', before: null },
      });
      expect(threads()).toBeGreaterThan(before);
    } finally {
      await counters.close();
    }
  });

  it('start the thread at once when budgets are stored, so that no settle waits for it', async () => {
    const store = `sqlite:${join(dir, 'stored.db')}`;
    const first = await openBudgetCounters({ store, sqliteThread: 'worker' });
    const written = await first.writeDefinition({
      budget: 'daily',
      expectedRevision: 0,
      next: { name: 'daily', capUsd: 5, window: 'day' },
      audit: { at: 1, actor: 'ADMIN_KEY', action: 'create', before: null },
    });
    expect(written.written).toBe(true);
    await first.close();
    await waitFor(() => threads() === baseline);

    const again = await openBudgetCounters({ store, sqliteThread: 'worker' });
    try {
      expect(threads()).toBeGreaterThan(baseline);
    } finally {
      await again.close();
    }
  });
});

describe('the WAL of the calling thread', () => {
  it('stays bounded under writes that never pause: the worker checkpoints and empties it', async () => {
    const ledger = join(dir, 'busy.db');
    const counters = await openBudgetCounters({ store: `sqlite:${ledger}`, sqliteThread: 'worker', workerNow: true });
    const wal = `${budgetCountersPath(ledger)}-wal`;
    const limit = WAL_RESTART_PAGES * 4096;
    const line = { counter: 'c', bucket: 0, fromBucket: 0, stepMs: 3_600_000, cap: 1e15, amount: 40 };
    let largest = 0;
    try {
      // ~20 KiB of WAL a call: 5,000 calls write three times the limit.
      for (let call = 0; call < 5000; call++) {
        await counters.reserve({ reservationId: `r${call}`, lines: [line], now: 1, leaseMs: 60_000 });
        await counters.settle(`r${call}`, { c: 25 });
        // A server's event loop turns between calls (the worker's answers arrive in those turns).
        await new Promise((resolve) => setImmediate(resolve));
        if (call % 100 === 0) largest = Math.max(largest, statSync(wal).size);
      }
      largest = Math.max(largest, statSync(wal).size);
      // Written, and nothing lost by the truncations: 5,000 settles of 25.
      expect(await counters.state([line], 2)).toEqual([{ spent: 125_000, held: 0 }]);
    } finally {
      await counters.close();
    }
    // Without the worker's checkpoints the WAL ends at ~100 MiB (three times the limit); with
    // them it stays within the limit plus what is written while the emptying one waits.
    expect(largest).toBeGreaterThan(limit / 2);
    expect(largest).toBeLessThan(limit * 2);
  }, 60_000);
});

/** Waits (up to 5 s) for a worker thread that was told to end to be gone. */
async function waitFor(done: () => boolean): Promise<void> {
  for (let tries = 0; tries < 500 && !done(); tries++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(done()).toBe(true);
}
