export { nanosToUsd, usdToNanos, tokensToNanos, costFromNanos, costToNanos, addCosts, zeroCost } from './money.js';
export type { CostNanos } from './money.js';
export { isCostMismatch, COST_MISMATCH_PERCENT } from './cost-mismatch.js';
export {
  SECOND_MS,
  MINUTE_MS,
  HOUR_MS,
  DAY_MS,
  WEEK_MS,
  bucketStart,
  looksLikeIsoTime,
  parseIsoTime,
  parseDuration,
} from './time.js';
