/**
 * Issue 12, alerts: each threshold of a budget fires once per window when the settled spend
 * reaches it, whichever process settles (the counters hand out each alert once), again in the
 * next window; the alert says the spend, the cap and the burn-rate forecast.
 */
import { describe, expect, it } from 'vitest';
import { type BudgetAlert, budgetStatuses, createBudgetGuard, MemoryBudgetCounters } from '#src/budgets/index.js';
import { BudgetExceededError } from '#src/errors/index.js';
import { createPricer } from '#src/pricing/index.js';
import { budget } from './helpers.js';

const pricer = createPricer();
// Six hours into the UTC day 2026-12-01.
const NOW = Date.parse('2026-12-01T06:00:00Z');
// gpt-4o-mini, 100 input + 100 output tokens at most: a hold of $0.000075.
const call = { call: { provider: 'openai', model: 'gpt-4o-mini' }, inputTokens: 100, maxOutputTokens: 100 };
const daily = budget({ name: 'daily', cap: 1_000_000, alerts: { thresholds: [50, 80, 100] } });

function process(counters: MemoryBudgetCounters, clock: { now: number }) {
  const alerts: BudgetAlert[] = [];
  const guard = createBudgetGuard({
    budgets: [daily],
    counters,
    pricer,
    now: () => clock.now,
    onAlert: (alert) => alerts.push(alert),
  });
  /** One call that cost `nanos`. */
  const spend = async (nanos: number) => (await guard.admit(call)).settle({ costNanos: nanos, tokens: 200 });
  return { alerts, spend, guard };
}

describe('budget alerts', () => {
  it('each threshold once per window, in order, across two processes on the same counters', async () => {
    const counters = new MemoryBudgetCounters();
    const clock = { now: NOW };
    const [a, b] = [process(counters, clock), process(counters, clock)];
    await a.spend(300_000); // 30%
    expect(a.alerts).toEqual([]);
    await b.spend(300_000); // 60%: the 50% alert, sent by the process that crossed it
    expect(b.alerts.map((alert) => alert.threshold)).toEqual([50]);
    await a.spend(100_000); // 70%: nothing new
    await a.spend(300_000); // 100%: 80 and 100 at once
    expect(a.alerts.map((alert) => alert.threshold)).toEqual([80, 100]);
    await expect(b.guard.admit(call)).rejects.toBeInstanceOf(BudgetExceededError);
    expect([...a.alerts, ...b.alerts]).toHaveLength(3);

    // The next UTC day is a new window: its thresholds fire again.
    clock.now = Date.parse('2026-12-02T12:00:00Z');
    await b.spend(600_000);
    expect(b.alerts.map((alert) => alert.threshold)).toEqual([50, 50]);
  });

  it('says what was spent of the cap and when the window runs out at this rate', async () => {
    const { alerts, spend } = process(new MemoryBudgetCounters(), { now: NOW });
    await spend(500_000);
    expect(alerts).toEqual([
      {
        budget: 'daily',
        unit: 'usd',
        threshold: 50,
        cap: 0.001,
        spent: 0.0005,
        windowStart: '2026-12-01T00:00:00.000Z',
        resetsAt: '2026-12-02T00:00:00.000Z',
        // $0.0005 in 6 hours: $0.002 by the end of the day; the cap is reached at 12:00.
        forecast: { projected: 0.002, runsOutAt: '2026-12-01T12:00:00.000Z' },
        text: 'tokenledger: budget daily reached 50% of its cap ($0.0005 of $0.001); at this rate it runs out at 2026-12-01T12:00:00.000Z',
      },
    ]);
  });

  it('a refusal is counted on the budget that refused, for budgets status and onRefusal', async () => {
    const counters = new MemoryBudgetCounters();
    const refusedBy: string[] = [];
    const tight = budget({ name: 'tight', cap: 100_000 });
    const guard = createBudgetGuard({
      budgets: [daily, tight],
      counters,
      pricer,
      now: () => NOW,
      onRefusal: (spec) => refusedBy.push(spec.name),
    });
    await (await guard.admit(call)).settle({ costNanos: 60_000, tokens: 200 });
    // 60,000 spent + a 75,000 hold is past tight's 100,000: refused, by tight only.
    await expect(guard.admit(call)).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(guard.admit(call)).rejects.toBeInstanceOf(BudgetExceededError);
    expect(refusedBy).toEqual(['tight', 'tight']);
    await new Promise((resolve) => setImmediate(resolve));
    const statuses = await budgetStatuses([daily, tight], counters, NOW);
    expect(statuses.map((status) => [status.budget.name, status.refused])).toEqual([
      ['daily', 0],
      ['tight', 2],
    ]);
  });
});
