/**
 * Pure pieces of aggregation shared by every store: partial sums and how they merge, group keys,
 * nearest-rank percentiles (exact or from the latency histogram), and the final AggregateRow.
 * Stores compute partial sums (SQL or a loop) and hand them here, so the answers' shape and the
 * percentile rule are the same code everywhere.
 *
 * @module
 */
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../units/index.js';
import type { Interval } from '../types/index.js';
import { binValueMicros, nearestRank } from './latency-histogram.js';
import type { AggregateRow, GroupKey, Percentiles } from './store.js';

/** Integer sums of one group (times in ms, durations in µs, money in nano-dollars). */
export interface PartialSums {
  calls: number;
  successes: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costNanos: number;
  costInputNanos: number;
  costCacheReadNanos: number;
  costCacheWriteNanos: number;
  costOutputNanos: number;
  cacheSavingsNanos: number;
  providerCostNanos: number;
  unpricedCalls: number;
  estimatedCalls: number;
  usageUnavailableCalls: number;
  durationCount: number;
  durationSumUs: number;
  durationMaxUs: number | null;
  ttftCount: number;
  ttftSumUs: number;
  /** Calls whose event carries warnings. */
  warningCalls: number;
  /** Calls where our cost and the provider's own disagree (units/cost-mismatch.ts), and both sums over them. */
  costMismatchCalls: number;
  costMismatchOursNanos: number;
  costMismatchProviderNanos: number;
  /** Cost of the failed calls (status error) among the priced ones: money spent on attempts that gave no answer. */
  failedCostNanos: number;
  minTimeMs: number | null;
  maxTimeMs: number | null;
}

/** Sum fields added by plain addition. */
export const ADDITIVE_FIELDS = [
  'calls',
  'successes',
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
  'costNanos',
  'costInputNanos',
  'costCacheReadNanos',
  'costCacheWriteNanos',
  'costOutputNanos',
  'cacheSavingsNanos',
  'providerCostNanos',
  'unpricedCalls',
  'estimatedCalls',
  'usageUnavailableCalls',
  'durationCount',
  'durationSumUs',
  'ttftCount',
  'ttftSumUs',
  'warningCalls',
  'costMismatchCalls',
  'costMismatchOursNanos',
  'costMismatchProviderNanos',
  'failedCostNanos',
] as const satisfies readonly (keyof PartialSums)[];

export function emptySums(): PartialSums {
  return {
    calls: 0,
    successes: 0,
    inputTokens: 0,
    outputTokens: 0,
    totalTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costNanos: 0,
    costInputNanos: 0,
    costCacheReadNanos: 0,
    costCacheWriteNanos: 0,
    costOutputNanos: 0,
    cacheSavingsNanos: 0,
    providerCostNanos: 0,
    unpricedCalls: 0,
    estimatedCalls: 0,
    usageUnavailableCalls: 0,
    durationCount: 0,
    durationSumUs: 0,
    durationMaxUs: null,
    ttftCount: 0,
    ttftSumUs: 0,
    warningCalls: 0,
    costMismatchCalls: 0,
    costMismatchOursNanos: 0,
    costMismatchProviderNanos: 0,
    failedCostNanos: 0,
    minTimeMs: null,
    maxTimeMs: null,
  };
}

function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

/** Adds `part` into `into` (mutates and returns `into`). */
export function mergeSums(into: PartialSums, part: PartialSums): PartialSums {
  for (const field of ADDITIVE_FIELDS) into[field] += part[field];
  into.durationMaxUs = maxOf(into.durationMaxUs, part.durationMaxUs);
  into.minTimeMs = minOf(into.minTimeMs, part.minTimeMs);
  into.maxTimeMs = maxOf(into.maxTimeMs, part.maxTimeMs);
  return into;
}

const nullableNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/** Reads sums from a SQL result row whose columns are named like PartialSums' fields (any case). */
export function sumsFromSqlRow(row: Record<string, unknown>): PartialSums {
  const sums = emptySums();
  for (const field of ADDITIVE_FIELDS) sums[field] = Number(row[field.toLowerCase()] ?? 0);
  sums.durationMaxUs = nullableNumber(row['durationmaxus']);
  sums.minTimeMs = nullableNumber(row['mintimems']);
  sums.maxTimeMs = nullableNumber(row['maxtimems']);
  return sums;
}

/** Bucket width in ms. */
export function intervalMs(interval: Interval): number {
  return interval === '1m' ? MINUTE_MS : interval === '1h' ? HOUR_MS : DAY_MS;
}

export type GroupValues = (string | null)[];

/** Stable map key of a group's values. */
export function groupId(values: GroupValues): string {
  return JSON.stringify(values);
}

/** Turns raw group values into the AggregateRow key (bucket numbers become ISO strings). */
export function groupKeyObject(groupBy: readonly GroupKey[], values: GroupValues): AggregateRow['key'] {
  const key: AggregateRow['key'] = {};
  groupBy.forEach((name, index) => {
    key[name] = values[index] ?? null;
  });
  return key;
}

/** Exact nearest-rank percentiles over ascending-sorted values (µs), reported in ms. */
export function exactPercentiles(sortedMicros: readonly number[]): Percentiles {
  const n = sortedMicros.length;
  if (n === 0) return NO_PERCENTILES;
  const at = (p: number): number => (sortedMicros[nearestRank(p, n) - 1] ?? 0) / 1000;
  return { p50: at(50), p95: at(95), p99: at(99), approximate: false };
}

/** Nearest-rank percentiles from histogram counts (bin -> count), in ms. */
export function histogramPercentiles(counts: ReadonlyMap<number, number>): Percentiles {
  const bins = [...counts.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const n = bins.reduce((total, [, c]) => total + c, 0);
  if (n === 0) return NO_PERCENTILES;
  const at = (p: number): number => {
    const rank = nearestRank(p, n);
    let seen = 0;
    for (const [bin, c] of bins) {
      seen += c;
      if (seen >= rank) return binValueMicros(bin) / 1000;
    }
    return binValueMicros(bins[bins.length - 1]?.[0] ?? 0) / 1000;
  };
  return { p50: at(50), p95: at(95), p99: at(99), approximate: true };
}

export const NO_PERCENTILES: Percentiles = { p50: undefined, p95: undefined, p99: undefined, approximate: false };

export function finishRow(input: {
  key: AggregateRow['key'];
  sums: PartialSums;
  duration: Percentiles;
  ttft: Percentiles;
}): AggregateRow {
  const { sums } = input;
  return {
    key: input.key,
    calls: sums.calls,
    successes: sums.successes,
    failures: sums.calls - sums.successes,
    inputTokens: sums.inputTokens,
    outputTokens: sums.outputTokens,
    totalTokens: sums.totalTokens,
    cacheReadTokens: sums.cacheReadTokens,
    cacheWriteTokens: sums.cacheWriteTokens,
    reasoningTokens: sums.reasoningTokens,
    costNanos: sums.costNanos,
    costInputNanos: sums.costInputNanos,
    costCacheReadNanos: sums.costCacheReadNanos,
    costCacheWriteNanos: sums.costCacheWriteNanos,
    costOutputNanos: sums.costOutputNanos,
    cacheSavingsNanos: sums.cacheSavingsNanos,
    providerCostNanos: sums.providerCostNanos,
    unpricedCalls: sums.unpricedCalls,
    estimatedCalls: sums.estimatedCalls,
    usageUnavailableCalls: sums.usageUnavailableCalls,
    durationCount: sums.durationCount,
    durationSumMs: sums.durationSumUs / 1000,
    durationMaxMs: sums.durationMaxUs === null ? undefined : sums.durationMaxUs / 1000,
    duration: input.duration,
    ttftCount: sums.ttftCount,
    ttftSumMs: sums.ttftSumUs / 1000,
    ttft: input.ttft,
    warningCalls: sums.warningCalls,
    costMismatchCalls: sums.costMismatchCalls,
    costMismatchOursNanos: sums.costMismatchOursNanos,
    costMismatchProviderNanos: sums.costMismatchProviderNanos,
    failedCostNanos: sums.failedCostNanos,
    firstTime: sums.minTimeMs === null ? undefined : new Date(sums.minTimeMs).toISOString(),
    lastTime: sums.maxTimeMs === null ? undefined : new Date(sums.maxTimeMs).toISOString(),
  };
}

/** Deterministic row order on every store: by group values ascending, nulls first. */
export function compareGroupValues(a: GroupValues, b: GroupValues): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Group values ascending in code-point order, dimension by dimension, `null` last (the rank order's tie-break). */
export function compareGroupValuesNullsLast(a: GroupValues, b: GroupValues): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Group values with bucket numbers (epoch ms) replaced by ISO strings. */
export function normalizeGroupValues(groupBy: readonly GroupKey[], raw: readonly unknown[]): GroupValues {
  return groupBy.map((name, index) => {
    const value = raw[index];
    if (value === null || value === undefined) return null;
    if (name === 'bucket') return new Date(Number(value)).toISOString();
    return String(value);
  });
}
