/**
 * A budget's standing as JSON, in the budget's unit (USD or tokens, never nanos): what
 * `GET /v1/budgets`, the dashboard and `tokenledger budgets --json` show, one shape for all.
 * Definitions shown this way hide a literal webhook URL (Slack's carry a secret); an `env:NAME`
 * reference is shown as written.
 *
 * @module
 */
import { type BudgetConfig, envRefName } from '../config/index.js';
import { REDACTED } from '../errors/index.js';
import { nanosToUsd } from '../units/index.js';
import type { BudgetStatus } from './status.js';

export interface BudgetStatusView {
  name: string;
  source: 'config' | 'api';
  unit: 'usd' | 'tokens';
  /** `day`, `month Europe/Paris`, `last 6h`, `lifetime`. */
  window: string;
  paused: boolean;
  mode: 'strict' | 'adaptive';
  /** Adaptive budgets: the percentile of observed output held. */
  percentile?: number;
  cap: number;
  spent: number;
  /** How far the window's settled spend is above the cap (an adaptive budget, a call without `max_tokens`); 0 within it. */
  overCap: number;
  held: number;
  remaining: number;
  refused: number;
  /** Alert thresholds sent in the window (percent of the cap). */
  alertsSent: number[];
  resetsAt: string | null;
  forecast: { projected: number; runsOutAt: string | null } | null;
}

export function windowLabel(status: BudgetStatus): string {
  const { window } = status.budget;
  if (window.kind === 'rolling') return `last ${window.hours}h`;
  if (window.kind === 'lifetime') return 'lifetime';
  return window.timeZone === 'UTC' ? window.kind : `${window.kind} ${window.timeZone}`;
}

export function budgetStatusView(status: BudgetStatus, source: 'config' | 'api'): BudgetStatusView {
  const figure = (value: number) => (status.budget.unit === 'usd' ? nanosToUsd(value) : value);
  return {
    name: status.budget.name,
    source,
    unit: status.budget.unit,
    window: windowLabel(status),
    paused: status.budget.paused,
    mode: status.budget.mode?.kind ?? 'strict',
    ...(status.budget.mode?.kind === 'adaptive' ? { percentile: status.budget.mode.percentile } : {}),
    cap: figure(status.budget.cap),
    spent: figure(status.spent),
    overCap: figure(status.overCap),
    held: figure(status.held),
    remaining: figure(status.remaining),
    refused: status.refused,
    alertsSent: status.alertsSent,
    resetsAt: status.resetsAt === undefined ? null : new Date(status.resetsAt).toISOString(),
    forecast:
      status.forecast === undefined
        ? null
        : {
            projected: figure(status.forecast.projected),
            runsOutAt:
              status.forecast.runsOutAt === undefined ? null : new Date(status.forecast.runsOutAt).toISOString(),
          },
  };
}

/** The definition as it may be shown: a literal webhook URL replaced. */
export function shownDefinition(definition: BudgetConfig): BudgetConfig;
export function shownDefinition(definition: BudgetConfig | null): BudgetConfig | null;
export function shownDefinition(definition: BudgetConfig | null): BudgetConfig | null {
  const webhook = definition?.alerts?.webhook;
  if (definition === null || webhook === undefined || envRefName(webhook) !== undefined) return definition;
  return { ...definition, alerts: { ...definition.alerts, webhook: REDACTED } };
}
