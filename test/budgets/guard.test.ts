import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBudgetGuard, MemoryBudgetCounters, SqliteBudgetCounters } from '#src/budgets/index.js';
import { BudgetExceededError, BudgetUnavailableError } from '#src/errors/index.js';
import { createPricer } from '#src/pricing/index.js';
import { budget } from './helpers.js';

const pricer = createPricer();
const NOW = Date.parse('2026-12-01T10:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'budget-guard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// gpt-4o-mini at $0.15 / $0.60 per 1M: 1000 input + 500 output = $0.00045 worst case.
const call = { call: { provider: 'openai', model: 'gpt-4o-mini' }, inputTokens: 1000, maxOutputTokens: 500 };
const WORST = 450_000;

function guardOf(budgets: Parameters<typeof createBudgetGuard>[0]['budgets'], counters = new MemoryBudgetCounters()) {
  let now = NOW;
  const guard = createBudgetGuard({ budgets, counters, pricer, now: () => now });
  return { guard, counters, advance: (ms: number) => (now += ms) };
}

describe('budget guard', () => {
  it('admits while the worst case fits, then refuses naming the budget, cap, spend and reset', async () => {
    const { guard } = guardOf([budget({ name: 'daily', cap: 2 * WORST })]);
    await guard.admit(call);
    await guard.admit(call);
    const refused = await guard.admit(call).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BudgetExceededError);
    const error = refused as BudgetExceededError;
    expect(error.status).toBe(429);
    expect(error.retryable).toBe(false);
    expect(error.facts).toEqual({
      budget: 'daily',
      unit: 'usd',
      cap: 0.0009,
      spent: 0,
      held: 0.0009,
      requested: 0.00045,
      resetsAt: '2026-12-02T00:00:00.000Z',
      reason: 'cap',
    });
    expect(error.message).toBe(
      'budget daily exceeded: cap $0.0009, spent $0.00, held $0.0009, this call needs up to $0.00045; resets at 2026-12-02T00:00:00.000Z',
    );
  });

  it('settles to the real cost: the room the hold took comes back', async () => {
    const { guard, counters } = guardOf([budget({ name: 'daily', cap: 2 * WORST })]);
    const first = await guard.admit(call);
    expect(first.budgets[0]).toMatchObject({ spent: 0, held: 0, hold: { amount: WORST } });
    expect(await first.settle({ costNanos: 100_000, tokens: 900 })).toEqual({
      settled: true,
      atHold: [],
      outputUnknown: [],
      overshoot: [],
      aboveHold: {},
    });
    const second = await guard.admit(call);
    expect(second.budgets[0]).toMatchObject({ spent: 100_000, held: 0 });
    // 100,000 spent + 450,000 held + 450,000 asked > 900,000.
    await expect(guard.admit(call)).rejects.toBeInstanceOf(BudgetExceededError);
    await second.release();
    const windows = [
      {
        counter: 'daily|day@UTC',
        bucket: Date.parse('2026-12-01T00:00:00Z'),
        fromBucket: Date.parse('2026-12-01T00:00:00Z'),
        stepMs: 3_600_000,
      },
    ];
    expect(await counters.state(windows, NOW)).toEqual([{ spent: 100_000, held: 0 }]);
  });

  it('a settle is applied once, however often it is called', async () => {
    const { guard, counters } = guardOf([budget({ name: 'daily' })]);
    const admitted = await guard.admit(call);
    await Promise.all([admitted.settle({ costNanos: 7, tokens: 1 }), admitted.settle({ costNanos: 7, tokens: 1 })]);
    expect(await counters.settle(admitted.reservationId, { 'daily|day@UTC': 7 })).toBe(false);
    const bucket = Date.parse('2026-12-01T00:00:00Z');
    expect(await counters.state([{ counter: 'daily|day@UTC', bucket, fromBucket: bucket, stepMs: 1 }], NOW)).toEqual([
      { spent: 7, held: 0 },
    ]);
  });

  it('holds on every applicable budget or none: a full team budget leaves the daily one untouched', async () => {
    const { guard } = guardOf([
      budget({ name: 'daily', cap: 10 * WORST }),
      budget({ name: 'team', cap: WORST, scope: { tags: { team: 'quant' } } }),
    ]);
    const quant = { ...call, call: { ...call.call, tags: { team: 'quant' } } };
    await guard.admit(quant);
    await expect(guard.admit(quant)).rejects.toMatchObject({ facts: { budget: 'team' } });
    const other = await guard.admit(call);
    // Only the first quant call holds on daily: the refused one held nothing anywhere.
    expect(other.budgets.map((entry) => [entry.budget.name, entry.held])).toEqual([['daily', WORST]]);
  });

  it('an unpriced success settles at the hold and is flagged, never at $0', async () => {
    const { guard } = guardOf([budget({ name: 'daily', cap: 3 * WORST })]);
    const admitted = await guard.admit(call);
    expect(await admitted.settle({ costNanos: undefined, tokens: 1200 })).toMatchObject({ atHold: ['daily'] });
    const next = await guard.admit(call);
    expect(next.budgets[0]?.spent).toBe(WORST);
  });

  it('a call outrunning its hold is reported as overshoot', async () => {
    const { guard } = guardOf([budget({ name: 'daily' })]);
    const admitted = await guard.admit(call);
    expect(await admitted.settle({ costNanos: WORST + 1, tokens: 1 })).toMatchObject({ overshoot: ['daily'] });
  });

  it('a strict USD budget refuses a model with no known price; a token budget admits it', async () => {
    const unknown = { call: { model: 'no-such-model-xyz' }, inputTokens: 10, maxOutputTokens: 10 };
    const { guard } = guardOf([budget({ name: 'usd' })]);
    await expect(guard.admit(unknown)).rejects.toMatchObject({
      facts: { budget: 'usd', reason: 'unpriced' },
      message: expect.stringContaining('no known price'),
    });
    const tokens = guardOf([budget({ name: 'tok', unit: 'tokens', cap: 25 })]);
    expect((await tokens.guard.admit(unknown)).budgets[0]?.hold.amount).toBe(20);
    await expect(tokens.guard.admit(unknown)).rejects.toMatchObject({ facts: { unit: 'tokens', cap: 25, held: 20 } });
  });

  it('a new window is a new bucket: yesterday’s spend stops counting at midnight', async () => {
    const { guard, advance } = guardOf([budget({ name: 'daily', cap: WORST })]);
    await (await guard.admit(call)).settle({ costNanos: WORST, tokens: 1500 });
    await expect(guard.admit(call)).rejects.toBeInstanceOf(BudgetExceededError);
    advance(14 * 3_600_000);
    expect((await guard.admit(call)).budgets[0]).toMatchObject({ spent: 0 });
  });

  it('a hold nobody renews lapses after its lease', async () => {
    const { guard, advance } = guardOf([budget({ name: 'daily', cap: WORST, leaseMs: 1000 })]);
    const crashed = await guard.admit(call);
    await expect(guard.admit(call)).rejects.toBeInstanceOf(BudgetExceededError);
    advance(1001);
    const next = await guard.admit(call);
    expect(next.budgets[0]).toMatchObject({ spent: 0, held: 0 });
    await crashed.release();
  });

  it('calls outside every scope, and paused budgets, hold nothing', async () => {
    const { guard } = guardOf([
      budget({ name: 'ci', scope: { key: 'ci' } }),
      budget({ name: 'off', cap: 0, paused: true }),
    ]);
    expect((await guard.admit(call)).budgets).toEqual([]);
  });

  it('counters that cannot answer: fail-closed refuses (503), fail-open admits unguarded', async () => {
    const broken = SqliteBudgetCounters.open({ path: join(dir, 'broken.db') });
    await broken.close();
    const closed = createBudgetGuard({ budgets: [budget({ name: 'strict' })], counters: broken, pricer });
    const error = await closed.admit(call).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BudgetUnavailableError);
    expect((error as BudgetUnavailableError).status).toBe(503);
    const open = createBudgetGuard({
      budgets: [budget({ name: 'lenient', failureMode: 'open' })],
      counters: broken,
      pricer,
    });
    expect((await open.admit(call)).unguarded).toBe(true);
  });
});
