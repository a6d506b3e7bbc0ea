/**
 * Turns the store's aggregate rows into the analytics answer shapes. Every store returns the
 * same integer sums and nearest-rank percentiles, and every derived figure is computed here
 * from them, so answers are the same on every store by construction.
 *
 * @module
 */
import type { AggregateRow, Percentiles } from '../store/index.js';
import { nanosToUsd } from '../units/index.js';
import type { CostShare, CostSums, LatencyStats, TokenSums, UsageStats } from '../types/index.js';

/** `a / b`, or `null` when `b` is 0. */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/**
 * Rounds a millisecond average to the microsecond. Float sums of durations may differ in the
 * last bits between stores (the order of addition differs); this keeps answers identical.
 */
export function roundMs(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}

function percentile(value: number | undefined): number | null {
  return value === undefined ? null : value;
}

function latency(
  count: number,
  sumMs: number,
  percentiles: Percentiles,
  maxMs: number | undefined | null,
): LatencyStats {
  return {
    count,
    avgMs: roundMs(ratio(sumMs, count)),
    p50Ms: percentile(percentiles.p50),
    p95Ms: percentile(percentiles.p95),
    p99Ms: percentile(percentiles.p99),
    percentilesApproximate: percentiles.approximate,
    maxMs: maxMs ?? null,
  };
}

function tokens(row: AggregateRow): TokenSums {
  return {
    input: row.inputTokens,
    output: row.outputTokens,
    total: row.totalTokens,
    cacheRead: row.cacheReadTokens,
    cacheWrite: row.cacheWriteTokens,
    reasoning: row.reasoningTokens,
  };
}

function cost(row: AggregateRow): CostSums {
  return {
    total: nanosToUsd(row.costNanos),
    input: nanosToUsd(row.costInputNanos),
    cacheRead: nanosToUsd(row.costCacheReadNanos),
    cacheWrite: nanosToUsd(row.costCacheWriteNanos),
    output: nanosToUsd(row.costOutputNanos),
    cacheSavings: nanosToUsd(row.cacheSavingsNanos),
    providerReported: nanosToUsd(row.providerCostNanos),
    failed: nanosToUsd(row.failedCostNanos),
    totalNanos: row.costNanos,
  };
}

const NO_PERCENTILES: Percentiles = { p50: undefined, p95: undefined, p99: undefined, approximate: false };

/** The figures of a group with no calls. */
export function emptyStats(): UsageStats {
  return {
    calls: 0,
    successes: 0,
    failures: 0,
    successRate: null,
    tokens: { input: 0, output: 0, total: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
    avgTokensPerCall: null,
    cost: {
      total: 0,
      input: 0,
      cacheRead: 0,
      cacheWrite: 0,
      output: 0,
      cacheSavings: 0,
      providerReported: 0,
      failed: 0,
      totalNanos: 0,
    },
    unpricedCalls: 0,
    estimatedCalls: 0,
    usageUnavailableCalls: 0,
    warningCalls: 0,
    providerCostMismatch: { calls: 0, ours: 0, provider: 0 },
    latency: latency(0, 0, NO_PERCENTILES, null),
    timeToFirstToken: latency(0, 0, NO_PERCENTILES, null),
    firstTime: null,
    lastTime: null,
  };
}

/**
 * Calls that had usage but no known price: their cost is missing from `cost`, not zero. Calls
 * with no usage at all (failed before an answer, a stream cut short) are unpriced too, but
 * they had nothing to price and are counted apart.
 */
export function unpricedWithUsage(stats: Pick<UsageStats, 'unpricedCalls' | 'usageUnavailableCalls'>): number {
  return Math.max(0, stats.unpricedCalls - stats.usageUnavailableCalls);
}

/** One aggregate row as UsageStats; no row means no calls. */
export function statsFromRow(row: AggregateRow | undefined): UsageStats {
  if (row === undefined) return emptyStats();
  return {
    calls: row.calls,
    successes: row.successes,
    failures: row.failures,
    successRate: ratio(row.successes, row.calls),
    tokens: tokens(row),
    avgTokensPerCall: ratio(row.totalTokens, row.calls),
    cost: cost(row),
    unpricedCalls: row.unpricedCalls,
    estimatedCalls: row.estimatedCalls,
    usageUnavailableCalls: row.usageUnavailableCalls,
    warningCalls: row.warningCalls,
    providerCostMismatch: {
      calls: row.costMismatchCalls,
      ours: nanosToUsd(row.costMismatchOursNanos),
      provider: nanosToUsd(row.costMismatchProviderNanos),
    },
    latency: latency(row.durationCount, row.durationSumMs, row.duration, row.durationMaxMs),
    timeToFirstToken: latency(row.ttftCount, row.ttftSumMs, row.ttft, null),
    firstTime: row.firstTime ?? null,
    lastTime: row.lastTime ?? null,
  };
}

/**
 * Each item with its share of the breakdown's cost. `totalNanos` is the cost of everything the
 * breakdown covers (default: the items' sum, right when the items are every group). A group
 * whose calls with usage are all unpriced has `null`: its cost is unknown, not 0.
 */
export function withCostShares<T extends UsageStats>(
  items: readonly T[],
  totalNanos = items.reduce((n, item) => n + item.cost.totalNanos, 0),
): (T & CostShare)[] {
  // A group none of whose calls with usage has a price has no known cost: no share either.
  const unknown = (item: T) => item.calls === item.unpricedCalls && unpricedWithUsage(item) > 0;
  return items.map((item) => ({ ...item, costShare: unknown(item) ? null : ratio(item.cost.totalNanos, totalNanos) }));
}

/** Most expensive first, then largest token total, most calls, then by name: where the money went. */
export function byCost<T extends UsageStats>(name: (item: T) => string | null): (a: T, b: T) => number {
  const volume = byVolume(name);
  return (a, b) => b.cost.totalNanos - a.cost.totalNanos || volume(a, b);
}

/** What a breakdown can be ranked by: cost, tokens, calls, or mean latency (largest first). */
export type RankMetric = 'cost' | 'tokens' | 'calls' | 'latency';

export const RANK_METRICS: readonly RankMetric[] = ['cost', 'tokens', 'calls', 'latency'];

/** Largest `metric` first (a group with no latency last), then the cost order. */
export function byMetric<T extends UsageStats>(
  metric: RankMetric,
  name: (item: T) => string | null,
): (a: T, b: T) => number {
  const cost = byCost(name);
  if (metric === 'cost') return cost;
  if (metric === 'tokens') return (a, b) => b.tokens.total - a.tokens.total || cost(a, b);
  if (metric === 'calls') return (a, b) => b.calls - a.calls || cost(a, b);
  const latency = (item: T) => item.latency.avgMs ?? Number.NEGATIVE_INFINITY;
  return (a, b) => latency(b) - latency(a) || cost(a, b);
}

/** Largest token total first, then most calls, then by name: the same order on every store. */
export function byVolume<T extends UsageStats>(name: (item: T) => string | null): (a: T, b: T) => number {
  return (a, b) => b.tokens.total - a.tokens.total || b.calls - a.calls || compareNames(name(a), name(b));
}

/** Names in code-point order, `null` last. */
export function compareNames(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Earliest first use first, then by name. */
export function byFirstUse(
  a: { firstTime: string | null; name: string | null },
  b: { firstTime: string | null; name: string | null },
): number {
  const ta = a.firstTime === null ? Infinity : Date.parse(a.firstTime);
  const tb = b.firstTime === null ? Infinity : Date.parse(b.firstTime);
  return ta - tb || compareNames(a.name, b.name);
}
