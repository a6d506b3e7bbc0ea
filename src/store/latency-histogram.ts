/**
 * A fixed log-scale latency histogram, the same on every store, so percentiles of large groups
 * come from pre-aggregated counts instead of sorting millions of values.
 *
 * Bins: value v (integer microseconds) > 0 falls in bin `floor(log2(v) * BINS_PER_OCTAVE) + 1`;
 * v <= 0 is bin 0. A bin's representative value is its geometric midpoint, so a percentile read
 * from the histogram is within a relative error of 2^(1/(2*BINS_PER_OCTAVE)) - 1 ≈ 4.4% of the
 * exact nearest-rank value (the rank is exact; only the value inside the bin is approximated).
 *
 * @module
 */

/** 8 bins per doubling: ~9% wide bins, ≤ 4.4% error from the geometric midpoint. */
export const BINS_PER_OCTAVE = 8;

/** Relative error bound of a histogram percentile. */
export const HISTOGRAM_RELATIVE_ERROR = 2 ** (1 / (2 * BINS_PER_OCTAVE)) - 1;

/**
 * Groups whose query holds more latency values than this get histogram percentiles; smaller ones
 * are exact (nearest-rank over the sorted values). The rule is applied per query and per metric
 * (total count of values across all groups), identically on every store.
 */
export const DEFAULT_EXACT_PERCENTILE_LIMIT = 50_000;

export function latencyBin(micros: number): number {
  if (micros <= 0) return 0;
  return Math.floor(Math.log2(micros) * BINS_PER_OCTAVE) + 1;
}

/** Representative value of a bin, in microseconds (integer, so every store reports the same). */
export function binValueMicros(bin: number): number {
  if (bin <= 0) return 0;
  return Math.round(2 ** ((bin - 0.5) / BINS_PER_OCTAVE));
}

/** Nearest-rank position (1-based) of percentile p among n sorted values. */
export function nearestRank(p: number, n: number): number {
  return Math.max(1, Math.ceil((p / 100) * n));
}
