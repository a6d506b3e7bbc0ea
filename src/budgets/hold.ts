/**
 * The worst case of a call, held on each budget before it is sent: the input-token bound
 * (input-bound.ts) plus the output cap, priced at the highest rate any of those tokens could
 * be billed at. A call with no known price has no USD worst case.
 *
 * @module
 */
import type { PriceLookup, Pricer } from '../pricing/index.js';
import type { BudgetSpec, Usage } from '../types/index.js';

/** What the hold of one call is computed from. */
export interface HoldInput {
  provider?: string | undefined;
  model?: string | undefined;
  /** The input-token upper bound (see `inputTokenBound`). */
  inputTokens: number;
  /** The request's own output cap (`max_tokens`, `max_output_tokens`, `maxOutputTokens`), when it names one. */
  maxOutputTokens?: number | undefined;
  /** The model's context window, when the catalog knows it: no call reads or outputs more. */
  contextWindow?: number | undefined;
  /** False for routes that bill nothing (model lists, files, token counting): they hold 0. */
  bills: boolean;
  time?: Date | undefined;
  /**
   * The model's prices as `pricer.lookup` gave them for this call's time, when the caller has
   * them (the guard does, for the context window): the worst case then prices only the ways of
   * billing that can cost more than plain text.
   */
  prices?: PriceLookup | undefined;
}

/** What one call holds on one budget, in the budget's unit. */
export interface Hold {
  inputTokens: number;
  /** Output tokens held: the worst case, or an adaptive budget's observed percentile. */
  outputTokens: number;
  /** The amount held: nano-dollars or tokens. `undefined` when a USD worst case cannot be priced. */
  amount: number | undefined;
  /** The worst case (== `amount` unless an adaptive budget holds less): `worst - amount` is what the call may settle above its hold. */
  worstAmount: number | undefined;
  /** True when a USD amount is the budget's per-call hold for unpriced models. */
  unpriced: boolean;
}

/**
 * The output tokens held: the request's own cap, else the budget's default (the catalog knows
 * context windows, not output maxima; holding a whole context window of output would make a
 * call without `max_tokens` cost dollars of room). Never above the context window. A call
 * without a cap that outputs more than the default settles above its hold: the settle
 * reports it as an overshoot.
 */
export function outputTokenBound(input: HoldInput, budget: BudgetSpec): number {
  const wanted = input.maxOutputTokens ?? budget.defaultMaxOutputTokens;
  return input.contextWindow === undefined ? wanted : Math.min(wanted, input.contextWindow);
}

function usageOf(input: number, output: number, parts: Partial<Usage> = {}): Usage {
  return {
    inputTokens: input,
    outputTokens: output,
    totalTokens: input + output,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    ...parts,
  };
}

/**
 * The highest price the tokens could be billed at. Priced several ways, the largest wins: all
 * input written to a 1-hour cache (Anthropic bills writes up to 2x input), all input or output
 * audio (priced far above text on audio models), all output reasoning; long-context tiers
 * follow from the input count, which is already the bound.
 *
 * With the model's `prices` (its lookup at the call's time), a way that cannot cost more than
 * plain text is not priced: a 1-hour cache write at most the input price, audio or reasoning
 * the model does not price apart (then they are priced as text, the same amount). Each way is a
 * full pricing, and pricing all four was most of an admission's CPU; the result is the same.
 * A model with long-context tiers is priced every way (its lookup shows the base tier only).
 */
export function worstCaseNanos(
  pricer: Pricer,
  call: { provider?: string | undefined; model: string; time?: Date | undefined },
  input: number,
  output: number,
  prices?: PriceLookup,
): number | undefined {
  const all = prices === undefined || prices.tiers !== undefined;
  const variants: Partial<Usage>[] = [{}];
  const oneHourWrite = prices?.prices.cacheWrite1h;
  if (all || oneHourWrite === undefined || oneHourWrite > prices.prices.input)
    variants.push({ cacheWriteTokens: input, cacheWrite1hTokens: input });
  if (all || prices.extra?.inputAudio !== undefined || prices.extra?.outputAudio !== undefined)
    variants.push({ inputAudioTokens: input, outputAudioTokens: output });
  if (all || prices.extra?.outputReasoning !== undefined) variants.push({ reasoningTokens: output });
  let worst: number | undefined;
  for (const parts of variants) {
    const priced = pricer.price({
      ...(call.provider === undefined ? {} : { provider: call.provider }),
      model: call.model,
      usage: usageOf(input, output, parts),
      ...(call.time === undefined ? {} : { time: call.time }),
    });
    if (priced.cost === null) return undefined;
    worst = Math.max(worst ?? 0, priced.cost.totalNanos);
  }
  if (worst === undefined) return undefined;
  return wholeNanoRates(prices ?? pricer.lookup(call)) ? worst : worst + ROUNDING_ALLOWANCE_NANOS;
}

/**
 * Each part of a cost is rounded to the nano on its own (tokensToNanos), eight parts at most
 * (computeCost: text, audio, cache read, 5-minute and 1-hour writes, output, reasoning and audio
 * output). At rates that are not whole nanos per token, a call billed in several parts can come
 * to a few nanos above its dearest way priced whole (test/budgets/hold-bound.test.ts found 1):
 * a hold adds a nano per part, and stays a bound.
 */
const ROUNDING_ALLOWANCE_NANOS = 8;

/** True when every rate of the model (each tier's too) is a whole number of nanos per token: no part is ever rounded. */
function wholeNanoRates(prices: PriceLookup | undefined): boolean {
  if (prices === undefined) return false;
  const rates = [prices.prices, prices.extra ?? {}, ...(prices.tiers ?? []).map((tier) => tier.prices)].flatMap(
    (sheet) => Object.values(sheet) as (number | undefined)[],
  );
  return rates.every((perMillion) => {
    if (perMillion === undefined) return true;
    const nanosPerToken = perMillion * 1000;
    return Math.abs(nanosPerToken - Math.round(nanosPerToken)) < 1e-6;
  });
}

/**
 * The hold of one call on one budget: its worst case, or for an adaptive budget that has
 * observed the model (`observedOutput`, its percentile), the input bound plus that output,
 * priced the same way; never above the worst case.
 */
export function holdFor(pricer: Pricer, input: HoldInput, budget: BudgetSpec, observedOutput?: number): Hold {
  if (!input.bills) return { inputTokens: 0, outputTokens: 0, amount: 0, worstAmount: 0, unpriced: false };
  const worstOutput = outputTokenBound(input, budget);
  const outputTokens = observedOutput === undefined ? worstOutput : Math.min(worstOutput, observedOutput);
  const base = { inputTokens: input.inputTokens, outputTokens };
  if (budget.unit === 'tokens') {
    const amount = input.inputTokens + outputTokens;
    return { ...base, amount, worstAmount: input.inputTokens + worstOutput, unpriced: false };
  }
  const priceOf = (output: number) =>
    input.model === undefined
      ? undefined
      : worstCaseNanos(
          pricer,
          { provider: input.provider, model: input.model, time: input.time },
          input.inputTokens,
          output,
          input.prices,
        );
  const nanos = priceOf(outputTokens);
  if (nanos !== undefined) {
    const worstAmount = outputTokens === worstOutput ? nanos : priceOf(worstOutput);
    return { ...base, amount: nanos, worstAmount, unpriced: false };
  }
  // Unpriced: the per-call hold, adaptive or not (there is no price to take a percentile of).
  const amount = budget.unpricedHoldNanos;
  return { ...base, outputTokens: worstOutput, amount, worstAmount: amount, unpriced: amount !== undefined };
}
