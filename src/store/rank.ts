/**
 * Ranking groups (Store.rank): the query check and the order, in one place for every store. The
 * SQL stores rank in SQL (rankSql below, the same order spelled in SQL); the memory store sorts
 * aggregate rows with `compareRanked`, and the two must agree, which the contract suite checks.
 *
 * @module
 */
import { ValidationError } from '../errors/index.js';
import { compareGroupValuesNullsLast } from './aggregate-rows.js';
import { checkAggregateQuery } from './query-check.js';
import type { AggregateRow, GroupKey, RankOrder, RankQuery } from './store.js';

export const RANK_ORDERS: readonly RankOrder[] = ['cost', 'tokens', 'calls', 'latency', 'recent'];
export const MAX_RANK_LIMIT = 10_000;
/** Dimensions one ranking may group by. */
export const MAX_RANK_DIMENSIONS = 2;

/** Checks a rank query as every store does; returns its grouping, limit and offset. */
export function checkRankQuery(query: RankQuery): { groupBy: GroupKey[]; limit: number; offset: number } {
  const { groupBy } = checkAggregateQuery({ filter: query.filter, groupBy: query.groupBy });
  if (groupBy.length === 0 || groupBy.length > MAX_RANK_DIMENSIONS || groupBy.includes('bucket'))
    throw new ValidationError(`groupBy: one or ${MAX_RANK_DIMENSIONS} dimensions, not bucket`, { field: 'groupBy' });
  if (!RANK_ORDERS.includes(query.orderBy))
    throw new ValidationError(`orderBy: must be one of ${RANK_ORDERS.join(', ')}`, { field: 'orderBy' });
  const offset = query.offset ?? 0;
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_RANK_LIMIT)
    throw new ValidationError(`limit: an integer from 1 to ${MAX_RANK_LIMIT}`, { field: 'limit' });
  if (!Number.isInteger(offset) || offset < 0)
    throw new ValidationError('offset: an integer >= 0', { field: 'offset' });
  return { groupBy, limit: query.limit, offset };
}

/** Mean duration in whole microseconds (half up), `null` without durations: what latency ranks by. */
export function meanMicros(row: Pick<AggregateRow, 'durationSumMs' | 'durationCount'>): number | null {
  if (row.durationCount === 0) return null;
  return Math.floor(Math.round(row.durationSumMs * 1000) / row.durationCount + 0.5);
}

function figure(row: AggregateRow, order: RankOrder): number | null {
  switch (order) {
    case 'cost':
      return row.costNanos;
    case 'tokens':
      return row.totalTokens;
    case 'calls':
      return row.calls;
    case 'latency':
      return meanMicros(row);
    case 'recent':
      return row.lastTime === undefined ? null : Date.parse(row.lastTime);
  }
}

/** The rank order over aggregate rows (see RankPage). */
export function compareRanked(
  order: RankOrder,
  groupBy: readonly GroupKey[],
): (a: AggregateRow, b: AggregateRow) => number {
  return (a, b) => {
    const x = figure(a, order);
    const y = figure(b, order);
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      return y - x;
    }
    return (
      b.costNanos - a.costNanos ||
      b.totalTokens - a.totalTokens ||
      b.calls - a.calls ||
      compareGroupValuesNullsLast(
        groupBy.map((key) => a.key[key] ?? null),
        groupBy.map((key) => b.key[key] ?? null),
      )
    );
  };
}
