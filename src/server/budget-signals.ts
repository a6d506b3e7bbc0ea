/**
 * What `serve` does with what its budgets report. A refusal: counted in
 * `tokenledger_budget_refusals_total{budget}`. A call settled above its hold (an adaptive hold
 * outrun, or no `max_tokens` and more output than the default): counted in
 * `tokenledger_budget_above_hold_total{budget}`, and the window's settled spend above the cap
 * set in `tokenledger_budget_over_cap{budget}` (USD or tokens, the budget's unit). An alert (src/budgets/alerts.ts decides when one
 * is due): one log line, `tokenledger_budget_alerts_total{budget,threshold}` on /metrics, and a
 * POST of the alert as JSON to the budget's webhook (its `text` field is what Slack's incoming
 * webhooks show). The webhook URL may hold a secret (Slack's does): it never reaches a log or
 * an error message.
 *
 * @module
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { BudgetAlert } from '../budgets/index.js';
import { resolveSecret } from '../config/index.js';
import type { BudgetSpec, Logger } from '../types/index.js';
import { nanosToUsd } from '../units/index.js';

/** How long a webhook may take to answer before the alert is logged as not delivered. */
const WEBHOOK_TIMEOUT_MS = 5_000;

export interface BudgetAlertSinkOptions {
  logger: Logger;
  registry: Registry;
  env: Record<string, string | undefined>;
}

export type BudgetAlertSink = (alert: BudgetAlert, budget: BudgetSpec) => void;

/** Counts each refused call by the budget that refused it. */
export function createBudgetRefusalCounter(registry: Registry): (budget: BudgetSpec) => void {
  const refused =
    (registry.getSingleMetric('tokenledger_budget_refusals_total') as Counter<'budget'> | undefined) ??
    new Counter({
      name: 'tokenledger_budget_refusals_total',
      help: 'Calls a budget refused before they were sent (by the first budget that could not take them).',
      labelNames: ['budget'],
      registers: [registry],
    });
  return (budget) => refused.inc({ budget: budget.name });
}

/** Counts calls settled above their hold, and how far each budget's window went over its cap. */
export function createBudgetOvershootSink(
  registry: Registry,
): (budget: BudgetSpec, excess: { aboveHold: number; overCap: number }) => void {
  const above =
    (registry.getSingleMetric('tokenledger_budget_above_hold_total') as Counter<'budget'> | undefined) ??
    new Counter({
      name: 'tokenledger_budget_above_hold_total',
      help: 'Calls that settled above their hold (an adaptive hold outrun, or no max_tokens and more output than the default).',
      labelNames: ['budget'],
      registers: [registry],
    });
  const overCap =
    (registry.getSingleMetric('tokenledger_budget_over_cap') as Gauge<'budget'> | undefined) ??
    new Gauge({
      name: 'tokenledger_budget_over_cap',
      help: "How far the budget's current window's settled spend is above its cap (USD or tokens), as of its last call settled above its hold.",
      labelNames: ['budget'],
      registers: [registry],
    });
  return (budget, excess) => {
    above.inc({ budget: budget.name });
    overCap.set({ budget: budget.name }, budget.unit === 'usd' ? nanosToUsd(excess.overCap) : excess.overCap);
  };
}

export function createBudgetAlertSink({ logger, registry, env }: BudgetAlertSinkOptions): BudgetAlertSink {
  const sent =
    (registry.getSingleMetric('tokenledger_budget_alerts_total') as Counter<'budget' | 'threshold'> | undefined) ??
    new Counter({
      name: 'tokenledger_budget_alerts_total',
      help: 'Budget alerts sent: a threshold reached in a window (once per threshold and window).',
      labelNames: ['budget', 'threshold'],
      registers: [registry],
    });
  return (alert, budget) => {
    sent.inc({ budget: alert.budget, threshold: String(alert.threshold) });
    logger.warn('budget alert', { budget: alert.budget, threshold: alert.threshold, text: alert.text });
    const webhook = budget.alerts?.webhook;
    if (webhook === undefined) return;
    const url = resolveSecret(webhook, env).value;
    if (url === undefined) {
      logger.warn('budget alert webhook not set', { budget: alert.budget, webhook: resolveSecret(webhook, env).ref });
      return;
    }
    void post(url, alert).then(
      (status) => {
        if (status < 200 || status > 299)
          logger.warn('budget alert webhook refused the alert', { budget: alert.budget, status });
      },
      (error: unknown) =>
        logger.warn('budget alert webhook unreachable', {
          budget: alert.budget,
          error: error instanceof Error ? error.name : 'error',
        }),
    );
  };
}

async function post(url: string, alert: BudgetAlert): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alert),
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  });
  await response.body?.cancel();
  return response.status;
}
