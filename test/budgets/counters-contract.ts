/**
 * The budget counter contract, run against every implementation (counters-contract.test.ts):
 * exact admission, all-or-none holds, settle once, leases.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BudgetCounters, CounterWindow, ReserveLine } from '#src/budgets/index.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-01T10:00:00Z');

export function counterContract(name: string, open: () => Promise<BudgetCounters>): void {
  describe(`budget counters: ${name}`, () => {
    const fresh = () => `c-${randomUUID().slice(0, 8)}`;
    const windowOf = (counter: string, bucket = T0): CounterWindow => ({
      counter,
      bucket,
      fromBucket: bucket,
      stepMs: HOUR,
    });
    const line = (counter: string, cap: number, amount: number, bucket = T0): ReserveLine => ({
      ...windowOf(counter, bucket),
      cap,
      amount,
    });
    const reserve = (counters: BudgetCounters, lines: ReserveLine[], now = T0, leaseMs = 60_000, id = randomUUID()) =>
      counters.reserve({ reservationId: id, lines, now, leaseMs });

    it('admits exactly what fits under the cap and says why it refuses', async () => {
      const counters = await open();
      const counter = fresh();
      for (let index = 0; index < 5; index++) {
        expect(await reserve(counters, [line(counter, 5_000, 1_000)])).toEqual({
          admitted: true,
          states: [{ spent: 0, held: index * 1_000 }],
        });
      }
      expect(await reserve(counters, [line(counter, 5_000, 1)])).toEqual({
        admitted: false,
        refusal: { counter, cap: 5_000, spent: 0, held: 5_000, amount: 1 },
      });
      await counters.close();
    });

    it('holds on every counter or on none', async () => {
      const counters = await open();
      const [wide, narrow] = [fresh(), fresh()];
      expect((await reserve(counters, [line(wide, 10_000, 600), line(narrow, 1_000, 600)])).admitted).toBe(true);
      const refused = await reserve(counters, [line(wide, 10_000, 600), line(narrow, 1_000, 600)]);
      expect(refused).toMatchObject({ admitted: false, refusal: { counter: narrow, held: 600 } });
      expect(await counters.state([windowOf(wide), windowOf(narrow)], T0)).toEqual([
        { spent: 0, held: 600 },
        { spent: 0, held: 600 },
      ]);
      await counters.close();
    });

    it('settles once, to the real amount, in the bucket the hold was taken in', async () => {
      const counters = await open();
      const counter = fresh();
      const id = randomUUID();
      await reserve(counters, [line(counter, 10_000, 4_000)], T0, 60_000, id);
      expect(await counters.settle(id, { [counter]: 1_234 })).toBe(true);
      expect(await counters.settle(id, { [counter]: 1_234 })).toBe(false);
      expect(await counters.settle('never-reserved', { [counter]: 5 })).toBe(false);
      expect(await counters.state([windowOf(counter)], T0 + 2 * HOUR)).toEqual([{ spent: 1_234, held: 0 }]);
      expect(await counters.state([windowOf(counter, T0 + HOUR)], T0 + 2 * HOUR)).toEqual([{ spent: 0, held: 0 }]);
      await counters.close();
    });

    it('a hold lapses when its lease ends unrenewed; renewing keeps it; a late settle still charges', async () => {
      const counters = await open();
      const counter = fresh();
      const [kept, lapsed] = [randomUUID(), randomUUID()];
      await reserve(counters, [line(counter, 10_000, 3_000)], T0, 1_000, kept);
      await reserve(counters, [line(counter, 10_000, 5_000)], T0, 1_000, lapsed);
      expect(await counters.renew(kept, T0 + 900, 1_000)).toBe(true);
      expect(await counters.state([windowOf(counter)], T0 + 1_000)).toEqual([{ spent: 0, held: 3_000 }]);
      expect(await counters.renew(lapsed, T0 + 1_000, 1_000)).toBe(false);
      expect((await reserve(counters, [line(counter, 10_000, 7_000)], T0 + 1_000)).admitted).toBe(true);
      expect(await counters.settle(lapsed, { [counter]: 500 })).toBe(true);
      expect(await counters.settle(lapsed, { [counter]: 500 })).toBe(false);
      expect(await counters.state([windowOf(counter)], T0 + 1_000)).toEqual([{ spent: 500, held: 10_000 }]);
      await counters.close();
    });

    it('a rolling window sums its hour buckets and lets the oldest go', async () => {
      const counters = await open();
      const counter = fresh();
      const rolling = (now: number): ReserveLine => {
        const bucket = Math.floor(now / HOUR) * HOUR;
        return { counter, bucket, fromBucket: bucket - 2 * HOUR, stepMs: HOUR, cap: 3_000, amount: 1_000 };
      };
      for (let hour = 0; hour < 3; hour++) {
        const id = randomUUID();
        const now = T0 + hour * HOUR;
        expect(
          (await counters.reserve({ reservationId: id, lines: [rolling(now)], now, leaseMs: 60_000 })).admitted,
        ).toBe(true);
        await counters.settle(id, { [counter]: 1_000 });
      }
      const third = T0 + 2 * HOUR + 10;
      expect(
        await counters.reserve({ reservationId: randomUUID(), lines: [rolling(third)], now: third, leaseMs: 1 }),
      ).toMatchObject({
        admitted: false,
        refusal: { spent: 3_000 },
      });
      const fourth = T0 + 3 * HOUR;
      expect(
        await counters.reserve({ reservationId: randomUUID(), lines: [rolling(fourth)], now: fourth, leaseMs: 1 }),
      ).toEqual({
        admitted: true,
        states: [{ spent: 2_000, held: 0 }],
      });
      await counters.close();
    });

    it('200 concurrent reservations against room for 37: exactly 37 admitted', async () => {
      const counters = await open();
      const counter = fresh();
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, () => reserve(counters, [line(counter, 37 * 100_000_000, 100_000_000)])),
      );
      expect(outcomes.filter((outcome) => outcome.admitted)).toHaveLength(37);
      expect(await counters.state([windowOf(counter)], T0)).toEqual([{ spent: 0, held: 3_700_000_000 }]);
      await counters.close();
    });

    it('amounts beyond 2^32 nanos stay exact ($100,000 caps)', async () => {
      const counters = await open();
      const counter = fresh();
      const id = randomUUID();
      const big = 100_000 * 1_000_000_000;
      expect((await reserve(counters, [line(counter, big, big - 1)], T0, 60_000, id)).admitted).toBe(true);
      await counters.settle(id, { [counter]: 12_345_678_901_234 });
      expect(await counters.state([windowOf(counter)], T0)).toEqual([{ spent: 12_345_678_901_234, held: 0 }]);
      await counters.close();
    });

    it('an alert is claimed once per counter, bucket and threshold, even by 20 claimants at once', async () => {
      // Windows still open (keepUntil in the future by the wall clock, which Redis expires claims by):
      // T0 + a day was a past window's end once the suite ran two days after T0, forgotten at once.
      const keepUntil = Date.now() + 30 * 24 * HOUR;
      const counters = await open();
      const counter = fresh();
      const claims = await Promise.all(
        Array.from({ length: 20 }, () => counters.claimAlert(counter, T0, 80, keepUntil)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await counters.claimAlert(counter, T0, 80, keepUntil)).toBe(false);
      // Another threshold, another window, another counter: each its own claim.
      expect(await counters.claimAlert(counter, T0, 95, keepUntil)).toBe(true);
      expect(await counters.claimAlert(counter, T0 + 24 * HOUR, 80, keepUntil)).toBe(true);
      expect(await counters.claimAlert(fresh(), T0, 80, undefined)).toBe(true);
      // What was sent, per window: this bucket's two thresholds; the next bucket's one; both over a two-bucket window.
      expect(
        await counters.alertsSent([
          windowOf(counter),
          windowOf(counter, T0 + 24 * HOUR),
          { counter, bucket: T0 + 24 * HOUR, fromBucket: T0, stepMs: 24 * HOUR },
          windowOf(fresh()),
        ]),
      ).toEqual([[80, 95], [80], [80, 95], []]);
      await counters.close();
    });

    it('counts refusals per bucket and sums them over a window', async () => {
      const counters = await open();
      const counter = fresh();
      await Promise.all(Array.from({ length: 7 }, () => counters.countRefusal(counter, T0)));
      await counters.countRefusal(counter, T0 + HOUR);
      await counters.countRefusal(counter, T0 + 5 * HOUR);
      expect(
        await counters.refusals([
          windowOf(counter),
          { counter, bucket: T0 + 2 * HOUR, fromBucket: T0, stepMs: HOUR },
          windowOf(counter, T0 + 5 * HOUR),
          windowOf(fresh()),
        ]),
      ).toEqual([7, 8, 1, 0]);
      await counters.close();
    });
  });
}
