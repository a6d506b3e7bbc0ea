/**
 * Money. Every amount is computed in integer nano-dollars (1e-9 USD) and summed as integers,
 * so totals over millions of events never drift; USD numbers are derived at the edges.
 *
 * @module
 */

/** Cost of one call, split into exclusive parts so nothing is billed twice. */
export interface Cost {
  /** Uncached input tokens, USD. */
  input: number;
  /** Cache reads, USD. */
  cacheRead: number;
  /** Cache writes (5m and 1h together), USD. */
  cacheWrite: number;
  /** Output tokens (reasoning included), USD. */
  output: number;
  /** Sum of the parts, USD. */
  total: number;
  currency: 'USD';
  /** `total` in integer nano-dollars: the exact figure sums are made from. */
  totalNanos: number;
  /**
   * What the cache saved on this call, USD: cache reads priced at the uncached input price
   * minus their cache-read price. 0 when nothing was read from cache.
   */
  cacheSavings: number;
}

/** Prices per 1M tokens, in USD. */
export interface PricePerMillion {
  input: number;
  output: number;
  cacheRead?: number;
  /** 5-minute cache write price (the default cache write price). */
  cacheWrite?: number;
  /** 1-hour cache write price, where it differs. */
  cacheWrite1h?: number;
}

/** A user price override, per 1M tokens; wins over the catalog. */
export interface PriceOverride extends PricePerMillion {
  /** Provider id the override applies to; any provider when absent. */
  provider?: string;
  /** Model id (exact) the override applies to. */
  model: string;
  /**
   * In force from this ISO-8601 date or date-time (UTC unless it names an offset), by each
   * call's own time; before it, whatever priced the model without this override. Dates in the
   * future schedule a price change; several dated overrides of one model form a schedule.
   */
  from?: string;
}

/** The outcome of pricing one usage. */
export type PriceResult =
  | { cost: Cost; source: 'override' | 'catalog' | 'free'; modelId: string; reason?: undefined }
  | { cost: null; reason: string; source?: undefined; modelId?: undefined };
