/**
 * When our cost and the cost the provider reported itself (OpenRouter `usage.cost`, ...)
 * disagree: by more than 1% of the provider's figure (any amount when it said $0). Defined once,
 * in nanos (the figures as stored), for the event (build-event, a stored row read back), the
 * rollups (store/rollup-delta.ts), `tokenledger usage` and, as SQL over raw events, the store
 * (store/cost-mismatch.ts), so every path counts the same calls. Here, among the units, so that
 * what prices one response does not load the store to ask.
 *
 * @module
 */

/** The disagreement threshold: 1% of the provider's figure. */
export const COST_MISMATCH_PERCENT = 1;

/** True when both figures are known and differ by more than the threshold. */
export function isCostMismatch(oursNanos: number | null, providerNanos: number | null): boolean {
  if (oursNanos === null || providerNanos === null) return false;
  return Math.abs(oursNanos - providerNanos) * 100 > providerNanos * COST_MISMATCH_PERCENT;
}
