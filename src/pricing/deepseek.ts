/**
 * DeepSeek's list prices, shipped as a built-in override because the genai-prices catalog
 * (0.1.8) still carries the old DeepSeek-V3/R1 prices with the off-peak discount
 * (deepseek-chat 0.27/0.07/1.10 and 0.135/0.035/0.55 off-peak), which DeepSeek no longer
 * charges.
 *
 * Source: https://api-docs.deepseek.com/quick_start/pricing, as of late 2025 (DeepSeek-V3.2,
 * both `deepseek-chat` and `deepseek-reasoner`): input cache miss $0.28 / 1M, cache hit
 * $0.028 / 1M, output $0.42 / 1M, no time-of-day discount. DeepSeek bills no cache writes
 * (misses are billed as plain input), so cacheWrite = input.
 *
 * These apply at any event time; a user override for the same model wins over them.
 *
 * @module
 */
import type { PriceOverride } from '../types/index.js';

export const DEEPSEEK_OVERRIDES: readonly PriceOverride[] = Object.freeze([
  { provider: 'deepseek', model: 'deepseek-chat', input: 0.28, cacheRead: 0.028, cacheWrite: 0.28, output: 0.42 },
  { provider: 'deepseek', model: 'deepseek-reasoner', input: 0.28, cacheRead: 0.028, cacheWrite: 0.28, output: 0.42 },
]);
