/**
 * The server's SQLite counters (sqlite-counters-thread.ts) start their worker thread only when a
 * call needs it: a server with no budgets reads the definitions at start and each second, and
 * that alone starts no thread. Threads are counted in /proc/self/task (Linux, as CI is).
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBudgetCounters } from '#src/budgets/index.js';

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
  it('start no thread for definition reads and admissions; the first settle starts one', async () => {
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
      expect(threads()).toBeGreaterThan(before);
      expect(await counters.state([line], 2)).toEqual([{ spent: 25, held: 0 }]);
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

/** Waits (up to 5 s) for a worker thread that was told to end to be gone. */
async function waitFor(done: () => boolean): Promise<void> {
  for (let tries = 0; tries < 500 && !done(); tries++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(done()).toBe(true);
}
