/**
 * Query parameters besides the filters (filters.ts): counts (`limit`, `offset`) and one-of
 * choices (`sort`, `format`), each a 400 naming the parameter when it is not what the route takes.
 *
 * @module
 */
import { badRequest } from './http-error.js';

/** An integer parameter in `min..max`; `fallback` when absent. */
export function parseCount(
  value: string | undefined,
  field: string,
  range: { min: number; max: number; fallback: number },
): number {
  if (value === undefined) return range.fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < range.min || n > range.max)
    throw badRequest(`${field}: must be an integer from ${range.min} to ${range.max}`, field);
  return n;
}

/** A parameter that is one of `choices`; `fallback` when absent. */
export function parseChoice<T extends string>(
  value: string | undefined,
  field: string,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value))
    throw badRequest(`${field}: must be one of ${choices.join(', ')}`, field);
  return value as T;
}
