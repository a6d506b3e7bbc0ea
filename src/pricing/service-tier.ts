/**
 * Service tiers: a call served at a tier other than standard (OpenAI `service_tier` `flex` or
 * `priority`, the Batch API, Anthropic Message Batches) is billed at that tier's price. The
 * catalog (`@pydantic/genai-prices` 0.1.8) has no tier prices at all, so:
 * - `batch` is priced at half the standard price of every part, the discount both providers
 *   publish for their batch APIs (https://platform.openai.com/docs/guides/batch,
 *   https://docs.claude.com/en/docs/build-with-claude/batch-processing#pricing), with a warning
 *   that the price is derived;
 * - any other tier is priced at the standard price, with a warning: never silent, never $0.
 *
 * @module
 */
import type { ResolvedPrices } from './types.js';

/** Tier names that mean the standard price (OpenAI `default`/`auto`, Anthropic `standard`). */
const STANDARD_TIERS = new Set(['default', 'auto', 'standard', 'standard_only']);

/** The longest tier name kept (the tag value stays short; longer is not a tier any provider names). */
const MAX_TIER_LENGTH = 40;

/**
 * A tier name as given by a response, a request or a caller -> the tier we price by, lower-case;
 * `undefined` for the standard tier and for anything that is not a plain name.
 */
export function serviceTierName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const name = value.trim().toLowerCase();
  if (name === '' || name.length > MAX_TIER_LENGTH || !/^[a-z0-9_-]+$/.test(name)) return undefined;
  return STANDARD_TIERS.has(name) ? undefined : name;
}

/** How a tier is priced: the factor on every standard part price, and the warning the event carries. */
export interface TierPricing {
  factor: number;
  warning: string;
}

/** The published batch discount (OpenAI Batch API, Anthropic Message Batches): half price. */
const BATCH_FACTOR = 0.5;

/** How a (non-standard) tier is priced while the catalog has no tier prices. */
export function tierPricing(tier: string): TierPricing {
  if (tier === 'batch')
    return {
      factor: BATCH_FACTOR,
      warning:
        'service tier batch: the price catalog has no batch price; priced at 50% of the standard price, the batch discount OpenAI and Anthropic publish (a derived price)',
    };
  return {
    factor: 1,
    warning: `service tier ${tier}: the price catalog has no ${tier} price; priced at the standard price`,
  };
}

/** Every part price of `prices` times `factor` (halving is exact in binary floating point). */
export function scalePrices(prices: ResolvedPrices, factor: number): ResolvedPrices {
  if (factor === 1) return prices;
  const scaled: ResolvedPrices = {
    input: prices.input * factor,
    output: prices.output * factor,
    cacheRead: prices.cacheRead * factor,
    cacheWrite: prices.cacheWrite * factor,
    cacheWrite1h: prices.cacheWrite1h * factor,
  };
  if (prices.inputAudio !== undefined) scaled.inputAudio = prices.inputAudio * factor;
  if (prices.outputAudio !== undefined) scaled.outputAudio = prices.outputAudio * factor;
  if (prices.outputReasoning !== undefined) scaled.outputReasoning = prices.outputReasoning * factor;
  return scaled;
}
