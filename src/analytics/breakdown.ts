/**
 * A breakdown by any dimensions: provider, model, agent, run, status, a tag key (`tag:team`), or
 * two of them (`['tag:team', 'model']`), ranked by cost (or tokens, calls, mean latency) and
 * paged. What `GET /analytics/tokens/breakdown`, `tokenledger report --by` and the dashboard's
 * group-by tables show.
 *
 * @module
 */
import type { GroupKey, Store } from '../store/index.js';
import type { Breakdown, BreakdownEntry, Filter } from '../types/index.js';
import { byMetric, type RankMetric, statsFromRow, withCostShares } from './stats.js';

export interface BreakdownOptions {
  /** One or two dimensions. */
  by: readonly GroupKey[];
  /** @default 'cost' */
  sort?: RankMetric;
  /** At most this many groups. @default all */
  limit?: number;
  /** Skip this many groups first (paging). @default 0 */
  offset?: number;
}

/** Groups' names joined, for a deterministic order among equals. */
function nameOf(entry: Pick<BreakdownEntry, 'key'>, by: readonly GroupKey[]): string | null {
  const parts = by.map((key) => entry.key[key] ?? null);
  return parts.every((part) => part === null) ? null : parts.map((part) => part ?? '').join('\u0000');
}

/**
 * The groups matching `filter`, largest `sort` first, each with its share of the whole cost;
 * `total` counts every group, not only the page.
 */
export async function usageBreakdown(store: Store, filter: Filter, options: BreakdownOptions): Promise<Breakdown> {
  const sort = options.sort ?? 'cost';
  const rows = await store.aggregate({ filter, groupBy: [...options.by] });
  const entries = rows.map((row) => ({ key: { ...row.key } as BreakdownEntry['key'], ...statsFromRow(row) }));
  const ranked = withCostShares(entries).sort(byMetric(sort, (entry) => nameOf(entry, options.by)));
  const offset = options.offset ?? 0;
  const page = ranked.slice(offset, options.limit === undefined ? undefined : offset + options.limit);
  return { by: [...options.by], sort, total: ranked.length, offset, groups: page };
}
