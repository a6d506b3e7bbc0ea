/**
 * The per-run rollup (`rollup_run`, schema version 16): one row per run with every sum an
 * AggregateRow needs, kept by the SQL stores' write paths beside the hourly and daily rollups,
 * so "the top 100 of a million runs by cost" is a range of an index instead of a GROUP BY over
 * every event.
 *
 * - Key: (`no_run`, `run`): calls without a run are one row with `no_run` = 1 and `run` = ''
 *   (a run named '' stays a run of its own), and `no_run` ascending puts them after every run
 *   on ties, as the rank order wants `null` last.
 * - Inserts add each new row's sums (the same `addRowToSums` the other rollups use: one
 *   definition of what a row adds); re-pricing adds the difference of the row's sums with its
 *   new cost and its old one; a delete recomputes the rows of the runs it touched from the
 *   events left (maxima and minima cannot be taken back).
 * - `duration_mean_us` is a generated column (mean duration in whole microseconds, half up,
 *   spelled as sql-rank.ts spells it), so latency ranks on an index too.
 * - Ranking reads it when the query groups by run alone and the filter names nothing but runs
 *   (`runRollupCanServe`); any other filter (time range, model, tags...) cuts runs apart, and
 *   rank groups the raw events as before.
 *
 * @module
 */
import { emptySums, type GroupValues, type PartialSums } from './aggregate-rows.js';
import { excludedTags, excludedValues, includedPriceSources, includedTags, includedValues } from './filter-values.js';
import { ROLLUP_SUM_COLUMNS } from './migrations/schema.js';
import { checkRankQuery } from './rank.js';
import { addRowToSums, sumsValues } from './rollup-delta.js';
import type { EventRow } from './row.js';
import { sumsSelectForInsert, type SqlDialect, type SqlParam, type SqlPart, type SqlReader } from './sql-query.js';
import type { Filter } from '../types/index.js';
import type { RankOrder, RankPage, RankQuery } from './store.js';

/** Sum columns of rollup_run: the other rollups' and the failed calls' cost (they have status in their key, it has not). */
export const RUN_ROLLUP_SUM_COLUMNS = [...ROLLUP_SUM_COLUMNS, 'failed_cost_nanos'] as const;

/** rollup_run's columns as written: key, sums, extremes (the generated mean is not written). */
export const RUN_ROLLUP_INSERT_COLUMNS = [
  'no_run',
  'run',
  ...RUN_ROLLUP_SUM_COLUMNS,
  'duration_max_us',
  'min_time_ms',
  'max_time_ms',
] as const;

/** One run's increment. */
export interface RunDelta {
  /** The run, or null for calls without one. */
  run: string | null;
  sums: PartialSums;
}

/** Per-run sums of rows, in key order (no run last), so concurrent writers lock rows in the same order. */
export function computeRunDeltas(rows: readonly EventRow[]): RunDelta[] {
  const byRun = new Map<string | null, RunDelta>();
  for (const row of rows) {
    let delta = byRun.get(row.run);
    if (delta === undefined) {
      delta = { run: row.run, sums: emptySums() };
      byRun.set(row.run, delta);
    }
    addRowToSums(delta.sums, row);
  }
  return [...byRun.values()].sort((a, b) =>
    a.run === b.run ? 0 : a.run === null ? 1 : b.run === null ? -1 : a.run < b.run ? -1 : 1,
  );
}

/** A run's key columns: [no_run, run]. */
export function runKey(run: string | null): [number, string] {
  return run === null ? [1, ''] : [0, run];
}

/** A delta as INSERT values, in RUN_ROLLUP_INSERT_COLUMNS order. */
export function runDeltaValues(delta: RunDelta): SqlParam[] {
  const [sums, extremes] = sumsValues(delta.sums);
  return [...runKey(delta.run), ...sums, delta.sums.failedCostNanos, ...extremes];
}

/** ON CONFLICT clause adding a delta into the run's row. */
export const RUN_ROLLUP_UPSERT_SQL = (() => {
  const extreme = (column: string, op: '<' | '>'): string =>
    `${column} = CASE WHEN rollup_run.${column} IS NULL OR excluded.${column} ${op} rollup_run.${column} THEN excluded.${column} ELSE rollup_run.${column} END`;
  return `ON CONFLICT (no_run, run) DO UPDATE SET ${[
    ...RUN_ROLLUP_SUM_COLUMNS.map((c) => `${c} = rollup_run.${c} + excluded.${c}`),
    extreme('duration_max_us', '>'),
    extreme('min_time_ms', '<'),
    extreme('max_time_ms', '>'),
  ].join(', ')}`;
})();

/** One row's upsert (SQLite): params are `runDeltaValues`. */
export const RUN_ROLLUP_INSERT_SQL = `INSERT INTO rollup_run (${RUN_ROLLUP_INSERT_COLUMNS.join(', ')}) VALUES (${RUN_ROLLUP_INSERT_COLUMNS.map(() => '?').join(', ')}) ${RUN_ROLLUP_UPSERT_SQL}`;

/** The SELECT list computing rollup_run's written columns from event rows (grouped by run). */
export function runRollupSelectSql(): string {
  return `CASE WHEN run IS NULL THEN 1 ELSE 0 END, COALESCE(run, ''), ${sumsSelectForInsert({ failedCost: true })}`;
}

/** One run's correction after re-pricing: the sum columns' differences (RUN_ROLLUP_SUM_COLUMNS order). */
export interface RunCorrection {
  run: string | null;
  differences: number[];
}

/** What re-pricing `olds` into `news` (the same events) changes in each run's row, in key order. */
export function runCorrections(olds: readonly EventRow[], news: readonly EventRow[]): RunCorrection[] {
  const before = new Map(computeRunDeltas(olds).map((delta) => [delta.run, delta]));
  const out: RunCorrection[] = [];
  for (const after of computeRunDeltas(news)) {
    const old = before.get(after.run);
    if (old === undefined) continue;
    const newValues = runDeltaValues(after).slice(2, 2 + RUN_ROLLUP_SUM_COLUMNS.length);
    const oldValues = runDeltaValues(old).slice(2, 2 + RUN_ROLLUP_SUM_COLUMNS.length);
    const differences = newValues.map((value, i) => Number(value ?? 0) - Number(oldValues[i] ?? 0));
    if (differences.some((value) => value !== 0)) out.push({ run: after.run, differences });
  }
  return out;
}

/** `UPDATE` adding a correction (SQLite): params are the differences, then `runKey`. */
export const CORRECT_RUN_ROLLUP_SQL = `UPDATE rollup_run SET ${RUN_ROLLUP_SUM_COLUMNS.map((c) => `${c} = ${c} + ?`).join(', ')} WHERE no_run = ? AND run = ?`;

/** A list of runs as one parameter, its JSON array text (one statement however many runs a delete touched). */
function runList(dialect: SqlDialect): string {
  return dialect === 'postgres'
    ? '(SELECT json_array_elements_text(CAST(? AS json)))'
    : '(SELECT value FROM json_each(?))';
}

/**
 * After a delete: the statements that recompute the rows of the runs it touched (their names as
 * one JSON array parameter; `…NoRun` for calls without a run) from the events left. Run
 * before the events' DELETE: `clear`; after it: `fill` (and `fillNoRun` when `noRun`).
 */
export function rebuildRunsSql(dialect: SqlDialect): {
  clear: string;
  clearNoRun: string;
  fill: string;
  fillNoRun: string;
} {
  const columns = RUN_ROLLUP_INSERT_COLUMNS.join(', ');
  return {
    clear: `DELETE FROM rollup_run WHERE no_run = 0 AND run IN ${runList(dialect)}`,
    clearNoRun: 'DELETE FROM rollup_run WHERE no_run = 1',
    fill: `INSERT INTO rollup_run (${columns}) SELECT ${runRollupSelectSql()} FROM events WHERE run IN ${runList(dialect)} GROUP BY run`,
    fillNoRun: `INSERT INTO rollup_run (${columns}) SELECT ${runRollupSelectSql()} FROM events WHERE run IS NULL GROUP BY run`,
  };
}

/** Recomputes the whole run rollup from the events (rebuildRollups). */
export function rebuildAllRunsSql(): string[] {
  return [
    'DELETE FROM rollup_run',
    `INSERT INTO rollup_run (${RUN_ROLLUP_INSERT_COLUMNS.join(', ')}) SELECT ${runRollupSelectSql()} FROM events GROUP BY run`,
  ];
}

/**
 * True when rollup_run answers this filter exactly: it names runs (to keep or leave out) and
 * nothing else. Every other condition (a time range, a model, a tag...) keeps part of a run.
 */
export function runRollupCanServe(filter: Filter): boolean {
  if (filter.from !== undefined || filter.to !== undefined || filter.status !== undefined) return false;
  if (includedPriceSources(filter) !== undefined) return false;
  for (const field of ['provider', 'model', 'agent'] as const) {
    if (includedValues(filter, field) !== undefined || excludedValues(filter, field).length > 0) return false;
  }
  return includedTags(filter).length === 0 && excludedTags(filter).length === 0;
}

function runWhere(filter: Filter): SqlPart {
  const clauses: string[] = [];
  const params: SqlParam[] = [];
  const included = includedValues(filter, 'run');
  if (included !== undefined) {
    clauses.push(included.length === 0 ? '1 = 0' : `no_run = 0 AND run IN (${included.map(() => '?').join(', ')})`);
    params.push(...included);
  }
  const excluded = excludedValues(filter, 'run');
  if (excluded.length > 0) {
    // A call without a run is not excluded by a run exclusion.
    clauses.push(`(no_run = 1 OR run NOT IN (${excluded.map(() => '?').join(', ')}))`);
    params.push(...excluded);
  }
  return { sql: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}

/**
 * ORDER BY over rollup_run: the rank order (rank.ts), spelled so that its leading columns are
 * one of the rollup_run_by_* indexes (schema version 16); the run names break the rare ties.
 */
function orderSql(order: RankOrder, dialect: SqlDialect): string {
  const nullsLast = dialect === 'postgres' ? ' NULLS LAST' : '';
  const collate = dialect === 'postgres' ? ' COLLATE "C"' : '';
  const lead: Record<RankOrder, string[]> = {
    cost: ['cost_nanos DESC', 'total_tokens DESC', 'calls DESC'],
    tokens: ['total_tokens DESC', 'cost_nanos DESC', 'calls DESC'],
    calls: ['calls DESC', 'cost_nanos DESC', 'total_tokens DESC'],
    // SQLite sorts NULL last when descending; PostgreSQL says so.
    latency: [`duration_mean_us DESC${nullsLast}`, 'cost_nanos DESC', 'total_tokens DESC', 'calls DESC'],
    recent: ['max_time_ms DESC', 'cost_nanos DESC', 'total_tokens DESC', 'calls DESC'],
  };
  return [...lead[order], 'no_run', `run${collate}`].join(', ');
}

/** Store.rank grouped by run, from rollup_run (call when `runRollupCanServe`). */
export async function rankRunRollup(reader: SqlReader, query: RankQuery): Promise<RankPage> {
  const { limit, offset } = checkRankQuery(query);
  const where = runWhere(query.filter);
  const [rows, counted] = await Promise.all([
    reader.all(
      `SELECT no_run, run FROM rollup_run ${where.sql} ORDER BY ${orderSql(query.orderBy, reader.dialect)} LIMIT ? OFFSET ?`,
      [...where.params, limit, offset],
    ),
    reader.all(`SELECT COUNT(*) AS total FROM rollup_run ${where.sql}`, where.params),
  ]);
  const keys = rows.map((row) => {
    const value: GroupValues[number] = Number(row['no_run']) === 1 ? null : String(row['run']);
    return { run: value };
  });
  return { keys, total: Number(counted[0]?.['total'] ?? 0) };
}
