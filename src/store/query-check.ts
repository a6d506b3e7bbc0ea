/**
 * Validation of aggregate queries, shared by every store so they refuse the same inputs.
 *
 * @module
 */
import { ValidationError } from '../errors/index.js';
import type { AggregateQuery, GroupKey } from './store.js';

const GROUP_KEYS: ReadonlySet<string> = new Set<GroupKey>(['provider', 'model', 'agent', 'run', 'status', 'bucket']);

export function checkAggregateQuery(query: AggregateQuery): { groupBy: GroupKey[] } {
  const groupBy = [...query.groupBy];
  for (const key of groupBy) {
    if (!GROUP_KEYS.has(key))
      throw new ValidationError(`groupBy: unknown key ${JSON.stringify(key)}`, { field: 'groupBy' });
  }
  if (new Set(groupBy).size !== groupBy.length)
    throw new ValidationError('groupBy: a key is repeated', { field: 'groupBy' });
  if (groupBy.includes('bucket') && query.interval === undefined) {
    throw new ValidationError('groupBy bucket needs an interval (1m, 1h or 1d)', { field: 'interval' });
  }
  if (query.interval !== undefined && !['1m', '1h', '1d'].includes(query.interval)) {
    throw new ValidationError(`interval must be 1m, 1h or 1d, got ${JSON.stringify(query.interval)}`, {
      field: 'interval',
    });
  }
  const { from, to } = query.filter;
  if (from !== undefined && !Number.isFinite(from.getTime()))
    throw new ValidationError('from is not a valid date', { field: 'from' });
  if (to !== undefined && !Number.isFinite(to.getTime()))
    throw new ValidationError('to is not a valid date', { field: 'to' });
  return { groupBy };
}
