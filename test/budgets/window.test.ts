import { describe, expect, it } from 'vitest';
import { windowSpan, windowTag } from '#src/budgets/index.js';

const at = (iso: string) => Date.parse(iso);

describe('budget windows as time-bucket keys', () => {
  it('a UTC day starts at midnight UTC and resets at the next one', () => {
    const span = windowSpan({ kind: 'day', timeZone: 'UTC' }, at('2026-12-01T13:45:10Z'));
    expect(span.bucket).toBe(at('2026-12-01T00:00:00Z'));
    expect(span.fromBucket).toBe(span.bucket);
    expect(span.resetsAt).toBe(at('2026-12-02T00:00:00Z'));
  });

  it('a day in a named zone starts at local midnight (Tokyo is UTC+9)', () => {
    // 20:00 UTC on Dec 1 is 05:00 on Dec 2 in Tokyo.
    const span = windowSpan({ kind: 'day', timeZone: 'Asia/Tokyo' }, at('2026-12-01T20:00:00Z'));
    expect(span.bucket).toBe(at('2026-12-01T15:00:00Z'));
    expect(span.resetsAt).toBe(at('2026-12-02T15:00:00Z'));
  });

  it('a day that contains a DST change is 23 or 25 hours long (New York)', () => {
    const spring = windowSpan({ kind: 'day', timeZone: 'America/New_York' }, at('2026-03-08T12:00:00Z'));
    expect(spring.bucket).toBe(at('2026-03-08T05:00:00Z'));
    expect(spring.resetsAt).toBe(at('2026-03-09T04:00:00Z'));
    const autumn = windowSpan({ kind: 'day', timeZone: 'America/New_York' }, at('2026-11-01T12:00:00Z'));
    expect(autumn.bucket).toBe(at('2026-11-01T04:00:00Z'));
    expect(autumn.resetsAt).toBe(at('2026-11-02T05:00:00Z'));
  });

  it('a week starts on Monday (ISO) and a month on the 1st', () => {
    // 2026-12-03 is a Thursday.
    const week = windowSpan({ kind: 'week', timeZone: 'UTC' }, at('2026-12-03T10:00:00Z'));
    expect(week.bucket).toBe(at('2026-11-30T00:00:00Z'));
    expect(week.resetsAt).toBe(at('2026-12-07T00:00:00Z'));
    const sunday = windowSpan({ kind: 'week', timeZone: 'UTC' }, at('2026-12-06T23:59:59Z'));
    expect(sunday.bucket).toBe(at('2026-11-30T00:00:00Z'));
    const december = windowSpan({ kind: 'month', timeZone: 'UTC' }, at('2026-12-31T23:00:00Z'));
    expect(december.bucket).toBe(at('2026-12-01T00:00:00Z'));
    expect(december.resetsAt).toBe(at('2027-01-01T00:00:00Z'));
    const paris = windowSpan({ kind: 'month', timeZone: 'Europe/Paris' }, at('2026-12-31T23:30:00Z'));
    expect(paris.bucket).toBe(at('2026-12-31T23:00:00Z'));
    expect(paris.resetsAt).toBe(at('2027-01-31T23:00:00Z'));
  });

  it('a rolling window sums the last N hour buckets, the current one included', () => {
    const span = windowSpan({ kind: 'rolling', hours: 24 }, at('2026-12-01T13:45:00Z'));
    expect(span.bucket).toBe(at('2026-12-01T13:00:00Z'));
    expect(span.fromBucket).toBe(at('2026-11-30T14:00:00Z'));
    expect(span.stepMs).toBe(3_600_000);
    expect(span.resetsAt).toBe(at('2026-12-01T14:00:00Z'));
  });

  it('a lifetime window is one bucket that never resets', () => {
    expect(windowSpan({ kind: 'lifetime' }, at('2026-12-01T13:45:00Z'))).toMatchObject({
      bucket: 0,
      fromBucket: 0,
      resetsAt: undefined,
    });
  });

  it('tags name the window, so a changed window gets new counters', () => {
    expect(windowTag({ kind: 'day', timeZone: 'UTC' })).toBe('day@UTC');
    expect(windowTag({ kind: 'month', timeZone: 'Europe/Paris' })).toBe('month@Europe/Paris');
    expect(windowTag({ kind: 'rolling', hours: 6 })).toBe('rolling6h');
    expect(windowTag({ kind: 'lifetime' })).toBe('lifetime');
  });

  it("a period is reused until it ends, then the next one is computed; earlier instants too (the clock is the caller's)", () => {
    const window = { kind: 'day' as const, timeZone: 'Europe/Paris' };
    // Paris is UTC+1 in December: the local day starts at 23:00 UTC the day before.
    const day = (iso: string) => windowSpan(window, Date.parse(iso));
    expect(day('2026-12-01T12:00:00Z').bucket).toBe(Date.parse('2026-11-30T23:00:00Z'));
    expect(day('2026-12-01T22:59:59.999Z').bucket).toBe(Date.parse('2026-11-30T23:00:00Z'));
    expect(day('2026-12-01T23:00:00Z')).toMatchObject({
      bucket: Date.parse('2026-12-01T23:00:00Z'),
      resetsAt: Date.parse('2026-12-02T23:00:00Z'),
    });
    expect(day('2026-11-30T22:59:59.999Z').bucket).toBe(Date.parse('2026-11-29T23:00:00Z'));
    expect(day('2026-12-01T23:30:00Z').bucket).toBe(Date.parse('2026-12-01T23:00:00Z'));
  });
});
