/**
 * A budget's standing now: settled spend and live holds in its current window, what remains,
 * when the window resets, and a burn-rate forecast for calendar windows ("at this rate the
 * monthly budget runs out on the 23rd"): the spend so far, spread evenly over the time elapsed,
 * carried to the end of the window.
 *
 * @module
 */
import type { BudgetSpec } from '../types/index.js';
import type { BudgetCounters } from './counters.js';
import { counterOf, windowSpan, type WindowSpan } from './window.js';

export interface BudgetStatus {
  budget: BudgetSpec;
  /** Settled spend, live holds and room left, in the budget's unit (nanos or tokens). */
  spent: number;
  held: number;
  remaining: number;
  /** Start of the current window (UTC ms; 0 for lifetime). */
  windowStart: number;
  resetsAt: number | undefined;
  /** Calls this budget refused in the window. */
  refused: number;
  /** How far the window's settled spend is above the cap (adaptive budgets, calls without `max_tokens`); 0 within it. */
  overCap: number;
  /** The alert thresholds (percent of the cap) sent in the window, ascending. */
  alertsSent: number[];
  /** Calendar windows with spend: the spend projected at the window's end, and when the cap would be reached. */
  forecast?: { projected: number; runsOutAt: number | undefined };
}

export async function budgetStatuses(
  budgets: readonly BudgetSpec[],
  counters: BudgetCounters,
  now: number,
): Promise<BudgetStatus[]> {
  const spans = budgets.map((budget) => windowSpan(budget.window, now));
  const windows = budgets.map((budget, index) => {
    const span = spans[index] ?? windowSpan(budget.window, now);
    return { counter: counterOf(budget), bucket: span.bucket, fromBucket: span.fromBucket, stepMs: span.stepMs };
  });
  const [states, refusals, alerts] = await Promise.all([
    counters.state(windows, now),
    counters.refusals(windows),
    counters.alertsSent(windows),
  ]);
  return budgets.map((budget, index) => {
    const span = spans[index] ?? windowSpan(budget.window, now);
    const { spent, held } = states[index] ?? { spent: 0, held: 0 };
    const status: BudgetStatus = {
      budget,
      spent,
      held,
      remaining: Math.max(0, budget.cap - spent - held),
      refused: refusals[index] ?? 0,
      overCap: Math.max(0, spent - budget.cap),
      alertsSent: alerts[index] ?? [],
      windowStart: span.fromBucket,
      resetsAt: span.resetsAt,
    };
    const forecast = burnRateForecast(budget, span, spent, now);
    if (forecast !== undefined) status.forecast = forecast;
    return status;
  });
}

/**
 * Calendar windows with spend: the spend so far spread evenly over the time elapsed, carried to
 * the window's end, and when the cap would be reached at that rate (undefined: not before the reset).
 */
export function burnRateForecast(
  budget: BudgetSpec,
  span: WindowSpan,
  spent: number,
  now: number,
): BudgetStatus['forecast'] | undefined {
  const calendar = budget.window.kind === 'day' || budget.window.kind === 'week' || budget.window.kind === 'month';
  const elapsed = now - span.bucket;
  if (!calendar || span.resetsAt === undefined || spent <= 0 || elapsed <= 0) return undefined;
  const rate = spent / elapsed;
  const projected = Math.round(rate * (span.resetsAt - span.bucket));
  const runsOut = span.bucket + Math.ceil(budget.cap / rate);
  return { projected, runsOutAt: runsOut < span.resetsAt ? runsOut : undefined };
}
