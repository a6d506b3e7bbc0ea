/**
 * Validation of aggregate queries, shared by every store so they refuse the same inputs.
 *
 * @module
 */
import { ValidationError } from '../errors/index.js';
import type { AggregateQuery, FieldGroupKey, GroupKey } from './store.js';

const GROUP_KEYS: ReadonlySet<string> = new Set<FieldGroupKey>([
  'provider',
  'model',
  'agent',
  'run',
  'status',
  'errorType',
  'errorStatus',
  'priceSource',
  'bucket',
]);

/** Most dimensions one query may group by (each tag key is one join). */
export const MAX_GROUP_KEYS = 6;

/** The tag key of a `tag:KEY` dimension, or undefined for the other dimensions. */
export function tagOfGroupKey(key: GroupKey): string | undefined {
  return key.startsWith('tag:') ? key.slice(4) : undefined;
}

/** Whether `key` names a dimension: a field, or `tag:` and a non-empty key without NUL (no store compares NUL). */
export function isGroupKey(key: string): key is GroupKey {
  if (GROUP_KEYS.has(key)) return true;
  return key.startsWith('tag:') && key.length > 4 && !key.includes('\u0000');
}

export function checkAggregateQuery(query: AggregateQuery): { groupBy: GroupKey[] } {
  const groupBy = [...query.groupBy];
  for (const key of groupBy) {
    if (!isGroupKey(key))
      throw new ValidationError(
        `groupBy: unknown key ${JSON.stringify(key)} (provider, model, agent, run, status, errorType, errorStatus, priceSource, bucket or tag:KEY)`,
        {
          field: 'groupBy',
        },
      );
  }
  if (groupBy.length > MAX_GROUP_KEYS)
    throw new ValidationError(`groupBy: at most ${MAX_GROUP_KEYS} keys`, { field: 'groupBy' });
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
