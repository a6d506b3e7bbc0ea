/**
 * aggregate() for the SQL stores. The plan:
 *
 * 1. When the rollups can serve the query (no run or tag filter, no run grouping, buckets of an
 *    hour or more), whole UTC days come from `rollup_daily` (unless grouped by hour buckets),
 *    the other whole hours from `rollup_hourly`, and the partial hours at either edge of the
 *    range from raw `events`; otherwise everything comes from raw `events`.
 * 2. Partial sums of each segment are merged per group in JS (integers: exact).
 * 3. Percentiles, per metric: when the query holds at most `exactLimit` values, exact
 *    nearest-rank over the raw values; otherwise nearest-rank over the log histogram
 *    (`latency_daily` for whole days unless grouped by hour/minute buckets, `latency_hourly`
 *    for other whole hours, the stored bin column of raw rows for the rest). The daily and
 *    hourly counts come from a latency cut (latency-cuts.ts) when one keeps every dimension
 *    the query groups or filters by.
 *    The rule depends only on the data, so every store gives the same answer.
 *
 * @module
 */
import type { Filter } from '../types/index.js';
import {
  compareGroupValues,
  emptySums,
  exactPercentiles,
  finishRow,
  groupId,
  groupKeyObject,
  histogramPercentiles,
  mergeSums,
  normalizeGroupValues,
  NO_PERCENTILES,
  sumsFromSqlRow,
  type GroupValues,
  type PartialSums,
} from './aggregate-rows.js';
import { cutBins, LATENCY_CUT_TABLES, latencyCutFor } from './latency-cuts.js';
import { checkAggregateQuery } from './query-check.js';
import { bucketStart, DAY_MS, HOUR_MS } from '../units/index.js';
import {
  eventsWhere,
  EVENTS_SUMS_SQL,
  groupExprs,
  rollupCanServe,
  rollupWhere,
  ROLLUP_SUMS_SQL,
  tagJoins,
  type SqlPart,
  type SqlReader,
  type TimeRange,
} from './sql-query.js';
import type { AggregateQuery, AggregateRow, GroupKey, Percentiles } from './store.js';

export interface Segment {
  table: 'events' | 'rollup' | 'daily';
  range: TimeRange;
}

const floorHour = (ms: number): number => bucketStart(ms, HOUR_MS);
const ceilHour = (ms: number): number => (floorHour(ms) === ms ? ms : floorHour(ms) + HOUR_MS);

/** Splits the filter's time range into raw edges and whole rollup hours. */
export function planSegments(filter: Filter, useRollup: boolean): Segment[] {
  const fromMs = filter.from?.getTime();
  const toMs = filter.to?.getTime();
  if (!useRollup) return [{ table: 'events', range: { fromMs, toMs } }];
  const lo = fromMs === undefined ? undefined : ceilHour(fromMs);
  const hi = toMs === undefined ? undefined : floorHour(toMs);
  if (lo !== undefined && hi !== undefined && lo >= hi) return [{ table: 'events', range: { fromMs, toMs } }];
  const segments: Segment[] = [{ table: 'rollup', range: { fromMs: lo, toMs: hi } }];
  if (fromMs !== undefined && lo !== undefined && lo > fromMs)
    segments.push({ table: 'events', range: { fromMs, toMs: lo } });
  if (toMs !== undefined && hi !== undefined && hi < toMs)
    segments.push({ table: 'events', range: { fromMs: hi, toMs } });
  return segments;
}

const floorDay = (ms: number): number => bucketStart(ms, DAY_MS);
const ceilDay = (ms: number): number => (floorDay(ms) === ms ? ms : floorDay(ms) + DAY_MS);

/** For histograms: whole days of a rollup segment come from latency_daily, the other hours from latency_hourly. */
export function splitDays(segments: Segment[], useDaily: boolean): Segment[] {
  if (!useDaily) return segments;
  return segments.flatMap((segment): Segment[] => {
    if (segment.table !== 'rollup') return [segment];
    const { fromMs: lo, toMs: hi } = segment.range;
    const dlo = lo === undefined ? undefined : ceilDay(lo);
    const dhi = hi === undefined ? undefined : floorDay(hi);
    if (dlo !== undefined && dhi !== undefined && dlo >= dhi) return [segment];
    const out: Segment[] = [{ table: 'daily', range: { fromMs: dlo, toMs: dhi } }];
    if (lo !== undefined && dlo !== undefined && dlo > lo)
      out.push({ table: 'rollup', range: { fromMs: lo, toMs: dlo } });
    if (hi !== undefined && dhi !== undefined && hi > dhi)
      out.push({ table: 'rollup', range: { fromMs: dhi, toMs: hi } });
    return out;
  });
}

interface Group {
  values: GroupValues;
  sums: PartialSums;
}

export function selectGroups(exprs: string[]): { select: string; groupBy: string } {
  if (exprs.length === 0) return { select: '', groupBy: '' };
  return {
    select: `${exprs.map((expr, i) => `${expr} AS g${i}`).join(', ')}, `,
    groupBy: ` GROUP BY ${exprs.join(', ')}`,
  };
}

export function groupValuesOf(row: Record<string, unknown>, groupBy: readonly GroupKey[]): GroupValues {
  return normalizeGroupValues(
    groupBy,
    groupBy.map((_, i) => row[`g${i}`]),
  );
}

export function segmentWhere(segment: Segment, filter: Filter): SqlPart {
  if (segment.table === 'events') return eventsWhere(filter, segment.range);
  return rollupWhere(filter, segment.range, segment.table === 'daily' ? 'day_ms' : 'hour_ms');
}

export async function aggregateSql(
  reader: SqlReader,
  query: AggregateQuery,
  exactLimit: number,
): Promise<AggregateRow[]> {
  const { groupBy } = checkAggregateQuery(query);
  const { filter, interval } = query;
  const hourly = planSegments(filter, rollupCanServe(filter, groupBy, interval));
  // Whole days come from the daily tables unless the answer needs hour (or minute) buckets.
  const segments = splitDays(hourly, !(groupBy.includes('bucket') && interval !== '1d'));
  const groups = new Map<string, Group>();

  // Segments are independent: on PostgreSQL they run on several pooled connections at once.
  const results = await Promise.all(
    segments.map((segment) => {
      const where = segmentWhere(segment, filter);
      const g = selectGroups(groupExprs(groupBy, interval, segment.table));
      if (segment.table === 'events') {
        const joins = tagJoins(groupBy);
        const sql = `SELECT ${g.select}${EVENTS_SUMS_SQL} FROM events ${joins.sql} ${where.sql}${g.groupBy}`;
        return reader.all(sql, [...joins.params, ...where.params]);
      }
      const table = segment.table === 'daily' ? 'rollup_daily' : 'rollup_hourly';
      return reader.all(`SELECT ${g.select}${ROLLUP_SUMS_SQL} FROM ${table} ${where.sql}${g.groupBy}`, where.params);
    }),
  );
  for (const row of results.flat()) {
    const sums = sumsFromSqlRow(row);
    if (sums.calls === 0) continue; // an ungrouped SELECT over nothing still returns one row
    const values = groupValuesOf(row, groupBy);
    const id = groupId(values);
    const group = groups.get(id);
    if (group === undefined) groups.set(id, { values, sums: mergeSums(emptySums(), sums) });
    else mergeSums(group.sums, sums);
  }

  const all = [...groups.values()].sort((a, b) => compareGroupValues(a.values, b.values));
  const durationTotal = all.reduce((n, group) => n + group.sums.durationCount, 0);
  const ttftTotal = all.reduce((n, group) => n + group.sums.ttftCount, 0);
  const input: PercentileInput = { reader, query, groupBy, segments };
  const wanted = query.percentiles !== false;
  const totals: [0 | 1, number][] = [
    [0, durationTotal],
    [1, ttftTotal],
  ];
  const histogramMetrics = totals.filter(([, total]) => wanted && total > exactLimit).map(([m]) => m);
  const histograms =
    histogramMetrics.length === 0
      ? new Map<0 | 1, Map<string, Percentiles>>()
      : await histogramByGroup(input, histogramMetrics);
  const percentiles = async (metric: 0 | 1, total: number): Promise<Map<string, Percentiles>> => {
    if (!wanted || total === 0) return new Map();
    return total > exactLimit ? (histograms.get(metric) ?? new Map()) : exactByGroup(input, metric);
  };
  const [duration, ttft] = await Promise.all([percentiles(0, durationTotal), percentiles(1, ttftTotal)]);

  return all.map((group) => {
    const id = groupId(group.values);
    return finishRow({
      key: groupKeyObject(groupBy, group.values),
      sums: group.sums,
      duration: duration.get(id) ?? NO_PERCENTILES,
      ttft: ttft.get(id) ?? NO_PERCENTILES,
    });
  });
}

interface PercentileInput {
  reader: SqlReader;
  query: AggregateQuery;
  groupBy: GroupKey[];
  segments: Segment[];
}

/** Exact nearest-rank percentiles per group: the raw values, sorted in JS. */
async function exactByGroup(input: PercentileInput, metric: 0 | 1): Promise<Map<string, Percentiles>> {
  const { reader, query, groupBy } = input;
  const valueColumn = metric === 0 ? 'duration_us' : 'ttft_us';
  const fullRange = { fromMs: query.filter.from?.getTime(), toMs: query.filter.to?.getTime() };
  const where = eventsWhere(query.filter, fullRange);
  const g = selectGroups(groupExprs(groupBy, query.interval, 'events'));
  const condition = `${where.sql === '' ? 'WHERE' : `${where.sql} AND`} ${valueColumn} IS NOT NULL`;
  const joins = tagJoins(groupBy);
  const values = new Map<string, number[]>();
  const sql = `SELECT ${g.select}${valueColumn} AS v FROM events ${joins.sql} ${condition}`;
  for (const row of await reader.all(sql, [...joins.params, ...where.params])) {
    const id = groupId(groupValuesOf(row, groupBy));
    const list = values.get(id);
    if (list === undefined) values.set(id, [Number(row['v'])]);
    else list.push(Number(row['v']));
  }
  const out = new Map<string, Percentiles>();
  for (const [id, list] of values) out.set(id, exactPercentiles(list.sort((a, b) => a - b)));
  return out;
}

/**
 * Histogram percentiles per group for the given metrics. The rollup tables are read once for
 * both metrics (GROUP BY metric), raw edges once per metric (each has its own bin column).
 */
async function histogramByGroup(
  input: PercentileInput,
  metrics: readonly (0 | 1)[],
): Promise<Map<0 | 1, Map<string, Percentiles>>> {
  const { reader, query, groupBy } = input;
  const histograms = new Map<0 | 1, Map<string, Map<number, number>>>(metrics.map((m) => [m, new Map()]));
  /** Adds counts to the histogram of a row's group; `bins` of a cut row, else the row's bin and n. */
  const add = (metric: 0 | 1, row: Record<string, unknown>, bins?: readonly [number, number][]): void => {
    const byGroup = histograms.get(metric);
    if (byGroup === undefined) return;
    const id = groupId(groupValuesOf(row, groupBy));
    let counts = byGroup.get(id);
    if (counts === undefined) {
      counts = new Map();
      byGroup.set(id, counts);
    }
    for (const [bin, n] of bins ?? [[Number(row['bin']), Number(row['n'])]])
      counts.set(bin, (counts.get(bin) ?? 0) + n);
  };
  const reads: Promise<void>[] = [];
  const cut = latencyCutFor(query.filter, groupBy);
  for (const segment of input.segments) {
    const where = segmentWhere(segment, query.filter);
    const g = selectGroups(groupExprs(groupBy, query.interval, segment.table));
    if (segment.table === 'events') {
      for (const metric of metrics) {
        const binColumn = metric === 0 ? 'duration_bin' : 'ttft_bin';
        const condition = `${where.sql === '' ? 'WHERE' : `${where.sql} AND`} ${binColumn} IS NOT NULL`;
        const groupByBins = g.groupBy === '' ? ` GROUP BY ${binColumn}` : `${g.groupBy}, ${binColumn}`;
        const joins = tagJoins(groupBy);
        const sql = `SELECT ${g.select}${binColumn} AS bin, COUNT(*) AS n FROM events ${joins.sql} ${condition}${groupByBins}`;
        reads.push(
          reader.all(sql, [...joins.params, ...where.params]).then((rows) => {
            for (const row of rows) add(metric, row);
          }),
        );
      }
      continue;
    }
    const condition = `${where.sql === '' ? 'WHERE' : `${where.sql} AND`} metric IN (${metrics.map(() => '?').join(', ')})`;
    const metricOf = (row: Record<string, unknown>): 0 | 1 => (Number(row['metric']) === 1 ? 1 : 0);
    if (cut !== undefined) {
      // The smallest latency cut that keeps what the query names: a row of bins per hour or
      // day (and the cut's dimensions), added up here.
      const sql = `SELECT ${g.select}metric AS metric, bins FROM ${LATENCY_CUT_TABLES[segment.table]} ${condition} AND cut = ?`;
      reads.push(
        reader.all(sql, [...where.params, ...metrics, cut.name]).then((rows) => {
          for (const row of rows) add(metricOf(row), row, cutBins(row['bins']));
        }),
      );
      continue;
    }
    const groupByBins = g.groupBy === '' ? ' GROUP BY metric, bin' : `${g.groupBy}, metric, bin`;
    const table = segment.table === 'daily' ? 'latency_daily' : 'latency_hourly';
    const sql = `SELECT ${g.select}metric AS metric, bin AS bin, SUM(n) AS n FROM ${table} ${condition}${groupByBins}`;
    reads.push(
      reader.all(sql, [...where.params, ...metrics]).then((rows) => {
        for (const row of rows) add(metricOf(row), row);
      }),
    );
  }
  // Counts are added, so the order the reads finish in does not matter.
  await Promise.all(reads);
  const out = new Map<0 | 1, Map<string, Percentiles>>();
  for (const [metric, byGroup] of histograms) {
    out.set(metric, new Map([...byGroup].map(([id, counts]) => [id, histogramPercentiles(counts)])));
  }
  return out;
}
