/**
 * A budget from the config file's form (`capUsd`, `window: day`, `leaseSeconds`) to the
 * `BudgetSpec` the guard enforces (integer nano-dollars, a window object, milliseconds).
 *
 * @module
 */
import type { BudgetConfig } from '../config/index.js';
import { usdToNanos } from '../units/index.js';
import type { BudgetSpec, BudgetWindow } from '../types/index.js';

/** Output tokens held for a call that names no `max_tokens`, unless the budget says otherwise. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;
/** A hold's lease unless the budget says otherwise: renewed every third of it while the call runs. */
export const DEFAULT_LEASE_MS = 60_000;

/** The percentile of observed output an adaptive budget holds unless it says otherwise. */
export const DEFAULT_ADAPTIVE_PERCENTILE = 99;
/** Completed calls of a model an adaptive budget observes before it holds their percentile. */
export const DEFAULT_MIN_OBSERVATIONS = 20;

/** Alert thresholds (percent of the cap) when a budget asks for alerts without naming them. */
export const DEFAULT_ALERT_THRESHOLDS = [50, 80, 95, 100];

export function budgetFromConfig(entry: BudgetConfig): BudgetSpec {
  const window: BudgetWindow =
    typeof entry.window === 'object'
      ? { kind: 'rolling', hours: entry.window.rollingHours }
      : entry.window === 'lifetime'
        ? { kind: 'lifetime' }
        : { kind: entry.window, timeZone: entry.timeZone ?? 'UTC' };
  const spec: BudgetSpec = {
    name: entry.name,
    unit: entry.capUsd === undefined ? 'tokens' : 'usd',
    cap: entry.capUsd === undefined ? (entry.capTokens ?? 0) : usdToNanos(entry.capUsd),
    scope: entry.scope ?? {},
    window,
    defaultMaxOutputTokens: entry.defaultMaxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
    failureMode: entry.failureMode ?? 'closed',
    mode:
      entry.mode === 'adaptive'
        ? {
            kind: 'adaptive',
            percentile: entry.percentile ?? DEFAULT_ADAPTIVE_PERCENTILE,
            minObservations: entry.minObservations ?? DEFAULT_MIN_OBSERVATIONS,
          }
        : { kind: 'strict' },
    leaseMs: entry.leaseSeconds === undefined ? DEFAULT_LEASE_MS : Math.round(entry.leaseSeconds * 1000),
    paused: entry.paused ?? false,
  };
  if (entry.unpricedHoldUsd !== undefined) spec.unpricedHoldNanos = usdToNanos(entry.unpricedHoldUsd);
  if (entry.alerts !== undefined) {
    const thresholds = [...new Set(entry.alerts.at ?? DEFAULT_ALERT_THRESHOLDS)].sort((a, b) => a - b);
    spec.alerts = { thresholds, ...(entry.alerts.webhook === undefined ? {} : { webhook: entry.alerts.webhook }) };
  }
  return spec;
}
