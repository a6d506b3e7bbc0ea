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

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|([+-])(\d{2}):?(\d{2}))?)?$/;

/**
 * An ISO-8601 date or date-time -> epoch ms, or `undefined` when it is not one or names a day,
 * hour or offset that does not exist (`Date.parse('2026-02-30')` would say March 2). Without an
 * offset the time is UTC, on every machine (ECMAScript would read a date-time as local time).
 */
export function parseIsoTime(value: string): number | undefined {
  const match = ISO_TIME.exec(value.trim());
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeapYear(year) ? 1 : 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const offsetHours = Number(match[10] ?? 0);
  const offsetMinutes = Number(match[11] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offsetMs = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const fraction = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const utc = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0..99 to 1900..1999.
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, fraction);
  return utc.getTime() - offsetMs;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Written like an ISO-8601 date or date-time, whether or not the day it names exists. */
export function looksLikeIsoTime(value: string): boolean {
  return ISO_TIME.test(value.trim());
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const DURATION_UNITS_MS = { ms: 1, s: SECOND_MS, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS } as const;

/** `500ms`, `30s`, `5m`, `24h`, `7d` -> milliseconds, or `undefined` when it is not one of those (or zero). */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null) return undefined;
  const ms = Number(match[1]) * DURATION_UNITS_MS[match[2] as keyof typeof DURATION_UNITS_MS];
  return Number.isFinite(ms) && ms >= 1 ? Math.round(ms) : undefined;
}
