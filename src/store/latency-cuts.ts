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
 * A cut row holds all the bins of one (cut, hour or day, dimensions, metric) as a JSON object
 * `{"bin": count}` (version 18; version 17 had a row per bin): an insert then upserts one row per
 * cut, time and metric however many bins its events fall in, which is what keeps the cuts'
 * write cost small (the bins of a batch of 1,000 calls were ~4,000 rows of the three cuts,
 * they are now ~100), and a read parses a few objects instead of a row per bin. PostgreSQL adds
 * a delta's counts to the stored ones in its insert statement, SQLite in JS under its write lock.
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
import type { SqlDialect } from './sql-query.js';
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
  return ['cut', timeColumn, 'provider', 'model', 'agent', 'metric', 'bins'];
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

/** A cut row's increment: counts per bin; `hourMs` holds the day start for daily deltas. */
export interface CutLatencyDelta {
  cut: LatencyCut['name'];
  hourMs: number;
  provider: string;
  model: string;
  agent: string;
  metric: 0 | 1;
  bins: Map<number, number>;
}

/** The values of one delta in `latencyCutColumns` order (the bins as JSON text). */
export function cutLatencyValues(d: CutLatencyDelta): (string | number)[] {
  return [d.cut, d.hourMs, d.provider, d.model, d.agent, d.metric, JSON.stringify(Object.fromEntries(d.bins))];
}

/**
 * What full-key latency increments add to every cut: one delta per cut row, in key order (so
 * concurrent writers lock rows in the same order, as the other rollups do).
 */
export function cutLatencyDeltas(latencies: readonly LatencyDelta[]): CutLatencyDelta[] {
  // One map per cut, keyed by what the cut keeps: the hot loop of a batch's rollups.
  const byCut = LATENCY_CUTS.map((cut) => ({
    cut,
    provider: cut.dims.includes('provider'),
    model: cut.dims.includes('model'),
    agent: cut.dims.includes('agent'),
    rows: new Map<string, CutLatencyDelta>(),
  }));
  for (const l of latencies) {
    for (const c of byCut) {
      const provider = c.provider ? l.provider : '';
      const model = c.model ? l.model : '';
      const agent = c.agent ? l.agent : '';
      const id = `${l.hourMs}\u0000${l.metric}\u0000${provider}\u0000${model}\u0000${agent}`;
      let delta = c.rows.get(id);
      if (delta === undefined) {
        delta = { cut: c.cut.name, hourMs: l.hourMs, provider, model, agent, metric: l.metric, bins: new Map() };
        c.rows.set(id, delta);
      }
      delta.bins.set(l.bin, (delta.bins.get(l.bin) ?? 0) + l.n);
    }
  }
  return byCut.flatMap((c) => [...c.rows.values()]).sort(compareCutRows);
}

const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The primary key's order: cut, time, provider, model, agent, metric. */
function compareCutRows(a: CutLatencyDelta, b: CutLatencyDelta): number {
  return (
    text(a.cut, b.cut) ||
    a.hourMs - b.hourMs ||
    text(a.provider, b.provider) ||
    text(a.model, b.model) ||
    text(a.agent, b.agent) ||
    a.metric - b.metric
  );
}

/** A cut row's bins as read back (SQLite: JSON text; PostgreSQL: jsonb, parsed by the driver). */
export function cutBins(value: unknown): [number, number][] {
  const object = (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
  return Object.entries(object).map(([bin, n]) => [Number(bin), Number(n)]);
}

/**
 * PostgreSQL's ON CONFLICT clause adding a delta's bins into an existing cut row, key by key
 * (in its one insert statement: which events are new is known only there), with the function
 * of schema version 18: a PL/pgSQL function's query is planned once per connection, so the
 * insert statement, planned on every call, does not plan the merge as well.
 */
export function latencyCutUpsertSql(table: 'latency_cut_hourly' | 'latency_cut_daily'): string {
  const time = table === 'latency_cut_hourly' ? 'hour_ms' : 'day_ms';
  return `ON CONFLICT (cut, ${time}, provider, model, agent, metric) DO UPDATE SET bins = tokenledger_add_bins(${table}.bins, excluded.bins)`;
}

/**
 * SQLite's writes of cut rows: read the row, add the delta's bins in JS, write it back. The
 * store's writer holds the database's write lock for the whole transaction, so no other writer
 * comes between the read and the write; adding two JSON objects in SQL (json_each, GROUP BY,
 * json_group_object) cost several times more per row.
 */
export function sqliteCutSql(table: 'latency_cut_hourly' | 'latency_cut_daily'): { read: string; write: string } {
  const time = table === 'latency_cut_hourly' ? 'hour_ms' : 'day_ms';
  const columns = latencyCutColumns(time);
  return {
    read: `SELECT bins FROM ${table} WHERE cut = ? AND ${time} = ? AND provider = ? AND model = ? AND agent = ? AND metric = ?`,
    write: `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT (cut, ${time}, provider, model, agent, metric) DO UPDATE SET bins = excluded.bins`,
  };
}

/** A cut row's key values, in `sqliteCutSql().read` order. */
export function cutKeyValues(d: CutLatencyDelta): (string | number)[] {
  return [d.cut, d.hourMs, d.provider, d.model, d.agent, d.metric];
}

/** The delta's bins added to a stored row's (`stored`: its bins as read back, undefined when none). */
export function withStoredBins(d: CutLatencyDelta, stored: unknown): CutLatencyDelta {
  if (stored === undefined) return d;
  const bins = new Map(cutBins(stored));
  for (const [bin, n] of d.bins) bins.set(bin, (bins.get(bin) ?? 0) + n);
  return { ...d, bins };
}

/**
 * SELECT of every cut's rows from full-key latency rows (`source`: latency_hourly,
 * latency_daily, or a CTE with their columns), optionally under a WHERE on the source: the
 * counts summed per cut and bin, then each cut row's bins gathered into one object.
 */
export function latencyCutsFromSql(
  dialect: SqlDialect,
  source: string,
  timeColumn: 'hour_ms' | 'day_ms',
  where = '',
): string {
  const perBin = LATENCY_CUTS.map((cut) => {
    const column = (dim: CutDimension): string => (cut.dims.includes(dim) ? dim : "''");
    const kept = cut.dims.map((dim) => `${dim}, `).join('');
    return `SELECT '${cut.name}' AS cut, ${timeColumn}, ${column('provider')} AS provider, ${column('model')} AS model, ${column('agent')} AS agent, metric, bin, SUM(n) AS n
FROM ${source} ${where} GROUP BY ${timeColumn}, ${kept}metric, bin`;
  }).join('\nUNION ALL\n');
  const gather = dialect === 'sqlite' ? 'json_group_object' : 'jsonb_object_agg';
  return `SELECT cut, ${timeColumn}, provider, model, agent, metric, ${gather}(CAST(bin AS text), n) AS bins
FROM (${perBin}) AS b GROUP BY cut, ${timeColumn}, provider, model, agent, metric`;
}

/** Rebuilds both cut tables from the full latency tables (after those are rebuilt). */
export function rebuildAllLatencyCutsSql(dialect: SqlDialect): string[] {
  return ['DELETE FROM latency_cut_hourly', 'DELETE FROM latency_cut_daily', ...fillAllLatencyCutsSql(dialect)];
}

/** Fills the (empty) cut tables from the full latency tables. */
function fillAllLatencyCutsSql(dialect: SqlDialect): string[] {
  return [
    `INSERT INTO latency_cut_hourly (${latencyCutColumns('hour_ms').join(', ')}) ${latencyCutsFromSql(dialect, 'latency_hourly', 'hour_ms')}`,
    `INSERT INTO latency_cut_daily (${latencyCutColumns('day_ms').join(', ')}) ${latencyCutsFromSql(dialect, 'latency_daily', 'day_ms')}`,
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
export function recomputeLatencyCuts(
  dialect: SqlDialect,
  hours: Iterable<number>,
  days: Iterable<number>,
): CutRecompute[] {
  const out: CutRecompute[] = [];
  for (const [table, source, time, starts] of [
    ['latency_cut_hourly', 'latency_hourly', 'hour_ms', hours],
    ['latency_cut_daily', 'latency_daily', 'day_ms', days],
  ] as const) {
    const insert = `INSERT INTO ${table} (${latencyCutColumns(time).join(', ')}) ${latencyCutsFromSql(dialect, source, time, `WHERE ${time} = ?`)}`;
    for (const start of new Set(starts)) {
      out.push({ sql: `DELETE FROM ${table} WHERE ${time} = ?`, params: [start] });
      out.push({ sql: insert, params: LATENCY_CUTS.map(() => start) });
    }
  }
  return out;
}
