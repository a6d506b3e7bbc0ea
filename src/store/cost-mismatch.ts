/**
 * The cost-mismatch rule (units/cost-mismatch.ts) as SQL over the events table's columns.
 *
 * @module
 */
import { COST_MISMATCH_PERCENT } from '../units/index.js';

/** `isCostMismatch(cost_total_nanos, provider_cost_nanos)` in SQL. */
export const COST_MISMATCH_SQL = `(cost_total_nanos IS NOT NULL AND provider_cost_nanos IS NOT NULL AND ABS(cost_total_nanos - provider_cost_nanos) * 100 > provider_cost_nanos * ${COST_MISMATCH_PERCENT})`;
