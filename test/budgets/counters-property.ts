/**
 * A property run against every counter store: random interleavings of reserve, settle, cancel,
 * crash (a holder that stops renewing), renew and clock moves across a day and a month boundary,
 * on a daily and a monthly budget at once. Each answer must equal a plain model's: a reserve is
 * refused exactly when some budget's spent + live holds + amount exceeds its cap (no phantom
 * refusals, no over-admission), and spent and held match after every step.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { expect } from 'vitest';
import { type BudgetCounters, type CounterWindow, windowSpan } from '#src/budgets/index.js';
import type { BudgetWindow } from '#src/types/index.js';

const LEASE = 90_000;
const START = Date.parse('2026-01-31T14:00:00Z');
/** Simulated time stays within a day of the start: lapsed holds are purged a day after their lease. */
const HORIZON = 20 * 3_600_000;

const BUDGETS: { counter: string; window: BudgetWindow; cap: number }[] = [
  { counter: 'daily', window: { kind: 'day', timeZone: 'UTC' }, cap: 100 },
  { counter: 'monthly', window: { kind: 'month', timeZone: 'UTC' }, cap: 160 },
];

type Op =
  | { op: 'reserve'; amount: number }
  | { op: 'settle'; pick: number; actual: number }
  | { op: 'cancel'; pick: number }
  | { op: 'crash'; pick: number }
  | { op: 'renew'; pick: number }
  | { op: 'advance'; ms: number };

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({ op: fc.constant('reserve' as const), amount: fc.integer({ min: 1, max: 45 }) }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('settle' as const),
        pick: fc.nat(),
        actual: fc.integer({ min: 0, max: 60 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('crash' as const), pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('renew' as const), pick: fc.nat() }) },
    {
      weight: 2,
      arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 3 * 3_600_000 }) }),
    },
  ),
  { maxLength: 60 },
);

interface ModelHold {
  id: string;
  lines: { counter: string; bucket: number; amount: number }[];
  expiresAt: number;
  settled: boolean;
  crashed: boolean;
}

class Model {
  readonly holds: ModelHold[] = [];
  readonly spent = new Map<string, number>();

  windows(now: number): CounterWindow[] {
    return BUDGETS.map(({ counter, window }) => {
      const span = windowSpan(window, now);
      return { counter, bucket: span.bucket, fromBucket: span.fromBucket, stepMs: span.stepMs };
    });
  }

  state(window: CounterWindow, now: number) {
    const spent = this.spent.get(`${window.counter}@${window.bucket}`) ?? 0;
    let held = 0;
    for (const hold of this.holds) {
      if (hold.settled || hold.expiresAt <= now) continue;
      for (const line of hold.lines)
        if (line.counter === window.counter && line.bucket === window.bucket) held += line.amount;
    }
    return { spent, held };
  }

  charge(counter: string, bucket: number, amount: number): void {
    const key = `${counter}@${bucket}`;
    this.spent.set(key, (this.spent.get(key) ?? 0) + amount);
  }
}

export function counterProperty(open: () => Promise<BudgetCounters>, numRuns: number): Promise<void> {
  return fc.assert(
    fc.asyncProperty(ops, async (sequence) => {
      const counters = await open();
      const model = new Model();
      const prefix = randomUUID().slice(0, 8);
      const name = (counter: string) => `${prefix}-${counter}`;
      let now = START;
      try {
        for (const step of sequence) {
          const open = model.holds.filter((hold) => !hold.settled);
          const picked = open.length === 0 ? undefined : open[('pick' in step ? step.pick : 0) % open.length];
          if (step.op === 'reserve') {
            const windows = model.windows(now);
            const states = windows.map((window) => model.state(window, now));
            const refusedAt = windows.findIndex(
              (_, index) =>
                (states[index]?.spent ?? 0) + (states[index]?.held ?? 0) + step.amount > (BUDGETS[index]?.cap ?? 0),
            );
            const id = randomUUID();
            const outcome = await counters.reserve({
              reservationId: id,
              lines: windows.map((window, index) => ({
                ...window,
                counter: name(window.counter),
                cap: BUDGETS[index]?.cap ?? 0,
                amount: step.amount,
              })),
              now,
              leaseMs: LEASE,
            });
            if (refusedAt === -1) {
              expect(outcome).toEqual({ admitted: true, states });
              model.holds.push({
                id,
                lines: windows.map((window) => ({
                  counter: window.counter,
                  bucket: window.bucket,
                  amount: step.amount,
                })),
                expiresAt: now + LEASE,
                settled: false,
                crashed: false,
              });
            } else {
              const window = windows[refusedAt];
              expect(outcome).toEqual({
                admitted: false,
                refusal: {
                  counter: name(window?.counter ?? ''),
                  cap: BUDGETS[refusedAt]?.cap,
                  ...states[refusedAt],
                  amount: step.amount,
                },
              });
            }
          } else if ((step.op === 'settle' || step.op === 'cancel') && picked !== undefined) {
            const actual = step.op === 'settle' ? step.actual : 0;
            const amounts = Object.fromEntries(BUDGETS.map(({ counter }) => [name(counter), actual]));
            expect(await counters.settle(picked.id, amounts)).toBe(true);
            expect(await counters.settle(picked.id, amounts)).toBe(false);
            picked.settled = true;
            for (const line of picked.lines) model.charge(line.counter, line.bucket, actual);
          } else if (step.op === 'crash' && picked !== undefined) {
            picked.crashed = true;
          } else if (step.op === 'renew' && picked !== undefined && !picked.crashed) {
            const live = picked.expiresAt > now;
            expect(await counters.renew(picked.id, now, LEASE)).toBe(live);
            if (live) picked.expiresAt = now + LEASE;
          } else if (step.op === 'advance' && now + step.ms - START <= HORIZON) {
            now += step.ms;
          }
          const windows = model.windows(now);
          const named = windows.map((window) => ({ ...window, counter: name(window.counter) }));
          expect(await counters.state(named, now)).toEqual(windows.map((window) => model.state(window, now)));
        }
      } finally {
        await counters.close();
      }
    }),
    { numRuns },
  );
}
