import { describe, expect, it } from 'vitest';
import { createPricer } from '#src/pricing/index.js';
import { addCosts, nanosToUsd, tokensToNanos, usdToNanos, zeroCost } from '#src/units/index.js';
import { usage } from './helpers.js';

describe('money in integer nano-dollars', () => {
  it('converts both ways exactly', () => {
    expect(nanosToUsd(3_250_000_000)).toBe(3.25);
    expect(usdToNanos(0.0000175)).toBe(17_500);
    expect(tokensToNanos(7, 2.5)).toBe(17_500);
    expect(tokensToNanos(1, 0.028)).toBe(28);
    for (const n of [1, 7, 17_500, 123_456_789, 9_007_199_254]) expect(usdToNanos(nanosToUsd(n))).toBe(n);
  });

  it('addCosts sums part by part', () => {
    const pricer = createPricer();
    const a = pricer.price({
      provider: 'openai',
      model: 'gpt-4o',
      usage: usage({ inputTokens: 1000, cacheReadTokens: 400, outputTokens: 10 }),
    }).cost;
    const b = pricer.price({
      provider: 'anthropic',
      model: 'claude-sonnet-4-20250514',
      usage: usage({ inputTokens: 900, cacheWriteTokens: 800, outputTokens: 3 }),
    }).cost;
    if (!a || !b) throw new Error('expected costs');
    const sum = addCosts(a, b);
    expect(sum.totalNanos).toBe(a.totalNanos + b.totalNanos);
    expect(usdToNanos(sum.input)).toBe(usdToNanos(a.input) + usdToNanos(b.input));
    expect(usdToNanos(sum.cacheWrite)).toBe(usdToNanos(b.cacheWrite));
    expect(usdToNanos(sum.cacheSavings)).toBe(usdToNanos(a.cacheSavings));
    expect(addCosts(zeroCost(), a)).toEqual(a);
  });

  it('summing 1M small costs does not drift (float summing does)', () => {
    const pricer = createPricer();
    // 7 uncached gpt-4o input tokens: 7 * 2.5 / 1e6 USD = 17,500 nanos each.
    const one = pricer.price({
      provider: 'openai',
      model: 'gpt-4o',
      usage: usage({ inputTokens: 7, outputTokens: 0 }),
    }).cost;
    if (!one) throw new Error('expected a cost');
    expect(one.totalNanos).toBe(17_500);
    let total = zeroCost();
    let floatSum = 0;
    for (let i = 0; i < 1_000_000; i++) {
      total = addCosts(total, one);
      floatSum += one.total;
    }
    expect(total.totalNanos).toBe(17_500_000_000);
    expect(total.total).toBe(17.5);
    expect(total.input).toBe(17.5);
    // The naive float sum is off: what integer nanos protect against.
    expect(floatSum).not.toBe(17.5);
  });
});
