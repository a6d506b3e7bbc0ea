export { createPricer } from './pricer.js';
export {
  BUNDLED_CATALOG,
  bundledSourceName,
  eventPriceSource,
  priceDataStatus,
  refreshedSourceName,
  STALE_AFTER_DAYS,
} from './price-data.js';
export {
  activeProviders,
  bundledProviders,
  checkCatalogText,
  defaultCatalogUrl,
  installCatalog,
  readCatalogSource,
  restoreBundledCatalog,
  sha256Of,
} from './catalog-install.js';
export { catalogGeneration, installedCatalog } from './installed-state.js';
export type { InstalledCatalog } from './installed-state.js';
export { JUMP_FACTOR, movesLine, SHRINK_MARGIN } from './catalog-check.js';
export type { CatalogCheck, CatalogCounts } from './catalog-check.js';
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
