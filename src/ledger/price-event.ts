/**
 * The one step from a call's metered usage to its stored price: the pricer's cost at the call's
 * time and tier, bounded to what a row holds, with where the prices came from. Recording
 * (build-event.ts) and re-pricing (reprice.ts) both take it, so a re-priced event carries
 * exactly what recording the same call today would give it.
 *
 * @module
 */
import { eventPriceSource, type Pricer } from '../pricing/index.js';
import type { Cost, Usage } from '../types/index.js';
import { MAX_USD } from './validate.js';

export interface PriceEventInput {
  provider: string;
  model: string;
  usage: Usage;
  /** The call's time, epoch ms (dated prices and overrides are picked by it). */
  timeMs: number;
  /** The service tier it was served at (absent: standard). */
  tier: string | undefined;
}

/** A priced call (`cost` with its source and pricing time) or why it has no price. */
export type PricedEvent =
  | { cost: Cost; priceSource: string; pricedAt: string; costUnavailableReason?: undefined; warning?: undefined }
  | { cost: null; costUnavailableReason: string; warning?: string; priceSource?: undefined; pricedAt?: undefined };

/** Prices one call now (`nowMs`: the pricing time kept as `pricedAt`). Never throws. */
export function priceEvent(pricer: Pricer, input: PriceEventInput, nowMs: number): PricedEvent {
  const { provider, model, usage, timeMs, tier } = input;
  const priced = pricer.price({ provider, model, usage, time: new Date(timeMs), tier });
  if (priced.cost === null) return { cost: null, costUnavailableReason: priced.reason };
  // Counts within bounds at a steep price can still exceed what a row's nano-dollars hold.
  if (priced.cost.total > MAX_USD)
    return {
      cost: null,
      costUnavailableReason: `the cost is above ${MAX_USD} USD, more than one call can cost`,
      warning: `cost of ${priced.cost.total} USD not kept: above ${MAX_USD} USD`,
    };
  return { cost: priced.cost, priceSource: eventPriceSource(priced.source), pricedAt: new Date(nowMs).toISOString() };
}
