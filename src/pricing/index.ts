export { createPricer } from './pricer.js';
export { nanosToUsd, usdToNanos, tokensToNanos, addCosts, zeroCost } from './money.js';
export { DEEPSEEK_PRICES } from './deepseek.js';
export type { DatedPriceOverride } from './deepseek.js';
export type {
  Pricer,
  PricerOptions,
  PriceInput,
  LookupInput,
  PriceLookup,
  PriceTier,
  PriceSource,
} from './types.js';
