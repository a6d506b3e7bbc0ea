/**
 * Time spans in milliseconds and the UTC buckets everything is grouped by (rollups, timeseries,
 * budget windows). Buckets are epoch-aligned, so an hour or a UTC day starts at the same instant
 * in every store and every process.
 *
 * @module
 */

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** The start of the `width`-wide bucket holding `timeMs` (floor, also for times before 1970). */
export function bucketStart(timeMs: number, width: number): number {
  return timeMs - (((timeMs % width) + width) % width);
}
