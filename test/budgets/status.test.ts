import { describe, expect, it } from 'vitest';
import { budgetStatuses, counterOf, MemoryBudgetCounters, windowSpan } from '#src/budgets/index.js';
import { budget } from './helpers.js';

describe('budget status and forecast', () => {
  it('spent, held, remaining and a burn-rate forecast for a calendar window', async () => {
    const counters = new MemoryBudgetCounters();
    const monthly = budget({ name: 'm', cap: 100_000_000_000, window: { kind: 'month', timeZone: 'UTC' } });
    // 10 days into a 31-day December, $40 spent and $2 held.
    const now = Date.parse('2026-12-11T00:00:00Z');
    const span = windowSpan(monthly.window, now);
    const line = { counter: counterOf(monthly), bucket: span.bucket, fromBucket: span.fromBucket, stepMs: span.stepMs };
    await counters.reserve({
      reservationId: 'a',
      lines: [{ ...line, cap: monthly.cap, amount: 40_000_000_000 }],
      now,
      leaseMs: 60_000,
    });
    await counters.settle('a', { [line.counter]: 40_000_000_000 });
    await counters.reserve({
      reservationId: 'b',
      lines: [{ ...line, cap: monthly.cap, amount: 2_000_000_000 }],
      now,
      leaseMs: 60_000,
    });
    const [status] = await budgetStatuses([monthly], counters, now);
    expect(status).toMatchObject({
      spent: 40_000_000_000,
      held: 2_000_000_000,
      remaining: 58_000_000_000,
      windowStart: Date.parse('2026-12-01T00:00:00Z'),
      resetsAt: Date.parse('2027-01-01T00:00:00Z'),
    });
    // $4 a day: $124 by the 31st; the $100 cap is reached 25 days in, on Dec 26.
    expect(status?.forecast).toEqual({ projected: 124_000_000_000, runsOutAt: Date.parse('2026-12-26T00:00:00Z') });
  });

  it('no forecast without spend, or for rolling and lifetime windows', async () => {
    const counters = new MemoryBudgetCounters();
    const statuses = await budgetStatuses(
      [budget({ name: 'd' }), budget({ name: 'l', window: { kind: 'lifetime' } })],
      counters,
      Date.now(),
    );
    expect(statuses.map((status) => status.forecast)).toEqual([undefined, undefined]);
    expect(statuses[1]?.resetsAt).toBeUndefined();
  });
});
