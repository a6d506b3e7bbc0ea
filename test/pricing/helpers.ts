import type { Usage } from '#src/types/index.js';

/** A usage with the given counts; everything not given is unknown. */
export function usage(counts: Partial<Usage> & { inputTokens: number; outputTokens: number }): Usage {
  return {
    cacheReadTokens: undefined,
    cacheWriteTokens: undefined,
    reasoningTokens: undefined,
    ...counts,
    totalTokens: counts.inputTokens + counts.outputTokens,
  };
}

/** USD for `tokens` at `pricePerM` USD per 1M, as exact integer nanos. */
export function nanos(tokens: number, pricePerM: number): number {
  return Math.round(tokens * pricePerM * 1000);
}
