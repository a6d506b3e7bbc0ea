/**
 * Per run (one analysis, one job, one conversation).
 *
 * @module
 */
import { MAX_RANK_LIMIT, type AggregateRow, type RankOrder, type Store } from '../store/index.js';
import type { Filter, RunStats } from '../types/index.js';
import { rankedRows, totalCostNanos } from './ranked.js';
import { compareNames, statsFromRow, withCostShares } from './stats.js';
import { wallTimeMs } from './summary.js';

/**
 * Wall times need one indexed read per run; beyond this many runs of an answer (the first ones
 * are served) `wallTimeMs` is left `null` to keep the answer fast.
 */
export const RUN_WALL_TIME_LIMIT = 500;

/** One entry per run, most recently started first; calls without a run are grouped under `run: null`. */
export async function usageByRun(store: Store, filter: Filter = {}): Promise<RunStats[]> {
  const rows = await store.aggregate({ filter, groupBy: ['run'] });
  const runs = withCostShares(rows.map(runStats)).sort(
    (a, b) =>
      (b.lastTime === null ? -Infinity : Date.parse(b.lastTime)) -
        (a.lastTime === null ? -Infinity : Date.parse(a.lastTime)) || compareNames(a.run, b.run),
  );
  await addWallTimes(store, filter, runs);
  return runs;
}

export interface RunPageOptions {
  /**
   * Which runs come first: the most expensive (`cost`), the largest (`tokens`, `calls`), the
   * slowest on average (`latency`) or the latest (`recent`), of every run that matches: the
   * store ranks them.
   * @default 'recent'
   */
  sort?: RankOrder;
  /** Runs skipped before the page. @default 0 */
  offset?: number;
}

/**
 * One page of runs, ranked in the store, and how many runs match in all: a ledger may hold
 * hundreds of thousands of runs, and a list of them all is too big to send or draw. Shares are
 * of the whole filter's cost.
 */
export async function usageByRunPage(
  store: Store,
  filter: Filter,
  limit: number,
  options: RunPageOptions = {},
): Promise<{ runs: RunStats[]; total: number }> {
  const [page, totalNanos] = await Promise.all([
    rankedRows(store, filter, {
      groupBy: ['run'],
      orderBy: options.sort ?? 'recent',
      limit: Math.min(limit, MAX_RANK_LIMIT),
      offset: options.offset ?? 0,
    }),
    totalCostNanos(store, filter),
  ]);
  const runs = withCostShares(page.rows.map(runStats), totalNanos);
  await addWallTimes(store, filter, runs);
  return { runs, total: page.total };
}

function runStats(row: AggregateRow): Omit<RunStats, 'costShare'> {
  return { run: row.key.run ?? null, ...statsFromRow(row), wallTimeMs: null };
}

/** Wall times of the first RUN_WALL_TIME_LIMIT named runs, a few reads at a time. */
async function addWallTimes(store: Store, filter: Filter, runs: RunStats[]): Promise<void> {
  const timed = runs.filter((r) => r.run !== null).slice(0, RUN_WALL_TIME_LIMIT);
  // A pg pool has ~10 connections and SQLite is one thread anyway.
  for (let i = 0; i < timed.length; i += 8) {
    await Promise.all(
      timed.slice(i, i + 8).map(async (entry) => {
        entry.wallTimeMs = await wallTimeMs(store, { ...filter, run: entry.run ?? undefined }, entry.firstTime);
      }),
    );
  }
}
