/**
 * What a batch of newly stored rows adds to the hourly rollups, computed in JS so both SQL stores
 * apply the same increments: PostgreSQL in the insert's transaction, SQLite in the deferred
 * apply that follows it (sqlite-rollups.ts).
 *
 * @module
 */
import { bucketStart, DAY_MS, HOUR_MS, isCostMismatch } from '../units/index.js';
import { emptySums, type PartialSums } from './aggregate-rows.js';
import type { EventRow } from './row.js';

export interface RollupKey {
  hourMs: number;
  provider: string;
  model: string;
  /** '' when the event has no agent. */
  agent: string;
  status: string;
}

export interface RollupDelta extends RollupKey {
  sums: PartialSums;
}

/** A latency-bin increment; `hourMs` holds the UTC day start for daily deltas. */
export interface LatencyDelta extends RollupKey {
  /** 0 = duration, 1 = time to first token. */
  metric: 0 | 1;
  bin: number;
  n: number;
}

function keyOf(row: EventRow): RollupKey {
  return {
    hourMs: bucketStart(row.time_ms, HOUR_MS),
    provider: row.provider,
    model: row.model,
    agent: row.agent ?? '',
    status: row.status,
  };
}

function keyString(key: RollupKey): string {
  return JSON.stringify([key.hourMs, key.provider, key.model, key.agent, key.status]);
}

function add(sums: PartialSums, row: EventRow): void {
  sums.calls += 1;
  if (row.status === 'ok') sums.successes += 1;
  sums.inputTokens += row.input_tokens ?? 0;
  sums.outputTokens += row.output_tokens ?? 0;
  sums.totalTokens += row.total_tokens ?? 0;
  sums.cacheReadTokens += row.cache_read_tokens ?? 0;
  sums.cacheWriteTokens += row.cache_write_tokens ?? 0;
  sums.reasoningTokens += row.reasoning_tokens ?? 0;
  sums.costNanos += row.cost_total_nanos ?? 0;
  sums.costInputNanos += row.cost_input_nanos ?? 0;
  sums.costCacheReadNanos += row.cost_cache_read_nanos ?? 0;
  sums.costCacheWriteNanos += row.cost_cache_write_nanos ?? 0;
  sums.costOutputNanos += row.cost_output_nanos ?? 0;
  sums.cacheSavingsNanos += row.cache_savings_nanos ?? 0;
  sums.providerCostNanos += row.provider_cost_nanos ?? 0;
  if (row.cost_total_nanos === null) sums.unpricedCalls += 1;
  sums.estimatedCalls += row.estimated;
  if (row.input_tokens === null && row.output_tokens === null && row.total_tokens === null)
    sums.usageUnavailableCalls += 1;
  if (row.duration_us !== null) {
    sums.durationCount += 1;
    sums.durationSumUs += row.duration_us;
    sums.durationMaxUs = sums.durationMaxUs === null ? row.duration_us : Math.max(sums.durationMaxUs, row.duration_us);
  }
  if (row.ttft_us !== null) {
    sums.ttftCount += 1;
    sums.ttftSumUs += row.ttft_us;
  }
  if (row.warnings !== null) sums.warningCalls += 1;
  if (isCostMismatch(row.cost_total_nanos, row.provider_cost_nanos)) {
    sums.costMismatchCalls += 1;
    sums.costMismatchOursNanos += row.cost_total_nanos ?? 0;
    sums.costMismatchProviderNanos += row.provider_cost_nanos ?? 0;
  }
  if (row.status !== 'ok') sums.failedCostNanos += row.cost_total_nanos ?? 0;
  sums.minTimeMs = sums.minTimeMs === null ? row.time_ms : Math.min(sums.minTimeMs, row.time_ms);
  sums.maxTimeMs = sums.maxTimeMs === null ? row.time_ms : Math.max(sums.maxTimeMs, row.time_ms);
}

/** Adds one row into sums (the single definition of "what a row contributes"). */
export const addRowToSums = add;

/** Map values in the order of their string keys (each key computed once, not per comparison). */
function inKeyOrder<T>(map: Map<string, T>): T[] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
}

/**
 * Rollup and latency-bin increments for rows, sorted by key so concurrent writers take row locks
 * in the same order (no deadlocks on PostgreSQL). `latencies: false` leaves the bins out (empty):
 * re-pricing changes no latency.
 */
export function computeRollupDeltas(
  rows: readonly EventRow[],
  options: { latencies?: boolean } = {},
): {
  rollups: RollupDelta[];
  /** Per UTC day; `hourMs` holds the day start. */
  dailyRollups: RollupDelta[];
  latencies: LatencyDelta[];
  dailyLatencies: LatencyDelta[];
} {
  const withLatencies = options.latencies ?? true;
  const rollups = new Map<string, RollupDelta>();
  const dailyRollups = new Map<string, RollupDelta>();
  const latencies = new Map<string, LatencyDelta>();
  const daily = new Map<string, LatencyDelta>();
  for (const row of rows) {
    const key = keyOf(row);
    const id = keyString(key);
    let delta = rollups.get(id);
    if (delta === undefined) {
      delta = { ...key, sums: emptySums() };
      rollups.set(id, delta);
    }
    add(delta.sums, row);
    const dayKey = { ...key, hourMs: bucketStart(row.time_ms, DAY_MS) };
    const dayId = keyString(dayKey);
    let dayDelta = dailyRollups.get(dayId);
    if (dayDelta === undefined) {
      dayDelta = { ...dayKey, sums: emptySums() };
      dailyRollups.set(dayId, dayDelta);
    }
    add(dayDelta.sums, row);
    if (!withLatencies) continue;
    for (const [metric, bin] of [
      [0, row.duration_bin],
      [1, row.ttft_bin],
    ] as const) {
      if (bin === null) continue;
      for (const [map, k, kid] of [
        [latencies, key, id],
        [daily, dayKey, dayId],
      ] as const) {
        // Metric and bin zero-padded, so that the string order is the key's, then metric, then bin.
        const binId = `${kid}|${metric}|${String(bin + 1_000_000).padStart(8, '0')}`;
        const existing = map.get(binId);
        if (existing === undefined) map.set(binId, { ...k, metric, bin, n: 1 });
        else existing.n += 1;
      }
    }
  }
  return {
    rollups: inKeyOrder(rollups),
    dailyRollups: inKeyOrder(dailyRollups),
    latencies: inKeyOrder(latencies),
    dailyLatencies: inKeyOrder(daily),
  };
}

/** Sums as INSERT values: the ROLLUP_SUM_COLUMNS, then duration max, min and max time. */
export function sumsValues(s: PartialSums): [number[], (number | null)[]] {
  return [
    [
      s.calls,
      s.successes,
      s.inputTokens,
      s.outputTokens,
      s.totalTokens,
      s.cacheReadTokens,
      s.cacheWriteTokens,
      s.reasoningTokens,
      s.costNanos,
      s.costInputNanos,
      s.costCacheReadNanos,
      s.costCacheWriteNanos,
      s.costOutputNanos,
      s.cacheSavingsNanos,
      s.providerCostNanos,
      s.unpricedCalls,
      s.estimatedCalls,
      s.usageUnavailableCalls,
      s.durationCount,
      s.durationSumUs,
      s.ttftCount,
      s.ttftSumUs,
      s.warningCalls,
      s.costMismatchCalls,
      s.costMismatchOursNanos,
      s.costMismatchProviderNanos,
    ],
    [s.durationMaxUs, s.minTimeMs, s.maxTimeMs],
  ];
}

/** A rollup delta as INSERT values, in ROLLUP_INSERT_COLUMNS order. */
export function rollupValues(delta: RollupDelta): (string | number | null)[] {
  const [sums, extremes] = sumsValues(delta.sums);
  return [delta.hourMs, delta.provider, delta.model, delta.agent, delta.status, ...sums, ...extremes];
}
