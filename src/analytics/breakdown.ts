/**
 * A breakdown by any dimensions: provider, model, agent, run, status, a tag key (`tag:team`), or
 * two of them (`['tag:team', 'model']`), ranked by cost (or tokens, calls, mean latency) and
 * paged. What `GET /analytics/tokens/breakdown`, `tokenledger report --by` and the dashboard's
 * group-by tables show.
 *
 * @module
 */
import { MAX_RANK_LIMIT, type GroupKey, type Store } from '../store/index.js';
import type { Breakdown, BreakdownEntry, Filter } from '../types/index.js';
import { rankedRows, totalCostNanos } from './ranked.js';
import { type RankMetric, statsFromRow, withCostShares } from './stats.js';

export interface BreakdownOptions {
  /** One or two dimensions. */
  by: readonly GroupKey[];
  /** @default 'cost' */
  sort?: RankMetric;
  /** At most this many groups. @default 10,000 (the most a store ranks at once) */
  limit?: number;
  /** Skip this many groups first (paging). @default 0 */
  offset?: number;
}

/**
 * The groups matching `filter`, largest `sort` first (ranked in the store), each with its share
 * of the whole cost; `total` counts every group, not only the page.
 */
export async function usageBreakdown(store: Store, filter: Filter, options: BreakdownOptions): Promise<Breakdown> {
  const sort = options.sort ?? 'cost';
  const offset = options.offset ?? 0;
  const [page, totalNanos] = await Promise.all([
    rankedRows(store, filter, { groupBy: options.by, orderBy: sort, limit: options.limit ?? MAX_RANK_LIMIT, offset }),
    totalCostNanos(store, filter),
  ]);
  const entries = page.rows.map((row) => ({ key: { ...row.key } as BreakdownEntry['key'], ...statsFromRow(row) }));
  return { by: [...options.by], sort, total: page.total, offset, groups: withCostShares(entries, totalNanos) };
}
