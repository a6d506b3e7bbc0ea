/**
 * The totals for a filter, with the wall-clock span of the calls.
 *
 * @module
 */
import type { Store } from '../store/index.js';
import type { Filter, Summary } from '../types/index.js';
import { statsFromRow } from './stats.js';

/**
 * Totals over every call matching `filter`: calls, success rate, tokens, cost, timing.
 *
 * @example
 * const s = await summary(store, { run: 'AAPL' });
 * console.log(s.calls, s.tokens.total, s.cost.total, s.latency.p95Ms);
 */
export async function summarizeUsage(store: Store, filter: Filter = {}): Promise<Summary> {
  const [row] = await store.aggregate({ filter, groupBy: [] });
  const stats = statsFromRow(row);
  return { ...stats, wallTimeMs: await wallTimeMs(store, filter, stats.firstTime) };
}

/**
 * From the first call's start to the end of the last-started call. The end of the last call
 * is its start plus its duration (0 when it reported none); a call started earlier that
 * finished later is not looked for, which keeps this one indexed read.
 */
export async function wallTimeMs(store: Store, filter: Filter, firstTime: string | null): Promise<number | null> {
  if (firstTime === null) return null;
  const page = await store.events({ filter, limit: 1 });
  const last = page.events[0];
  if (last === undefined) return null;
  return Date.parse(last.time) + (last.durationMs ?? 0) - Date.parse(firstTime);
}
