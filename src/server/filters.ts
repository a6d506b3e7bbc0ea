/**
 * The same filters on every query endpoint: `from`, `to`, `provider`, `model`, `agent`, `run`,
 * `status`, `tag.KEY=VALUE`. Unknown parameters, bad dates (`2026-02-30` too), repeated values
 * and text no store can compare (NUL, broken Unicode) are 400s that name the parameter, so a
 * typo never silently widens a query (or a reset) and no store is handed what it refuses.
 *
 * @module
 */
import { isStorableText } from '../ledger/index.js';
import { parseIsoTime } from '../units/index.js';
import type { Filter } from '../types/index.js';
import { badRequest } from './http-error.js';

const FILTER_KEYS = new Set(['from', 'to', 'provider', 'model', 'agent', 'run', 'status']);
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

/**
 * Builds a Filter from query parameters (or a JSON object's string fields).
 *
 * @param extra - other parameters the endpoint accepts (`interval`, `limit`...), left for the caller.
 */
export function parseFilter(
  params: Record<string, string | string[] | undefined>,
  extra: readonly string[] = [],
): Filter {
  const filter: Filter = {};
  for (const [key, raw] of Object.entries(params)) {
    if (raw === undefined) continue;
    if (Array.isArray(raw) && raw.length > 1) throw badRequest(`${key}: given more than once`, key);
    const value = Array.isArray(raw) ? (raw[0] ?? '') : raw;
    if (value.length > MAX_VALUE_LENGTH) throw badRequest(`${key}: longer than ${MAX_VALUE_LENGTH} characters`, key);
    if (!isStorableText(key) || !isStorableText(value))
      throw badRequest(`${key}: must be valid Unicode text without NUL characters`, key);
    if (key.startsWith('tag.')) {
      const tag = key.slice(4);
      if (tag === '') throw badRequest('tag.: a tag filter needs a key, e.g. tag.team=search', key);
      filter.tags = { ...filter.tags, [tag]: value };
      continue;
    }
    if (extra.includes(key)) continue;
    if (!FILTER_KEYS.has(key)) {
      throw badRequest(
        `unknown parameter "${key}"; filters are from, to, provider, model, agent, run, status, tag.KEY${extra.length > 0 ? `; this endpoint also takes ${extra.join(', ')}` : ''}`,
        key,
      );
    }
    if (value === '') throw badRequest(`${key}: empty`, key);
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
        filter[key] = value;
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
  const params: Record<string, string> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'tags' && typeof item === 'object' && item !== null && !Array.isArray(item)) {
      for (const [tag, tagValue] of Object.entries(item as Record<string, unknown>)) {
        if (typeof tagValue !== 'string')
          throw badRequest(`${field}.tags.${tag}: must be a string`, `${field}.tags.${tag}`);
        params[`tag.${tag}`] = tagValue;
      }
      continue;
    }
    if (typeof item === 'number' && (key === 'from' || key === 'to')) params[key] = String(item);
    else if (typeof item === 'string') params[key] = item;
    else throw badRequest(`${field}.${key}: must be a string`, `${field}.${key}`);
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
