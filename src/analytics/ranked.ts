/**
 * A page of ranked groups with their full figures: the store ranks (Store.rank, in SQL), then
 * one aggregate over the page's keys gives each group's sums and percentiles. The aggregate's
 * filter is narrowed to the page's values, dimension by dimension, so a page of 100 of a
 * million runs reads those runs only; a dimension whose page holds `null` (calls without a
 * run) cannot be narrowed to it and is left as the filter has it.
 *
 * @module
 */
import { tagOfGroupKey, type AggregateRow, type GroupKey, type RankOrder, type Store } from '../store/index.js';
import type { Filter } from '../types/index.js';

export interface RankedRows {
  /** The page's rows, in rank order. */
  rows: AggregateRow[];
  /** How many groups match in all. */
  total: number;
}

/** The filter narrowed to the values the page's keys take (see the module comment). */
function narrowed(filter: Filter, groupBy: readonly GroupKey[], keys: readonly AggregateRow['key'][]): Filter {
  const out: Filter = { ...filter };
  for (const key of groupBy) {
    const values = keys.map((k) => k[key] ?? null);
    if (values.some((value) => value === null)) continue;
    const list = [...new Set(values as string[])];
    const tag = tagOfGroupKey(key);
    if (tag !== undefined) out.tags = { ...out.tags, [tag]: list };
    else if (key === 'provider' || key === 'model' || key === 'agent' || key === 'run') out[key] = list;
  }
  return out;
}

const keyId = (groupBy: readonly GroupKey[], key: AggregateRow['key']): string =>
  JSON.stringify(groupBy.map((g) => key[g] ?? null));

export async function rankedRows(
  store: Store,
  filter: Filter,
  query: { groupBy: readonly GroupKey[]; orderBy: RankOrder; limit: number; offset: number },
): Promise<RankedRows> {
  const page = await store.rank({ filter, ...query });
  if (page.keys.length === 0) return { rows: [], total: page.total };
  const rows = await store.aggregate({ filter: narrowed(filter, query.groupBy, page.keys), groupBy: query.groupBy });
  const byKey = new Map(rows.map((row) => [keyId(query.groupBy, row.key), row]));
  const ordered = page.keys
    .map((key) => byKey.get(keyId(query.groupBy, key)))
    .filter((row): row is AggregateRow => row !== undefined);
  return { rows: ordered, total: page.total };
}

/** The cost of everything the filter matches, nano-dollars (the denominator of every share). */
export async function totalCostNanos(store: Store, filter: Filter): Promise<number> {
  const [row] = await store.aggregate({ filter, groupBy: [], percentiles: false });
  return row?.costNanos ?? 0;
}
