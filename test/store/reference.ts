/**
 * A brute-force reference for aggregate(): a plain loop over the inserted UsageEvents, written
 * independently of src/store, that the contract suite compares every store against.
 */
import type { AggregateQuery, AggregateRow, CallOrder, RankPage, RankQuery } from '#src/store/index.js';
import type { Filter, UsageEvent } from '#src/types/index.js';

const list = (v: string | readonly string[] | undefined): readonly string[] | undefined =>
  v === undefined ? undefined : typeof v === 'string' ? [v] : v;

/** The one provider alias the contract's filters use (stores fold every registry alias). */
const ALIASES: Record<string, string> = { gemini: 'google' };

export function matchesFilter(event: UsageEvent, filter: Filter): boolean {
  const t = Date.parse(event.time);
  if (filter.from && t < filter.from.getTime()) return false;
  if (filter.to && t >= filter.to.getTime()) return false;
  for (const field of ['provider', 'model', 'agent', 'run'] as const) {
    const value = event[field];
    const wanted = list(filter[field])?.map((v) => (field === 'provider' ? (ALIASES[v] ?? v) : v));
    if (wanted !== undefined && (value === undefined || !wanted.includes(value))) return false;
    if (value !== undefined && (filter.exclude?.[field] ?? []).includes(value)) return false;
  }
  if (filter.status !== undefined && event.status !== filter.status) return false;
  for (const [k, v] of Object.entries(filter.tags ?? {})) {
    const value = event.tags[k];
    if (typeof value !== 'string' || !(list(v) ?? []).includes(value)) return false;
  }
  for (const [k, v] of Object.entries(filter.exclude?.tags ?? {})) {
    const value = event.tags[k];
    if (typeof value === 'string' && v.includes(value)) return false;
  }
  return true;
}

function nearest(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

const WIDTH = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 } as const;

/** Calls whose cost and provider cost differ by more than 1% of the provider's, and both sums over them. */
function mismatchSums(list: readonly UsageEvent[]) {
  const disagreeing = list.filter((e) => {
    if (e.cost === null || e.providerCost === undefined) return false;
    const provider = Math.round(e.providerCost * 1e9);
    return Math.abs(e.cost.totalNanos - provider) > provider / 100;
  });
  return {
    costMismatchCalls: disagreeing.length,
    costMismatchOursNanos: disagreeing.reduce((n, e) => n + (e.cost?.totalNanos ?? 0), 0),
    costMismatchProviderNanos: disagreeing.reduce((n, e) => n + Math.round((e.providerCost ?? 0) * 1e9), 0),
  };
}

/**
 * The documented histogram rule (latency-histogram.ts) written out plainly: a value of `us`
 * microseconds falls in bin floor(log2(us) * 8) + 1 (0 for none), whose value is its geometric
 * midpoint in whole microseconds; the percentile is the bin of the nearest rank.
 */
function histogramNearest(valuesMs: number[], p: number): number | undefined {
  if (valuesMs.length === 0) return undefined;
  const bins = valuesMs
    .map((ms) => Math.round(ms * 1000))
    .map((us) => (us <= 0 ? 0 : Math.floor(Math.log2(us) * 8) + 1))
    .sort((a, b) => a - b);
  const bin = bins[Math.max(1, Math.ceil((p / 100) * bins.length)) - 1] as number;
  return bin <= 0 ? 0 : Math.round(2 ** ((bin - 0.5) / 8)) / 1000;
}

export interface ReferenceOptions {
  /**
   * The store's `exactPercentileLimit`: a query holding more values of a metric than this (all
   * groups together) gets that metric's percentiles from the histogram.
   */
  exactPercentileLimit?: number;
}

export function referenceAggregate(
  events: readonly UsageEvent[],
  query: AggregateQuery,
  options: ReferenceOptions = {},
): AggregateRow[] {
  const groups = new Map<string, { key: AggregateRow['key']; events: UsageEvent[] }>();
  for (const event of events) {
    if (!matchesFilter(event, query.filter)) continue;
    const key: AggregateRow['key'] = {};
    for (const g of query.groupBy) {
      if (g === 'bucket') {
        const w = WIDTH[query.interval ?? '1h'];
        key.bucket = new Date(Math.floor(Date.parse(event.time) / w) * w).toISOString();
      } else if (g.startsWith('tag:')) {
        const value = event.tags[g.slice(4)];
        key[g] = typeof value === 'string' ? value : null;
      } else if (g === 'errorType') {
        key[g] = event.error?.type ?? null;
      } else if (g === 'errorStatus') {
        key[g] = event.error?.status === undefined ? null : String(event.error.status);
      } else {
        key[g] = event[g as 'provider' | 'model' | 'agent' | 'run' | 'status'] ?? null;
      }
    }
    const id = JSON.stringify(query.groupBy.map((g) => key[g]));
    const group = groups.get(id) ?? { key, events: [] };
    group.events.push(event);
    groups.set(id, group);
  }
  const limit = options.exactPercentileLimit ?? Number.POSITIVE_INFINITY;
  const matched = [...groups.values()].flatMap((group) => group.events);
  const histogram = {
    duration: matched.filter((e) => e.durationMs !== undefined).length > limit,
    ttft: matched.filter((e) => e.timeToFirstTokenMs !== undefined).length > limit,
  };
  const percentiles = (values: number[], approximate: boolean): AggregateRow['duration'] => {
    const at = approximate ? histogramNearest : nearest;
    return {
      p50: at(values, 50),
      p95: at(values, 95),
      p99: at(values, 99),
      approximate: approximate && values.length > 0,
    };
  };
  const rows: AggregateRow[] = [];
  for (const { key, events: list } of groups.values()) {
    const sum = (f: (e: UsageEvent) => number | undefined): number => list.reduce((n, e) => n + (f(e) ?? 0), 0);
    const nanos = (usd: number | undefined): number | undefined =>
      usd === undefined ? undefined : Math.round(usd * 1e9);
    const durations = list.filter((e) => e.durationMs !== undefined).map((e) => e.durationMs as number);
    const ttfts = list.filter((e) => e.timeToFirstTokenMs !== undefined).map((e) => e.timeToFirstTokenMs as number);
    const times = list.map((e) => Date.parse(e.time));
    rows.push({
      key,
      calls: list.length,
      successes: list.filter((e) => e.status === 'ok').length,
      failures: list.filter((e) => e.status === 'error').length,
      inputTokens: sum((e) => e.usage.inputTokens),
      outputTokens: sum((e) => e.usage.outputTokens),
      totalTokens: sum((e) => e.usage.totalTokens),
      cacheReadTokens: sum((e) => e.usage.cacheReadTokens),
      cacheWriteTokens: sum((e) => e.usage.cacheWriteTokens),
      reasoningTokens: sum((e) => e.usage.reasoningTokens),
      costNanos: sum((e) => e.cost?.totalNanos),
      costInputNanos: sum((e) => nanos(e.cost?.input)),
      costCacheReadNanos: sum((e) => nanos(e.cost?.cacheRead)),
      costCacheWriteNanos: sum((e) => nanos(e.cost?.cacheWrite)),
      costOutputNanos: sum((e) => nanos(e.cost?.output)),
      cacheSavingsNanos: sum((e) => nanos(e.cost?.cacheSavings)),
      providerCostNanos: sum((e) => nanos(e.providerCost)),
      unpricedCalls: list.filter((e) => e.cost === null).length,
      estimatedCalls: list.filter((e) => e.estimated).length,
      usageUnavailableCalls: list.filter(
        (e) =>
          e.usage.inputTokens === undefined && e.usage.outputTokens === undefined && e.usage.totalTokens === undefined,
      ).length,
      durationCount: durations.length,
      durationSumMs: durations.reduce((n, d) => n + Math.round(d * 1000), 0) / 1000,
      durationMaxMs: durations.length === 0 ? undefined : Math.max(...durations),
      duration: query.percentiles === false ? percentiles([], false) : percentiles(durations, histogram.duration),
      ttftCount: ttfts.length,
      ttftSumMs: ttfts.reduce((n, d) => n + Math.round(d * 1000), 0) / 1000,
      ttft: query.percentiles === false ? percentiles([], false) : percentiles(ttfts, histogram.ttft),
      warningCalls: list.filter((e) => (e.warnings ?? []).length > 0).length,
      ...mismatchSums(list),
      failedCostNanos: list.filter((e) => e.status !== 'ok').reduce((n, e) => n + (e.cost?.totalNanos ?? 0), 0),
      firstTime: new Date(Math.min(...times)).toISOString(),
      lastTime: new Date(Math.max(...times)).toISOString(),
    });
  }
  const sortKey = (row: AggregateRow): (string | null)[] => query.groupBy.map((g) => row.key[g] ?? null);
  return rows.sort((a, b) => {
    const x = sortKey(a);
    const y = sortKey(b);
    for (let i = 0; i < x.length; i++) {
      if (x[i] === y[i]) continue;
      if (x[i] === null) return -1;
      if (y[i] === null) return 1;
      return (x[i] as string) < (y[i] as string) ? -1 : 1;
    }
    return 0;
  });
}

/**
 * The rank order written out plainly (Store.rank's documented rule): the figure descending
 * (mean latency in whole microseconds, half up; none last; `recent`: the last call), then cost,
 * tokens and calls descending, then the key values ascending, `null` last.
 */
export function referenceRank(events: readonly UsageEvent[], query: RankQuery): RankPage {
  const rows = referenceAggregate(events, { filter: query.filter, groupBy: query.groupBy });
  const figure = (row: AggregateRow): number | null => {
    if (query.orderBy === 'cost') return row.costNanos;
    if (query.orderBy === 'tokens') return row.totalTokens;
    if (query.orderBy === 'calls') return row.calls;
    if (query.orderBy === 'recent') return Date.parse(row.lastTime ?? '');
    return row.durationCount === 0 ? null : Math.floor(Math.round(row.durationSumMs * 1000) / row.durationCount + 0.5);
  };
  const sorted = [...rows].sort((a, b) => {
    const x = figure(a);
    const y = figure(b);
    if (x !== y) return x === null ? 1 : y === null ? -1 : y - x;
    const d = b.costNanos - a.costNanos || b.totalTokens - a.totalTokens || b.calls - a.calls;
    if (d !== 0) return d;
    for (const g of query.groupBy) {
      const p = a.key[g] ?? null;
      const q = b.key[g] ?? null;
      if (p === q) continue;
      return p === null ? 1 : q === null ? -1 : p < q ? -1 : 1;
    }
    return 0;
  });
  const offset = query.offset ?? 0;
  return { keys: sorted.slice(offset, offset + query.limit).map((row) => row.key), total: rows.length };
}

/**
 * A page order written out plainly (Store.events `orderBy`): the figure descending, calls
 * without it last, then newest first, then id descending. Durations as stored (whole µs).
 */
export function referenceCalls(events: readonly UsageEvent[], filter: Filter, order: CallOrder): UsageEvent[] {
  const figure = (event: UsageEvent): number | null => {
    if (order === 'cost') return event.cost?.totalNanos ?? null;
    if (order === 'tokens') return event.usage.totalTokens ?? null;
    if (order === 'latency') return event.durationMs === undefined ? null : Math.round(event.durationMs * 1000);
    return 0;
  };
  return events
    .filter((event) => matchesFilter(event, filter))
    .sort((a, b) => {
      const x = figure(a);
      const y = figure(b);
      if (x !== y) return x === null ? 1 : y === null ? -1 : y - x;
      return Date.parse(b.time) - Date.parse(a.time) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
    });
}
