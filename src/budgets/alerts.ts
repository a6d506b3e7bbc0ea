/**
 * Soft thresholds: once a budget's settled spend in its window reaches a threshold (a percent of
 * the cap), one alert is sent for that threshold and window. "Once" holds across processes: the
 * counters, which every process of a ledger shares, hand each (counter, window, threshold) to the
 * first claimant only. Rolling windows are summed per hour, so their alerts are claimed per hour.
 *
 * Where an alert goes (a webhook, the log, /metrics) is the caller's `onAlert`: this file only
 * decides when one is due and what it says.
 *
 * @module
 */
import type { BudgetSpec } from '../types/index.js';
import { nanosToUsd } from '../units/index.js';
import type { BudgetCounters } from './counters.js';
import { burnRateForecast } from './status.js';
import type { WindowSpan } from './window.js';

export interface BudgetAlert {
  budget: string;
  unit: BudgetSpec['unit'];
  /** The threshold reached, in percent of the cap. */
  threshold: number;
  /** In USD for `usd` budgets, tokens for `tokens` budgets. */
  cap: number;
  spent: number;
  /** The window's start and end (ISO; no end for lifetime budgets). */
  windowStart: string;
  resetsAt?: string;
  /** At the window's burn rate so far: the spend at its end, and when the cap runs out if before it. */
  forecast?: { projected: number; runsOutAt?: string };
  /** One line for people (and Slack's `text` field). */
  text: string;
}

/** The alerts a budget owes now that its window's settled spend is `spent`; claimed, so each is sent once. */
export async function claimDueAlerts(
  counters: BudgetCounters,
  budget: BudgetSpec,
  counter: string,
  span: WindowSpan,
  spent: number,
  now: number,
): Promise<BudgetAlert[]> {
  const thresholds = budget.alerts?.thresholds ?? [];
  if (thresholds.length === 0 || budget.cap <= 0) return [];
  const percent = (spent / budget.cap) * 100;
  const due: BudgetAlert[] = [];
  for (const threshold of thresholds) {
    if (threshold > percent) break;
    if (await counters.claimAlert(counter, span.bucket, threshold, span.resetsAt))
      due.push(alertOf(budget, span, spent, threshold, now));
  }
  return due;
}

function alertOf(budget: BudgetSpec, span: WindowSpan, spent: number, threshold: number, now: number): BudgetAlert {
  const figure = (value: number) => (budget.unit === 'usd' ? nanosToUsd(value) : value);
  // USD to the millionth, without trailing zeros: caps of a few cents read right too.
  const shown = (value: number) =>
    budget.unit === 'usd' ? `$${Number(nanosToUsd(value).toFixed(6))}` : `${value} tokens`;
  const forecast = burnRateForecast(budget, span, spent, now);
  const runsOut = forecast?.runsOutAt === undefined ? undefined : new Date(forecast.runsOutAt).toISOString();
  const alert: BudgetAlert = {
    budget: budget.name,
    unit: budget.unit,
    threshold,
    cap: figure(budget.cap),
    spent: figure(spent),
    windowStart: new Date(span.fromBucket).toISOString(),
    text:
      `tokenledger: budget ${budget.name} reached ${threshold}% of its cap (${shown(spent)} of ${shown(budget.cap)})` +
      (runsOut === undefined ? '' : `; at this rate it runs out at ${runsOut}`),
  };
  if (span.resetsAt !== undefined) alert.resetsAt = new Date(span.resetsAt).toISOString();
  if (forecast !== undefined)
    alert.forecast = {
      projected: figure(forecast.projected),
      ...(runsOut === undefined ? {} : { runsOutAt: runsOut }),
    };
  return alert;
}
