/**
 * Per run (one analysis, one job, one conversation).
 *
 * @module
 */
import type { Store } from '../store/index.js';
import type { Filter, RunStats } from '../types/index.js';
import { compareNames, statsFromRow, withCostShares } from './stats.js';
import { wallTimeMs } from './summary.js';

/**
 * Wall times need one indexed read per run; beyond this many runs (the most recent ones are
 * served first) `wallTimeMs` is left `null` to keep the answer fast.
 */
export const RUN_WALL_TIME_LIMIT = 500;

/** One entry per run, most recently started first; calls without a run are grouped under `run: null`. */
export async function usageByRun(store: Store, filter: Filter = {}): Promise<RunStats[]> {
  return (await usageByRunPage(store, filter, Number.POSITIVE_INFINITY)).runs;
}

/**
 * The `limit` most recent runs and how many runs match in all: a ledger may hold hundreds of
 * thousands of runs, and a list of them all is too big to send or draw.
 */
export async function usageByRunPage(
  store: Store,
  filter: Filter,
  limit: number,
): Promise<{ runs: RunStats[]; total: number }> {
  const rows = await store.aggregate({ filter, groupBy: ['run'] });
  const all = withCostShares(
    rows.map((row) => ({ run: row.key.run ?? null, ...statsFromRow(row), wallTimeMs: null as number | null })),
  ).sort(
    (a, b) =>
      (b.lastTime === null ? -Infinity : Date.parse(b.lastTime)) -
        (a.lastTime === null ? -Infinity : Date.parse(a.lastTime)) || compareNames(a.run, b.run),
  );
  const runs = all.slice(0, limit);
  const timed = runs.filter((r) => r.run !== null).slice(0, RUN_WALL_TIME_LIMIT);
  // A few reads at a time: a pg pool has ~10 connections and SQLite is one thread anyway.
  for (let i = 0; i < timed.length; i += 8) {
    await Promise.all(
      timed.slice(i, i + 8).map(async (entry) => {
        entry.wallTimeMs = await wallTimeMs(store, { ...filter, run: entry.run ?? undefined }, entry.firstTime);
      }),
    );
  }
  return { runs, total: all.length };
}
