/** A model whose every call costs exactly $0.10: no input price, 1,000 output tokens at $100 per 1M. */
import type { PriceOverride } from '#src/types/index.js';

export const DIME = 'dime-model';
export const DIME_PRICES: PriceOverride[] = [{ provider: 'test', model: DIME, input: 0, output: 100 }];
export const DIME_NANOS = 100_000_000;
/** The admission input of one such call (its worst case is its real cost). */
export const DIME_CALL = {
  call: { provider: 'test', model: DIME },
  inputTokens: 0,
  maxOutputTokens: 1000,
  costNanos: DIME_NANOS,
};
