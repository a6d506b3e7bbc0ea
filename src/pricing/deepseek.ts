/**
 * DeepSeek's list prices, shipped because the genai-prices catalog (0.1.8) still carries the
 * old DeepSeek-V3/R1 prices with the off-peak discount (deepseek-chat 0.27/0.07/1.10, half
 * that 16:30-00:30 UTC), which DeepSeek stopped charging in September 2025. Events before the
 * first date below keep the catalog's (then correct) prices.
 *
 * - From 2025-09-05 16:00 UTC (DeepSeek-V3.1; "new pricing begins & night-time discounts end",
 *   DeepSeek API news 2025-08-21): cache miss $0.56, cache hit $0.07, output $1.68 per 1M.
 * - From 2025-09-29 (DeepSeek-V3.2-Exp, "API prices drop 50%+, effective immediately", DeepSeek
 *   API news 2025-09-29), still listed late 2025 / 2026 for V3.2 on
 *   https://api-docs.deepseek.com/quick_start/pricing: cache miss $0.28, cache hit $0.028,
 *   output $0.42 per 1M, both for `deepseek-chat` and `deepseek-reasoner`.
 *
 * DeepSeek bills no cache writes (misses are plain input), so cacheWrite = input. A user
 * override for the same model wins over these.
 *
 * @module
 */
import type { PriceOverride } from '../types/index.js';

/** A shipped price, in force from `since` (ISO date-time) on. */
export interface DatedPriceOverride extends PriceOverride {
  since: string;
  /** Where the price comes from, shown as the lookup's note. */
  source: string;
}

const V3_1 = { input: 0.56, cacheRead: 0.07, cacheWrite: 0.56, output: 1.68 };
const V3_2 = { input: 0.28, cacheRead: 0.028, cacheWrite: 0.28, output: 0.42 };
const V3_1_SOURCE = 'DeepSeek list price (V3.1, api-docs.deepseek.com news 2025-08-21)';
const V3_2_SOURCE = 'DeepSeek list price (V3.2, api-docs.deepseek.com/quick_start/pricing)';

export const DEEPSEEK_PRICES: readonly DatedPriceOverride[] = Object.freeze(
  ['deepseek-chat', 'deepseek-reasoner'].flatMap((model) => [
    { provider: 'deepseek', model, since: '2025-09-05T16:00:00Z', source: V3_1_SOURCE, ...V3_1 },
    { provider: 'deepseek', model, since: '2025-09-29T00:00:00Z', source: V3_2_SOURCE, ...V3_2 },
  ]),
);
