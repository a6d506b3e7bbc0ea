/**
 * Store.rank for the SQL stores: the groups' ranking figures per segment (whole days and hours
 * from the rollups where they can serve, raw events for the rest, as aggregate() plans them),
 * summed per group in an outer query that orders, counts (a window over the groups) and cuts
 * the page, so only the page leaves the database. Runs ranked over whole runs read rollup_run
 * instead (run-rollup.ts).
 *
 * @module
 */
import { groupKeyObject } from './aggregate-rows.js';
import { checkRankQuery } from './rank.js';
import { groupExprs, rollupCanServe, tagJoins, type SqlParam, type SqlReader } from './sql-query.js';
import { groupValuesOf, planSegments, segmentWhere, selectGroups, splitDays, type Segment } from './sql-aggregate.js';
import { rankRunRollup, runRollupCanServe } from './run-rollup.js';
import type { RankOrder, RankPage, RankQuery } from './store.js';

/** The figures ranked on, per segment: cost, tokens, calls, duration sum and count, latest time. */
function figuresSql(segment: Segment): string {
  if (segment.table === 'events')
    return `COALESCE(SUM(cost_total_nanos), 0) AS c, COALESCE(SUM(total_tokens), 0) AS t, COUNT(*) AS n,
COALESCE(SUM(duration_us), 0) AS ds, COUNT(duration_us) AS dc, MAX(time_ms) AS mt`;
  return `SUM(cost_nanos) AS c, SUM(total_tokens) AS t, SUM(calls) AS n,
SUM(duration_sum_us) AS ds, SUM(duration_count) AS dc, MAX(max_time_ms) AS mt`;
}

/** ORDER BY of the outer query: the figure (groups without it last), then cost, tokens, calls, names. */
function orderSql(order: RankOrder, dimensions: number, dialect: SqlReader['dialect']): string {
  const real = dialect === 'postgres' ? 'double precision' : 'REAL';
  // Whole microseconds, half up: FLOOR on PostgreSQL; SQLite's CAST truncates, which is FLOOR for a positive mean.
  const mean =
    dialect === 'postgres'
      ? `FLOOR(CAST(SUM(ds) AS ${real}) / NULLIF(SUM(dc), 0) + 0.5)`
      : `CAST(CAST(SUM(ds) AS ${real}) / NULLIF(SUM(dc), 0) + 0.5 AS INTEGER)`;
  const first: Record<RankOrder, string[]> = {
    cost: [],
    tokens: ['SUM(t) DESC'],
    calls: ['SUM(n) DESC'],
    latency: ['CASE WHEN SUM(dc) = 0 THEN 1 ELSE 0 END', `${mean} DESC`],
    recent: ['MAX(mt) DESC'],
  };
  const collate = dialect === 'postgres' ? ' COLLATE "C"' : '';
  const names = Array.from({ length: dimensions }, (_, i) => [
    `CASE WHEN g${i} IS NULL THEN 1 ELSE 0 END`,
    `g${i}${collate}`,
  ]).flat();
  return [...first[order], 'SUM(c) DESC', 'SUM(t) DESC', 'SUM(n) DESC', ...names].join(', ');
}

export async function rankSql(reader: SqlReader, query: RankQuery): Promise<RankPage> {
  const { groupBy, limit, offset } = checkRankQuery(query);
  const { filter } = query;
  // Runs alone, over whole runs: one row per run, on an index (schema version 16).
  if (groupBy.length === 1 && groupBy[0] === 'run' && runRollupCanServe(filter)) return rankRunRollup(reader, query);
  const segments = splitDays(planSegments(filter, rollupCanServe(filter, groupBy, undefined)), true);
  const parts: string[] = [];
  const params: SqlParam[] = [];
  for (const segment of segments) {
    const where = segmentWhere(segment, filter);
    const g = selectGroups(groupExprs(groupBy, undefined, segment.table));
    if (segment.table === 'events') {
      const joins = tagJoins(groupBy);
      parts.push(`SELECT ${g.select}${figuresSql(segment)} FROM events ${joins.sql} ${where.sql}${g.groupBy}`);
      params.push(...joins.params, ...where.params);
    } else {
      const table = segment.table === 'daily' ? 'rollup_daily' : 'rollup_hourly';
      parts.push(`SELECT ${g.select}${figuresSql(segment)} FROM ${table} ${where.sql}${g.groupBy}`);
      params.push(...where.params);
    }
  }
  const keys = groupBy.map((_, i) => `g${i}`).join(', ');
  const grouped = `SELECT ${keys} FROM (${parts.join('\nUNION ALL\n')}) u GROUP BY ${keys} HAVING SUM(n) > 0`;
  const sql = `SELECT ${keys}, COUNT(*) OVER () AS total FROM (${parts.join('\nUNION ALL\n')}) u
GROUP BY ${keys} HAVING SUM(n) > 0 ORDER BY ${orderSql(query.orderBy, groupBy.length, reader.dialect)} LIMIT ? OFFSET ?`;
  const rows = await reader.all(sql, [...params, limit, offset]);
  let total = rows.length === 0 ? 0 : Number(rows[0]?.['total'] ?? 0);
  // A page past the end has no row to carry the count: count the groups on their own.
  if (rows.length === 0 && offset > 0) {
    const [count] = await reader.all(`SELECT COUNT(*) AS total FROM (${grouped}) x`, params);
    total = Number(count?.['total'] ?? 0);
  }
  return { keys: rows.map((row) => groupKeyObject(groupBy, groupValuesOf(row, groupBy))), total };
}
