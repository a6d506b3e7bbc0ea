export { createPricer } from './pricer.js';
export { BUNDLED_CATALOG, priceDataStatus, STALE_AFTER_DAYS } from './price-data.js';
export type { PriceDataStatus } from './price-data.js';
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
export { serviceTierName, tierPricing } from './service-tier.js';
export type { TierPricing } from './service-tier.js';
