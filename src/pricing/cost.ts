/**
 * Usage -> Cost on EXCLUSIVE parts, so nothing is billed twice (DESIGN.md "Normalized usage"):
 *
 *   uncached input = inputTokens - cacheReadTokens - cacheWriteTokens
 *   cache write    = 5-minute writes at the cache-write price + 1-hour writes at the 1h price
 *   output         = outputTokens (reasoning included, at the output price unless the model
 *                    prices reasoning apart)
 *   audio          = priced at the audio price where the catalog has one (its tokens leave the
 *                    text part), else as text
 *
 * Each part is computed in integer nano-dollars (`Math.round(tokens * pricePerM * 1000)`) and
 * the total is the integer sum of the parts.
 *
 * Unknown parts (`undefined`) of a known total count as 0 of that part: the tokens are then
 * billed at the total's own rate (e.g. input not reported as cached is billed as uncached), the
 * upper bound. An unknown total (input or output) makes the cost unknown, never 0.
 *
 * @module
 */
import type { Cost, Usage } from '../types/index.js';
import { costFromNanos, tokensToNanos } from '../units/index.js';
import type { ResolvedPrices } from './types.js';

export type CostOutcome = { cost: Cost; reason?: undefined } | { cost: null; reason: string };

/**
 * The most tokens one call may be priced for. Far above any context window, and low enough that
 * every part in nano-dollars stays an exact integer (10^10 tokens at $600 per 1M is 6e15 nanos,
 * under 2^53), so a cost is always exactly the sum of its parts.
 */
export const MAX_PRICEABLE_TOKENS = 1e10;

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_PRICEABLE_TOKENS;
}

/** A part: 0 when unknown; `null` when present but not a count (negative, NaN, wrong type). */
function part(value: unknown): number | null {
  if (value === undefined || value === null) return 0;
  return isCount(value) ? value : null;
}

/** Checks a usage before pricing; returns a reason when it cannot be priced. */
export function unpriceableReason(usage: Usage | undefined | null): string | undefined {
  if (usage === undefined || usage === null || typeof usage !== 'object') return 'usage unavailable';
  const { inputTokens, outputTokens } = usage;
  if (inputTokens === undefined || inputTokens === null || outputTokens === undefined || outputTokens === null) {
    return 'usage unavailable';
  }
  if (!isCount(inputTokens) || !isCount(outputTokens))
    return 'invalid usage: token counts must be whole numbers from 0 to 10^10';
  return undefined;
}

/** Prices one usage with resolved per-1M prices. Never throws. */
export function computeCost(usage: Usage, prices: ResolvedPrices): CostOutcome {
  const problem = unpriceableReason(usage);
  if (problem !== undefined) return { cost: null, reason: problem };
  const input = usage.inputTokens as number;
  const output = usage.outputTokens as number;
  const cacheRead = part(usage.cacheReadTokens);
  const write5m = part(usage.cacheWrite5mTokens);
  const write1h = part(usage.cacheWrite1hTokens);
  const reportedWrite = part(usage.cacheWriteTokens);
  const reasoning = part(usage.reasoningTokens);
  const inputAudio = part(usage.inputAudioTokens);
  const outputAudio = part(usage.outputAudioTokens);
  if ([cacheRead, write5m, write1h, reportedWrite, reasoning, inputAudio, outputAudio].includes(null)) {
    return { cost: null, reason: 'invalid usage: token counts must be whole numbers from 0 to 10^10' };
  }
  // When only the split is reported, the write total is its sum.
  const cacheWrite =
    usage.cacheWriteTokens === undefined || usage.cacheWriteTokens === null
      ? (write5m as number) + (write1h as number)
      : (reportedWrite as number);
  // The 1-hour part: as reported; else what the 5-minute part leaves; else none.
  const oneHour =
    usage.cacheWrite1hTokens !== undefined && usage.cacheWrite1hTokens !== null
      ? (write1h as number)
      : usage.cacheWrite5mTokens !== undefined && usage.cacheWrite5mTokens !== null
        ? Math.max(cacheWrite - (write5m as number), 0)
        : 0;
  const fiveMinute = cacheWrite - oneHour;
  if (fiveMinute < 0) return { cost: null, reason: 'invalid usage: 1-hour cache writes exceed cache writes' };
  const uncached = input - (cacheRead as number) - cacheWrite;
  if (uncached < 0) return { cost: null, reason: 'invalid usage: cache reads and writes exceed input tokens' };
  if ((reasoning as number) > output)
    return { cost: null, reason: 'invalid usage: reasoning tokens exceed output tokens' };

  // Audio leaves the text parts only where it has its own price; never more than is there.
  const audioIn = prices.inputAudio === undefined ? 0 : Math.min(inputAudio as number, uncached);
  const reasoningApart = prices.outputReasoning === undefined ? 0 : (reasoning as number);
  const audioOut = prices.outputAudio === undefined ? 0 : Math.min(outputAudio as number, output - reasoningApart);

  const cacheReadNanos = tokensToNanos(cacheRead as number, prices.cacheRead);
  const nanos = {
    input: tokensToNanos(uncached - audioIn, prices.input) + tokensToNanos(audioIn, prices.inputAudio ?? 0),
    cacheRead: cacheReadNanos,
    cacheWrite: tokensToNanos(fiveMinute, prices.cacheWrite) + tokensToNanos(oneHour, prices.cacheWrite1h),
    output:
      tokensToNanos(output - reasoningApart - audioOut, prices.output) +
      tokensToNanos(reasoningApart, prices.outputReasoning ?? 0) +
      tokensToNanos(audioOut, prices.outputAudio ?? 0),
    cacheSavings: Math.max(tokensToNanos(cacheRead as number, prices.input) - cacheReadNanos, 0),
  };
  return { cost: costFromNanos(nanos) };
}
