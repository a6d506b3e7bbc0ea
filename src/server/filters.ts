/**
 * The same filters on every query endpoint: `from`, `to`, `provider`, `model`, `agent`, `run`,
 * `status`, `tag.KEY=VALUE`; the names and tags may be repeated (any of them) and excluded
 * (`not.model=x`, `not.tag.team=y`). Unknown parameters, bad dates (`2026-02-30` too), repeated
 * single values (`from`, `to`, `status`) and text no store can compare (NUL, broken Unicode) are 400s that name the parameter, so a
 * typo never silently widens a query (or a reset) and no store is handed what it refuses.
 *
 * @module
 */
import { isStorableText } from '../ledger/index.js';
import { parseIsoTime } from '../units/index.js';
import type { Filter } from '../types/index.js';
import { badRequest } from './http-error.js';

const FILTER_KEYS = new Set(['from', 'to', 'provider', 'model', 'agent', 'run', 'status', 'priceSource']);
const MAX_VALUE_LENGTH = 512;

/** ISO-8601 date or date-time, or epoch milliseconds. */
export function parseDate(value: string, field: string): Date {
  const trimmed = value.trim();
  const date = new Date(/^\d{10,16}$/.test(trimmed) ? Number(trimmed) : (parseIsoTime(trimmed) ?? Number.NaN));
  if (Number.isNaN(date.getTime())) {
    throw badRequest(
      `${field}: not a date: "${value.slice(0, 40)}" (use ISO-8601, e.g. 2026-01-31T12:00:00Z, or epoch ms)`,
      field,
    );
  }
  return date;
}

/** Fields that take several values (repeated: `model=a&model=b`) and exclusions (`not.model=a`). */
const MULTI_KEYS = new Set(['provider', 'model', 'agent', 'run']);
/** Fields that take several values but cannot be excluded. */
const MULTI_INCLUDE_ONLY = new Set(['priceSource']);
/** Most values one field may list (each is one placeholder of the store's query). */
export const MAX_FILTER_VALUES = 100;

/** A parameter's values, each checked: non-empty where it must be, storable, not too long. */
function checkedValues(key: string, raw: string | string[]): string[] {
  const values = Array.isArray(raw) ? raw : [raw];
  if (values.length > MAX_FILTER_VALUES) throw badRequest(`${key}: at most ${MAX_FILTER_VALUES} values`, key);
  for (const value of values) {
    if (value.length > MAX_VALUE_LENGTH) throw badRequest(`${key}: longer than ${MAX_VALUE_LENGTH} characters`, key);
    if (!isStorableText(key) || !isStorableText(value))
      throw badRequest(`${key}: must be valid Unicode text without NUL characters`, key);
  }
  return values;
}

/** One value, or the list when there are several. */
const oneOrMany = (values: string[]): string | string[] => (values.length === 1 ? (values[0] ?? '') : values);

/** `not.model`, `not.tag.team`: adds the values to the filter's exclusions. */
function addExclusion(filter: Filter, key: string, values: string[]): void {
  const field = key.slice(4);
  if (field.startsWith('tag.')) {
    const tag = field.slice(4);
    if (tag === '') throw badRequest('not.tag.: an excluded tag needs a key, e.g. not.tag.team=search', key);
    filter.exclude = { ...filter.exclude, tags: { ...filter.exclude?.tags, [tag]: values } };
    return;
  }
  if (!MULTI_KEYS.has(field))
    throw badRequest(`${key}: only provider, model, agent, run and tag.KEY can be excluded (not.model=...)`, key);
  if (values.some((value) => value === '')) throw badRequest(`${key}: empty`, key);
  filter.exclude = { ...filter.exclude, [field]: values };
}

/**
 * Builds a Filter from query parameters (or a JSON object's string fields). `provider`, `model`,
 * `agent`, `run` and `tag.KEY` may be repeated (any of the values); `not.FIELD` and
 * `not.tag.KEY` leave calls out.
 *
 * @param extra - other parameters the endpoint accepts (`interval`, `limit`...), left for the caller.
 */
export function parseFilter(
  params: Record<string, string | string[] | undefined>,
  extra: readonly string[] = [],
): Filter {
  const filter: Filter = {};
  for (const [key, raw] of Object.entries(params)) {
    if (raw === undefined || extra.includes(key)) continue;
    const values = checkedValues(key, raw);
    if (key.startsWith('tag.')) {
      const tag = key.slice(4);
      if (tag === '') throw badRequest('tag.: a tag filter needs a key, e.g. tag.team=search', key);
      filter.tags = { ...filter.tags, [tag]: oneOrMany(values) };
      continue;
    }
    if (key.startsWith('not.')) {
      addExclusion(filter, key, values);
      continue;
    }
    if (!FILTER_KEYS.has(key)) {
      throw badRequest(
        `unknown parameter "${key}"; filters are from, to, provider, model, agent, run, status, priceSource, tag.KEY, not.FIELD${extra.length > 0 ? `; this endpoint also takes ${extra.join(', ')}` : ''}`,
        key,
      );
    }
    if (values.length > 1 && !MULTI_KEYS.has(key) && !MULTI_INCLUDE_ONLY.has(key))
      throw badRequest(`${key}: given more than once`, key);
    if (values.some((value) => value === '')) throw badRequest(`${key}: empty`, key);
    const value = values[0] ?? '';
    switch (key) {
      case 'from':
        filter.from = parseDate(value, 'from');
        break;
      case 'to':
        filter.to = parseDate(value, 'to');
        break;
      case 'status':
        if (value !== 'ok' && value !== 'error') throw badRequest('status: must be ok or error', 'status');
        filter.status = value;
        break;
      case 'provider':
      case 'model':
      case 'agent':
      case 'run':
        filter[key] = oneOrMany(values);
        break;
      case 'priceSource':
        filter.priceSource = oneOrMany(values);
        break;
    }
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.from.getTime() > filter.to.getTime()) {
    throw badRequest('from: is after to', 'from');
  }
  return filter;
}

/** The filter as JSON for echoing back (dates as ISO strings). */
export function filterJson(filter: Filter): Record<string, unknown> {
  const out: Record<string, unknown> = { ...filter };
  if (filter.from !== undefined) out['from'] = filter.from.toISOString();
  if (filter.to !== undefined) out['to'] = filter.to.toISOString();
  return out;
}

/** A JSON object's `filter` field (POST bodies): strings only, same rules as the query. */
export function parseFilterObject(value: unknown, field = 'filter'): Filter {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${field}: must be an object`, field);
  const params: Record<string, string | string[]> = {};
  /** A string, or (where several values are allowed) an array of strings. */
  const text = (item: unknown, name: string, many: boolean): string | string[] => {
    if (typeof item === 'string') return item;
    if (many && Array.isArray(item) && item.length > 0 && item.every((one) => typeof one === 'string'))
      return item as string[];
    throw badRequest(
      `${field}.${name}: must be a string${many ? ' or a non-empty array of strings' : ''}`,
      `${field}.${name}`,
    );
  };
  const tagParams = (item: unknown, prefix: string, name: string): void => {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw badRequest(`${field}.${name}: must be an object`, `${field}.${name}`);
    for (const [tag, tagValue] of Object.entries(item as Record<string, unknown>))
      params[`${prefix}${tag}`] = text(tagValue, `${name}.${tag}`, true);
  };
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'tags') tagParams(item, 'tag.', 'tags');
    else if (key === 'exclude') {
      if (typeof item !== 'object' || item === null || Array.isArray(item))
        throw badRequest(`${field}.exclude: must be an object`, `${field}.exclude`);
      for (const [excluded, values] of Object.entries(item as Record<string, unknown>)) {
        if (excluded === 'tags') tagParams(values, 'not.tag.', 'exclude.tags');
        else params[`not.${excluded}`] = text(values, `exclude.${excluded}`, true);
      }
    } else if (typeof item === 'number' && (key === 'from' || key === 'to')) params[key] = String(item);
    else params[key] = text(item, key, MULTI_KEYS.has(key));
  }
  try {
    return parseFilter(params);
  } catch (error) {
    if (error instanceof Error && 'field' in error && typeof error.field === 'string') {
      throw badRequest(`${field}.${error.message}`, `${field}.${error.field}`);
    }
    throw error;
  }
}
