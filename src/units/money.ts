/**
 * Money arithmetic. Every amount is an integer number of nano-dollars (1e-9 USD) while it is
 * computed and summed; USD floats only appear at the edges. Summing floats such as 0.0000025
 * a million times drifts; summing integers does not (up to 2^53 nanos, about 9 million USD
 * per figure, far beyond one ledger query).
 *
 * @module
 */
import type { Cost } from '../types/index.js';

const NANOS_PER_USD = 1_000_000_000;

/** Nano-dollars to USD. */
export function nanosToUsd(nanos: number): number {
  return nanos / NANOS_PER_USD;
}

/**
 * USD to integer nano-dollars, rounded to the nearest nano. Exact for any USD figure that
 * was itself made from nanos (the round trip `usdToNanos(nanosToUsd(n)) === n` holds).
 */
export function usdToNanos(usd: number): number {
  return Math.round(usd * NANOS_PER_USD);
}

/**
 * The price of `tokens` at `pricePerMillion` USD per 1M tokens, in integer nano-dollars:
 * tokens * price / 1e6 USD = tokens * price * 1000 nanos.
 */
export function tokensToNanos(tokens: number, pricePerMillion: number): number {
  if (tokens <= 0 || pricePerMillion <= 0) return 0;
  return Math.round(tokens * pricePerMillion * 1000);
}

/** The parts of a cost in integer nano-dollars. */
export interface CostNanos {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  cacheSavings: number;
}

/** Builds a `Cost` from integer nano parts; the total is the integer sum of the parts. */
export function costFromNanos(parts: CostNanos): Cost {
  const totalNanos = parts.input + parts.cacheRead + parts.cacheWrite + parts.output;
  return {
    input: nanosToUsd(parts.input),
    cacheRead: nanosToUsd(parts.cacheRead),
    cacheWrite: nanosToUsd(parts.cacheWrite),
    output: nanosToUsd(parts.output),
    total: nanosToUsd(totalNanos),
    currency: 'USD',
    totalNanos,
    cacheSavings: nanosToUsd(parts.cacheSavings),
  };
}

/** The nano parts of a `Cost` (each USD part was made from integer nanos, so this is exact). */
export function costToNanos(cost: Cost): CostNanos {
  return {
    input: usdToNanos(cost.input),
    cacheRead: usdToNanos(cost.cacheRead),
    cacheWrite: usdToNanos(cost.cacheWrite),
    output: usdToNanos(cost.output),
    cacheSavings: usdToNanos(cost.cacheSavings),
  };
}

/** A cost of zero (the neutral element of `addCosts`). */
export function zeroCost(): Cost {
  return costFromNanos({ input: 0, cacheRead: 0, cacheWrite: 0, output: 0, cacheSavings: 0 });
}

/**
 * Sums two costs part by part in integer nanos, so a running total over millions of events
 * stays exact. `totalNanos` is summed directly.
 */
export function addCosts(a: Cost, b: Cost): Cost {
  const left = costToNanos(a);
  const right = costToNanos(b);
  const sum = costFromNanos({
    input: left.input + right.input,
    cacheRead: left.cacheRead + right.cacheRead,
    cacheWrite: left.cacheWrite + right.cacheWrite,
    output: left.output + right.output,
    cacheSavings: left.cacheSavings + right.cacheSavings,
  });
  // Keep the exact integer total even if a caller built a Cost whose parts were rounded.
  const totalNanos = a.totalNanos + b.totalNanos;
  return { ...sum, totalNanos, total: nanosToUsd(totalNanos) };
}
