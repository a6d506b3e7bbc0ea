/**
 * A filter's values as lists (Filter fields take one value or several; exclusions are lists),
 * provider names folded to their canonical ids: the one reading of a Filter that the SQL stores
 * and the memory store share, so they match the same calls.
 *
 * @module
 */
import { canonicalProviderId } from '../providers/index.js';
import type { Filter, FilterValues } from '../types/index.js';

/** The event fields a filter names values of. */
export type FilterField = 'provider' | 'model' | 'agent' | 'run';

export const FILTER_FIELDS: readonly FilterField[] = ['provider', 'model', 'agent', 'run'];

/** `undefined` (no constraint) stays undefined; one value becomes a list of one. */
export function filterValueList(values: FilterValues | undefined): readonly string[] | undefined {
  if (values === undefined) return undefined;
  return typeof values === 'string' ? [values] : values;
}

/** Events carry canonical provider ids: `gemini` finds Google's. */
function fold(field: FilterField, values: readonly string[] | undefined): readonly string[] | undefined {
  if (values === undefined || field !== 'provider') return values;
  return values.map((value) => canonicalProviderId(value) ?? value);
}

/** The values a call's `field` must be one of, or undefined when any will do. */
export function includedValues(filter: Filter, field: FilterField): readonly string[] | undefined {
  return fold(field, filterValueList(filter[field]));
}

/** The values a call's `field` must not be (empty when none). */
export function excludedValues(filter: Filter, field: FilterField): readonly string[] {
  return fold(field, filter.exclude?.[field]) ?? [];
}

/** The price sources a call's must be one of, or undefined when any will do (an unpriced call has none). */
export function includedPriceSources(filter: Filter): readonly string[] | undefined {
  return filterValueList(filter.priceSource);
}

/** The tag constraints: key -> values one of which the call's tag must have. */
export function includedTags(filter: Filter): [string, readonly string[]][] {
  return Object.entries(filter.tags ?? {}).map(([key, values]) => [key, filterValueList(values) ?? []]);
}

/** The tag exclusions: key -> values the call's tag must not have (keys with no values dropped). */
export function excludedTags(filter: Filter): [string, readonly string[]][] {
  return Object.entries(filter.exclude?.tags ?? {}).filter(([, values]) => values.length > 0);
}
