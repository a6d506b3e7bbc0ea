/**
 * Latency cuts (schema version 17, `latency_cut_hourly` / `latency_cut_daily`): the latency
 * histograms summed over the dimensions a query does not need, so its percentiles read a few
 * rows per hour or day instead of one per provider, model, agent, status and bin.
 *
 * `latency_hourly` is keyed by all four dimensions: at 10M events over 30 days that is ~0.5M
 * rows per day-grained query and ~7M for 30 days of hours, most of them told apart only by an
 * agent × model pair the query then adds back together. A cut keeps the counts of the same
 * bins with fewer dimensions:
 *
 * - `all`: no dimension (time, metric, bin): the ledger's summary and its timeseries;
 * - `model`: provider and model (a model names its provider, so keeping it costs no rows);
 * - `agent`: agent ('' = no agent, as in the other rollups).
 *
 * Dimensions a cut leaves out are stored as ''. A query whose grouping and filter name only
 * dimensions of some cut reads the smallest such cut (`latencyCutFor`); any other (agent ×
 * model, a status) reads `latency_hourly` / `latency_daily` as before. Cut rows are always the
 * sums of the full rows, which is how they are kept: inserts add the same bins to both
 * (`cutLatencyDeltas`), rebuilds and deletes derive them from the full rows of the hours and
 * days they touched (`latencyCutsFromSql`); re-pricing changes no latency.
 *
 * @module
 */
import { excludedValues, includedValues } from './filter-values.js';
import type { LatencyDelta } from './rollup-delta.js';
import type { Filter } from '../types/index.js';
import type { GroupKey } from './store.js';

type CutDimension = 'provider' | 'model' | 'agent';

export interface LatencyCut {
  name: 'all' | 'model' | 'agent';
  dims: readonly CutDimension[];
}

/** Smallest first: `latencyCutFor` takes the first that holds every dimension a query names. */
export const LATENCY_CUTS: readonly LatencyCut[] = [
  { name: 'all', dims: [] },
  { name: 'model', dims: ['provider', 'model'] },
  { name: 'agent', dims: ['agent'] },
];

export const LATENCY_CUT_TABLES = { rollup: 'latency_cut_hourly', daily: 'latency_cut_daily' } as const;

/** Columns as inserted; the time column is `hour_ms` or `day_ms`. */
export function latencyCutColumns(timeColumn: 'hour_ms' | 'day_ms'): string[] {
  return ['cut', timeColumn, 'provider', 'model', 'agent', 'metric', 'bin', 'n'];
}

/**
 * The cut that serves a query's histograms, or undefined when only the full tables can: the
 * query groups or filters by a status, or by dimensions no single cut keeps. Call only when
 * the rollups serve the query at all (`rollupCanServe`): run, tag, error and price-source
 * queries never reach the histograms of the rollups.
 */
export function latencyCutFor(filter: Filter, groupBy: readonly GroupKey[]): LatencyCut | undefined {
  if (filter.status !== undefined || groupBy.includes('status')) return undefined;
  const named = new Set<CutDimension>();
  for (const dim of ['provider', 'model', 'agent'] as const) {
    if (groupBy.includes(dim)) named.add(dim);
    if (includedValues(filter, dim) !== undefined || excludedValues(filter, dim).length > 0) named.add(dim);
  }
  return LATENCY_CUTS.find((cut) => [...named].every((dim) => cut.dims.includes(dim)));
}

/** A cut's increment of one bin; `hourMs` holds the day start for daily deltas. */
export interface CutLatencyDelta {
  cut: LatencyCut['name'];
  hourMs: number;
  provider: string;
  model: string;
  agent: string;
  metric: 0 | 1;
  bin: number;
  n: number;
}

/** The values of one delta in `latencyCutColumns` order. */
export function cutLatencyValues(d: CutLatencyDelta): (string | number)[] {
  return [d.cut, d.hourMs, d.provider, d.model, d.agent, d.metric, d.bin, d.n];
}

/**
 * What full-key latency increments add to every cut, in key order (so concurrent writers lock
 * rows in the same order, as the other rollups do).
 */
export function cutLatencyDeltas(latencies: readonly LatencyDelta[]): CutLatencyDelta[] {
  const out = new Map<string, CutLatencyDelta>();
  for (const l of latencies) {
    for (const cut of LATENCY_CUTS) {
      const provider = cut.dims.includes('provider') ? l.provider : '';
      const model = cut.dims.includes('model') ? l.model : '';
      const agent = cut.dims.includes('agent') ? l.agent : '';
      // One map key per row; its string order is not the row order (sorted below).
      const id = `${cut.name}\u0000${l.hourMs}\u0000${provider}\u0000${model}\u0000${agent}\u0000${l.metric}\u0000${l.bin}`;
      const existing = out.get(id);
      if (existing === undefined)
        out.set(id, { cut: cut.name, hourMs: l.hourMs, provider, model, agent, metric: l.metric, bin: l.bin, n: l.n });
      else existing.n += l.n;
    }
  }
  return [...out.values()].sort(compareCutRows);
}

const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The primary key's order: cut, time, provider, model, agent, metric, bin. */
function compareCutRows(a: CutLatencyDelta, b: CutLatencyDelta): number {
  return (
    text(a.cut, b.cut) ||
    a.hourMs - b.hourMs ||
    text(a.provider, b.provider) ||
    text(a.model, b.model) ||
    text(a.agent, b.agent) ||
    a.metric - b.metric ||
    a.bin - b.bin
  );
}

/** ON CONFLICT clause adding a delta's count into an existing cut row. */
export function latencyCutUpsertSql(table: 'latency_cut_hourly' | 'latency_cut_daily'): string {
  const time = table === 'latency_cut_hourly' ? 'hour_ms' : 'day_ms';
  return `ON CONFLICT (cut, ${time}, provider, model, agent, metric, bin) DO UPDATE SET n = ${table}.n + excluded.n`;
}

/**
 * SELECT of every cut's rows from full-key latency rows (`source`: latency_hourly,
 * latency_daily, or a CTE with their columns), optionally under a WHERE on the source.
 */
export function latencyCutsFromSql(source: string, timeColumn: 'hour_ms' | 'day_ms', where = ''): string {
  return LATENCY_CUTS.map((cut) => {
    const column = (dim: CutDimension): string => (cut.dims.includes(dim) ? dim : "''");
    const kept = cut.dims.map((dim) => `${dim}, `).join('');
    return `SELECT '${cut.name}' AS cut, ${timeColumn}, ${column('provider')} AS provider, ${column('model')} AS model, ${column('agent')} AS agent, metric, bin, SUM(n) AS n
FROM ${source} ${where} GROUP BY ${timeColumn}, ${kept}metric, bin`;
  }).join('\nUNION ALL\n');
}

/** Rebuilds both cut tables from the full latency tables (after those are rebuilt). */
export function rebuildAllLatencyCutsSql(): string[] {
  return ['DELETE FROM latency_cut_hourly', 'DELETE FROM latency_cut_daily', ...fillAllLatencyCutsSql()];
}

/** Fills the (empty) cut tables from the full latency tables: the migration and the rebuild. */
export function fillAllLatencyCutsSql(): string[] {
  return [
    `INSERT INTO latency_cut_hourly (${latencyCutColumns('hour_ms').join(', ')}) ${latencyCutsFromSql('latency_hourly', 'hour_ms')}`,
    `INSERT INTO latency_cut_daily (${latencyCutColumns('day_ms').join(', ')}) ${latencyCutsFromSql('latency_daily', 'day_ms')}`,
  ];
}

/** Statements, with their params, that recompute the cut rows of some hours and days. */
export interface CutRecompute {
  sql: string;
  params: number[];
}

/**
 * Recomputes the cut rows of the given hours and days from the full rows left (after a delete
 * rebuilt those): per hour or day, delete its cut rows and sum its full rows again.
 */
export function recomputeLatencyCuts(hours: Iterable<number>, days: Iterable<number>): CutRecompute[] {
  const out: CutRecompute[] = [];
  for (const [table, source, time, starts] of [
    ['latency_cut_hourly', 'latency_hourly', 'hour_ms', hours],
    ['latency_cut_daily', 'latency_daily', 'day_ms', days],
  ] as const) {
    const insert = `INSERT INTO ${table} (${latencyCutColumns(time).join(', ')}) ${latencyCutsFromSql(source, time, `WHERE ${time} = ?`)}`;
    for (const start of new Set(starts)) {
      out.push({ sql: `DELETE FROM ${table} WHERE ${time} = ?`, params: [start] });
      out.push({ sql: insert, params: LATENCY_CUTS.map(() => start) });
    }
  }
  return out;
}
