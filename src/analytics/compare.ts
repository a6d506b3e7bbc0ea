/**
 * Models side by side: tokens and cost per call, cost per 1k output tokens, latency, success.
 *
 * @module
 */
import type { Store } from '../store/index.js';
import type { Comparison, Filter, ModelComparison } from '../types/index.js';
import { nanosToUsd } from '../units/index.js';
import { statsPerModel } from './by-model.js';
import { ratio, statsFromRow } from './stats.js';

/**
 * Compares `models` over the calls matching `filter` (its own `model`, if any, is replaced by
 * each compared model). The figures of each model are its row of `report --by model` under the
 * same filter (one query grouped by model), percentiles included. Models come back in the order asked for; one with no calls is still
 * listed with `calls: 0` and `null` figures. Cost figures cover priced calls only:
 * `avgCostPerCall` is cost / priced calls, and `costPer1kOutputTokens` is cost / output
 * tokens of those same priced calls when every call was priced (else over all output tokens,
 * which understates it; `unpricedCalls` says when).
 *
 * @example
 * const { models } = await compare(store, ['gemini-2.5-flash', 'gemini-2.5-pro']);
 */
export async function compareModels(store: Store, models: readonly string[], filter: Filter = {}): Promise<Comparison> {
  // The filter's own model gives way to the compared ones (its exclusions still hold).
  const { model: _model, ...scope } = filter;
  // One query for every model, as `report --by model` reads them: the same percentiles (see statsPerModel).
  const perModel = await statsPerModel(store, scope);
  const rows = models.map((model) => ({ model, stats: perModel.get(model) ?? statsFromRow(undefined) }));
  const entries: ModelComparison[] = rows.map(({ model, stats }) => {
    const priced = stats.calls - stats.unpricedCalls;
    const avgCost = priced === 0 ? null : nanosToUsd(stats.cost.totalNanos) / priced;
    return {
      model,
      calls: stats.calls,
      successRate: stats.successRate,
      avgInputTokensPerCall: ratio(stats.tokens.input, stats.calls),
      avgOutputTokensPerCall: ratio(stats.tokens.output, stats.calls),
      avgTokensPerCall: stats.avgTokensPerCall,
      avgCostPerCall: avgCost,
      costPer1kOutputTokens:
        priced === 0 ? null : mapNull(ratio(stats.cost.totalNanos, stats.tokens.output), (r) => nanosToUsd(r * 1000)),
      latencyP50Ms: stats.latency.p50Ms,
      latencyP95Ms: stats.latency.p95Ms,
      latencyApproximate: stats.latency.percentilesApproximate,
      unpricedCalls: stats.unpricedCalls,
      tokensPerCallVsFirst: null,
      costPerCallVsFirst: null,
    };
  });
  const first = entries[0];
  for (const entry of entries) {
    entry.tokensPerCallVsFirst = first === undefined ? null : relative(entry.avgTokensPerCall, first.avgTokensPerCall);
    entry.costPerCallVsFirst = first === undefined ? null : relative(entry.avgCostPerCall, first.avgCostPerCall);
  }
  return { models: entries };
}

function relative(value: number | null, base: number | null): number | null {
  return value === null || base === null || base === 0 ? null : value / base;
}

function mapNull<T, U>(value: T | null, fn: (value: T) => U): U | null {
  return value === null ? null : fn(value);
}
