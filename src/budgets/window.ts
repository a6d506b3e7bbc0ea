/**
 * Windows as time-bucket keys. A budget's spend is kept per bucket (the UTC instant the bucket
 * starts, in ms); a call is charged to the bucket it started in and checked against the sum of
 * the buckets its window covers. Nothing ever resets: the next day is another key.
 *
 * Calendar windows in a named time zone use Intl (no dependency): the bucket starts at local
 * midnight of the period's first day. Where a DST change skips local midnight (a few zones), the
 * period starts at the first local instant of that day that exists.
 *
 * @module
 */
import { HOUR_MS } from '../units/index.js';
import type { BudgetSpec, BudgetWindow } from '../types/index.js';

/** The buckets a window covers at one instant. */
export interface WindowSpan {
  /** Where a call starting now is charged: the current bucket's start (UTC ms). */
  bucket: number;
  /** The first bucket summed (== `bucket` unless the window is rolling). */
  fromBucket: number;
  /** Distance between summed buckets (rolling windows: one hour). */
  stepMs: number;
  /** When the spend summed now stops counting (the next period, or the oldest hour leaving); none for lifetime. */
  resetsAt: number | undefined;
}

/** A stable name for a window, part of each counter's key: a changed window starts new counters. */
export function windowTag(window: BudgetWindow): string {
  switch (window.kind) {
    case 'rolling':
      return `rolling${window.hours}h`;
    case 'lifetime':
      return 'lifetime';
    default:
      return `${window.kind}@${window.timeZone}`;
  }
}

export function windowSpan(window: BudgetWindow, now: number): WindowSpan {
  switch (window.kind) {
    case 'lifetime':
      return { bucket: 0, fromBucket: 0, stepMs: HOUR_MS, resetsAt: undefined };
    case 'rolling': {
      const bucket = Math.floor(now / HOUR_MS) * HOUR_MS;
      return { bucket, fromBucket: bucket - (window.hours - 1) * HOUR_MS, stepMs: HOUR_MS, resetsAt: bucket + HOUR_MS };
    }
    default: {
      const { start, next } = currentPeriod(window.kind, window.timeZone, now);
      return { bucket: start, fromBucket: start, stepMs: HOUR_MS, resetsAt: next };
    }
  }
}

// The last period computed per window: every admission asks, and Intl's formatToParts (several
// calls per period) took most of an admission's CPU. A period is valid until its end.
const periods = new Map<string, { start: number; next: number }>();

function currentPeriod(kind: 'day' | 'week' | 'month', timeZone: string, now: number) {
  const key = `${kind}@${timeZone}`;
  const known = periods.get(key);
  if (known !== undefined && known.start <= now && now < known.next) return known;
  const period = calendarPeriod(kind, timeZone, now);
  periods.set(key, period);
  return period;
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

function calendarPeriod(kind: 'day' | 'week' | 'month', timeZone: string, now: number) {
  const today = localDate(now, timeZone);
  let first: LocalDate;
  let after: LocalDate;
  if (kind === 'day') {
    first = today;
    after = addDays(today, 1);
  } else if (kind === 'week') {
    // ISO weeks start on Monday; getUTCDay() of the local date: 0 = Sunday.
    const weekday = new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay();
    first = addDays(today, -((weekday + 6) % 7));
    after = addDays(first, 7);
  } else {
    first = { year: today.year, month: today.month, day: 1 };
    after = today.month === 12 ? { year: today.year + 1, month: 1, day: 1 } : { ...first, month: today.month + 1 };
  }
  return { start: localMidnight(first, timeZone), next: localMidnight(after, timeZone) };
}

function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

// One formatter per zone: building one is the slow part. Zones come from budget definitions,
// so the map stays as small as the config.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (found === undefined) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** The wall-clock fields of `ms` in `timeZone`, read back as if they were UTC. */
function wallClockAsUtc(ms: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return Date.UTC(
    fields['year'] ?? 1970,
    (fields['month'] ?? 1) - 1,
    fields['day'] ?? 1,
    fields['hour'] ?? 0,
    fields['minute'] ?? 0,
    fields['second'] ?? 0,
  );
}

function localDate(ms: number, timeZone: string): LocalDate {
  const wall = new Date(wallClockAsUtc(ms, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/** The UTC instant of 00:00 local time on `date` (or the first existing instant of that day). */
function localMidnight(date: LocalDate, timeZone: string): number {
  const wanted = Date.UTC(date.year, date.month - 1, date.day);
  let guess = wanted;
  // Two rounds settle the offset (the first guess may sit on the other side of a DST change).
  for (let round = 0; round < 3; round++) {
    const offset = wallClockAsUtc(guess, timeZone) - Math.floor(guess / 1000) * 1000;
    const next = wanted - offset;
    if (next === guess) break;
    guess = next;
  }
  // Skipped midnight: the guess lands on the previous day's last hour; step to the day itself.
  while (wallClockAsUtc(guess, timeZone) < wanted) guess += HOUR_MS / 4;
  return guess;
}

/** The counter id of a budget: its name and window, so a changed window starts new counters. */
export function counterOf(budget: BudgetSpec): string {
  return `${budget.name}|${windowTag(budget.window)}`;
}
