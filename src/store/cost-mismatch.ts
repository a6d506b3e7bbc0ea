/**
 * When our cost and the cost the provider reported itself (OpenRouter `usage.cost`, ...)
 * disagree: by more than 1% of the provider's figure (any amount when it said $0). Defined once,
 * in nanos (the figures as stored), for the event (build-event, a stored row read back), the
 * rollups (rollup-delta.ts) and SQL over raw events (sql-query.ts), so every path counts the
 * same calls.
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

/** The same test as SQL over the events table's columns. */
export const COST_MISMATCH_SQL = `(cost_total_nanos IS NOT NULL AND provider_cost_nanos IS NOT NULL AND ABS(cost_total_nanos - provider_cost_nanos) * 100 > provider_cost_nanos * ${COST_MISMATCH_PERCENT})`;
