/**
 * SQL text shared by the SQLite and PostgreSQL stores: filters, group expressions and the sums
 * an AggregateRow needs, over the raw `events` table and over the `rollup_hourly` /
 * `latency_hourly` tables. Written with `?` placeholders; the PostgreSQL store numbers them.
 *
 * @module
 */
import { DAY_MS, HOUR_MS } from '../units/index.js';
import type { Filter, Interval } from '../types/index.js';
import { intervalMs } from './aggregate-rows.js';
import { CALL_ORDER_COLUMNS, checkCallOrder, type CallPosition } from './call-order.js';
import { decodeCursor } from './cursor.js';
import { COST_MISMATCH_SQL } from './cost-mismatch.js';
import { ROLLUP_SUM_COLUMNS } from './migrations/schema.js';
import {
  excludedTags,
  excludedValues,
  FILTER_FIELDS,
  includedPriceSources,
  includedTags,
  includedValues,
} from './filter-values.js';
import { tagOfGroupKey } from './query-check.js';
import type { CallOrder, GroupKey, TraceSpanRow } from './store.js';

export type SqlDialect = 'sqlite' | 'postgres';
export type SqlParam = string | number | null;

export interface SqlPart {
  sql: string;
  params: SqlParam[];
}

/** Runs a read query; rows come back with lower-case column names. */
export interface SqlReader {
  readonly dialect: SqlDialect;
  all(sql: string, params: readonly SqlParam[]): Promise<Record<string, unknown>[]>;
}

/** `?` -> `$1, $2, ...` (our SQL never holds a literal `?`). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export interface TimeRange {
  fromMs: number | undefined;
  toMs: number | undefined;
}

/** `column IN (?, ...)` (`= ?` for one value; no value: nothing matches). */
function inList(column: string, values: readonly string[], not = false): SqlPart {
  if (values.length === 0) return { sql: not ? '1 = 1' : '1 = 0', params: [] };
  if (values.length === 1) return { sql: `${column} ${not ? '<>' : '='} ?`, params: [...values] };
  return { sql: `${column} ${not ? 'NOT IN' : 'IN'} (${values.map(() => '?').join(', ')})`, params: [...values] };
}

/** Collects clauses and their params in order. */
class Clauses {
  readonly sql: string[] = [];
  readonly params: SqlParam[] = [];
  add(part: SqlPart): void {
    this.sql.push(part.sql);
    this.params.push(...part.params);
  }
  where(): SqlPart {
    return { sql: this.sql.length === 0 ? '' : `WHERE ${this.sql.join(' AND ')}`, params: this.params };
  }
}

/** WHERE for the raw events table: the whole filter, with the time range given separately. */
export function eventsWhere(filter: Filter, range: TimeRange): SqlPart {
  const clauses = new Clauses();
  if (range.fromMs !== undefined) clauses.add({ sql: 'time_ms >= ?', params: [range.fromMs] });
  if (range.toMs !== undefined) clauses.add({ sql: 'time_ms < ?', params: [range.toMs] });
  for (const field of FILTER_FIELDS) {
    const values = includedValues(filter, field);
    if (values !== undefined) clauses.add(inList(field, values));
    const excluded = excludedValues(filter, field);
    if (excluded.length === 0) continue;
    // A call without the field (agent, run: NULL) is not excluded by it.
    const not = inList(field, excluded, true);
    clauses.add({ sql: `(${field} IS NULL OR ${not.sql})`, params: not.params });
  }
  if (filter.status !== undefined) clauses.add({ sql: 'status = ?', params: [filter.status] });
  const sources = includedPriceSources(filter);
  if (sources !== undefined) clauses.add(inList('price_source', sources));
  for (const [key, values] of includedTags(filter)) clauses.add(tagCondition(filter, range, key, values, false));
  for (const [key, values] of excludedTags(filter)) clauses.add(tagCondition(filter, range, key, values, true));
  return clauses.where();
}

/**
 * One tag of the filter, through the tag index (event_tags, version 11). Over many events, one
 * index range on (key, value, time) gives the ids of the events that carry it. A filter that
 * names its runs reads those runs' few events instead, and each is looked up by its key
 * (event_id, key): the ids of a whole team (~80,000 at 1M runs) are never gathered to keep
 * a handful (the runs list's wall times and page figures ask for 1 to 100 runs).
 */
function tagCondition(
  filter: Filter,
  range: TimeRange,
  key: string,
  values: readonly string[],
  excluded: boolean,
): SqlPart {
  const value = inList('value', values);
  const not = excluded ? 'NOT ' : '';
  if (includedValues(filter, 'run') !== undefined) {
    return {
      sql: `${not}EXISTS (SELECT 1 FROM event_tags WHERE event_id = id AND key = ? AND ${value.sql})`,
      params: [key, ...value.params],
    };
  }
  const within = tagTimeRange(range);
  return {
    sql: `id ${not}IN (SELECT event_id FROM event_tags WHERE key = ? AND ${value.sql}${within.sql})`,
    params: [key, ...value.params, ...within.params],
  };
}

/** The time range as a condition on event_tags' copy of the event time. */
function tagTimeRange(range: TimeRange): SqlPart {
  const clauses: string[] = [];
  const params: SqlParam[] = [];
  if (range.fromMs !== undefined) {
    clauses.push(' AND event_time_ms >= ?');
    params.push(range.fromMs);
  }
  if (range.toMs !== undefined) {
    clauses.push(' AND event_time_ms < ?');
    params.push(range.toMs);
  }
  return { sql: clauses.join(''), params };
}

/**
 * True when the rollups can answer this filter and grouping: no run or tag in the filter (to
 * keep or to leave out) or the grouping, buckets of an hour or more.
 */
export function rollupCanServe(filter: Filter, groupBy: readonly GroupKey[], interval: Interval | undefined): boolean {
  if (filter.run !== undefined || excludedValues(filter, 'run').length > 0) return false;
  // The rollups are not keyed by the price source either.
  if (filter.priceSource !== undefined || groupBy.includes('priceSource')) return false;
  if (includedTags(filter).length > 0 || excludedTags(filter).length > 0) return false;
  if (groupBy.includes('run')) return false;
  if (groupBy.some((key) => tagOfGroupKey(key) !== undefined)) return false;
  // The rollups are keyed by status, not by the error.
  if (groupBy.includes('errorType') || groupBy.includes('errorStatus')) return false;
  if (groupBy.includes('bucket') && interval === '1m') return false;
  return true;
}

/** WHERE for the rollup tables over a whole-hour (or, for latency_daily, whole-day) range. */
export function rollupWhere(filter: Filter, range: TimeRange, timeColumn: 'hour_ms' | 'day_ms' = 'hour_ms'): SqlPart {
  const clauses = new Clauses();
  if (range.fromMs !== undefined) clauses.add({ sql: `${timeColumn} >= ?`, params: [range.fromMs] });
  if (range.toMs !== undefined) clauses.add({ sql: `${timeColumn} < ?`, params: [range.toMs] });
  for (const field of ['provider', 'model', 'agent'] as const) {
    const values = includedValues(filter, field);
    // '' stands for "no agent" in the rollups: an agent filter never matches it, and an
    // excluded agent is never '' (an empty agent is stored as none), so exclusion keeps it.
    if (values !== undefined) clauses.add(inList(field, field === 'agent' ? values.filter((v) => v !== '') : values));
    const excluded = excludedValues(filter, field);
    if (excluded.length > 0) clauses.add(inList(field, excluded, true));
  }
  if (filter.status !== undefined) clauses.add({ sql: 'status = ?', params: [filter.status] });
  return clauses.where();
}

/** SQL for bucketStart() (src/units/time.ts): the floor of `column` to `width`, also before 1970. */
export function bucketExpr(column: string, width: number): string {
  return `(${column} - (((${column} % ${width}) + ${width}) % ${width}))`;
}

/**
 * What grouping by tag keys adds to a query over events: one LEFT JOIN of event_tags per tag key
 * (its primary key finds the event's value; no row: `null`), aliased `tg0`, `tg1`... by the
 * key's place in `groupBy`. Params come before the WHERE's.
 */
export function tagJoins(groupBy: readonly GroupKey[]): SqlPart {
  const joins: string[] = [];
  const params: SqlParam[] = [];
  groupBy.forEach((key, i) => {
    const tag = tagOfGroupKey(key);
    if (tag === undefined) return;
    joins.push(`LEFT JOIN event_tags tg${i} ON tg${i}.event_id = events.id AND tg${i}.key = ?`);
    params.push(tag);
  });
  return { sql: joins.join(' '), params };
}

/** Group expressions, one per group key, for the events table (with `tagJoins`) or the rollups. */
export function groupExprs(
  groupBy: readonly GroupKey[],
  interval: Interval | undefined,
  table: 'events' | 'rollup' | 'daily',
): string[] {
  return groupBy.map((key, i) => {
    if (tagOfGroupKey(key) !== undefined) return `tg${i}.value`;
    if (key === 'errorType') return 'error_type';
    if (key === 'priceSource') return 'price_source';
    // As text, like every group value (an HTTP status reads back as "429").
    if (key === 'errorStatus') return 'CAST(error_status AS text)';
    if (key === 'bucket') {
      const column = table === 'events' ? 'time_ms' : table === 'rollup' ? 'hour_ms' : 'day_ms';
      return bucketExpr(column, intervalMs(interval ?? '1h'));
    }
    if (key === 'agent' && table !== 'events') return "NULLIF(agent, '')";
    return key;
  });
}

/** Sums over raw events: [expression, alias]; aliases are PartialSums' fields in lower case. */
const EVENTS_SUMS: readonly (readonly [string, string])[] = [
  ['COUNT(*)', 'calls'],
  ["SUM(CASE WHEN status = 'ok' THEN 1 ELSE 0 END)", 'successes'],
  ['SUM(input_tokens)', 'inputtokens'],
  ['SUM(output_tokens)', 'outputtokens'],
  ['SUM(total_tokens)', 'totaltokens'],
  ['SUM(cache_read_tokens)', 'cachereadtokens'],
  ['SUM(cache_write_tokens)', 'cachewritetokens'],
  ['SUM(reasoning_tokens)', 'reasoningtokens'],
  ['SUM(cost_total_nanos)', 'costnanos'],
  ['SUM(cost_input_nanos)', 'costinputnanos'],
  ['SUM(cost_cache_read_nanos)', 'costcachereadnanos'],
  ['SUM(cost_cache_write_nanos)', 'costcachewritenanos'],
  ['SUM(cost_output_nanos)', 'costoutputnanos'],
  ['SUM(cache_savings_nanos)', 'cachesavingsnanos'],
  ['SUM(provider_cost_nanos)', 'providercostnanos'],
  ['SUM(CASE WHEN cost_total_nanos IS NULL THEN 1 ELSE 0 END)', 'unpricedcalls'],
  ['SUM(estimated)', 'estimatedcalls'],
  [
    'SUM(CASE WHEN input_tokens IS NULL AND output_tokens IS NULL AND total_tokens IS NULL THEN 1 ELSE 0 END)',
    'usageunavailablecalls',
  ],
  ['COUNT(duration_us)', 'durationcount'],
  ['SUM(duration_us)', 'durationsumus'],
  ['COUNT(ttft_us)', 'ttftcount'],
  ['SUM(ttft_us)', 'ttftsumus'],
  ['SUM(CASE WHEN warnings IS NULL THEN 0 ELSE 1 END)', 'warningcalls'],
  [`SUM(CASE WHEN ${COST_MISMATCH_SQL} THEN 1 ELSE 0 END)`, 'costmismatchcalls'],
  [`SUM(CASE WHEN ${COST_MISMATCH_SQL} THEN cost_total_nanos ELSE 0 END)`, 'costmismatchoursnanos'],
  [`SUM(CASE WHEN ${COST_MISMATCH_SQL} THEN provider_cost_nanos ELSE 0 END)`, 'costmismatchprovidernanos'],
];
const EVENTS_EXTREMES: readonly (readonly [string, string])[] = [
  ['MAX(duration_us)', 'durationmaxus'],
  ['MIN(time_ms)', 'mintimems'],
  ['MAX(time_ms)', 'maxtimems'],
];

/**
 * Sums the rollups hold no column for but can still compute, since status is part of their key:
 * [over events, over a rollup table, alias].
 */
const DERIVED_SUMS: readonly (readonly [string, string, string])[] = [
  [
    "SUM(CASE WHEN status <> 'ok' THEN cost_total_nanos ELSE 0 END)",
    "SUM(CASE WHEN status <> 'ok' THEN cost_nanos ELSE 0 END)",
    'failedcostnanos',
  ],
];

/** SELECT list of sums over raw events. */
export const EVENTS_SUMS_SQL = [
  ...EVENTS_SUMS,
  ...EVENTS_EXTREMES,
  ...DERIVED_SUMS.map(([events, , alias]) => [events, alias] as const),
]
  .map(([expr, alias]) => `${expr} AS ${alias}`)
  .join(', ');

const SUM_ALIASES = EVENTS_SUMS.map(([, alias]) => alias);

/** The same sums over rollup_hourly. */
export const ROLLUP_SUMS_SQL = [
  ...ROLLUP_SUM_COLUMNS.map((column, i) => `SUM(${column}) AS ${SUM_ALIASES[i] ?? column}`),
  'MAX(duration_max_us) AS durationmaxus',
  'MIN(min_time_ms) AS mintimems',
  'MAX(max_time_ms) AS maxtimems',
  ...DERIVED_SUMS.map(([, rollup, alias]) => `${rollup} AS ${alias}`),
].join(', ');

/** Rollup columns as inserted: key, sums, then max/min columns. */
export const ROLLUP_INSERT_COLUMNS = [
  'hour_ms',
  'provider',
  'model',
  'agent',
  'status',
  ...ROLLUP_SUM_COLUMNS,
  'duration_max_us',
  'min_time_ms',
  'max_time_ms',
];

/** Rollup columns with the time column of the daily table. */
export const ROLLUP_DAILY_INSERT_COLUMNS = ['day_ms', ...ROLLUP_INSERT_COLUMNS.slice(1)];

/** ON CONFLICT clause that adds a delta into an existing rollup row. */
function rollupUpsertSql(table: string, timeColumn: string): string {
  const extreme = (column: string, op: '<' | '>'): string =>
    `${column} = CASE WHEN ${table}.${column} IS NULL OR excluded.${column} ${op} ${table}.${column} THEN excluded.${column} ELSE ${table}.${column} END`;
  return `ON CONFLICT (${timeColumn}, provider, model, agent, status) DO UPDATE SET ${[
    ...ROLLUP_SUM_COLUMNS.map((c) => `${c} = ${table}.${c} + excluded.${c}`),
    extreme('duration_max_us', '>'),
    extreme('min_time_ms', '<'),
    extreme('max_time_ms', '>'),
  ].join(', ')}`;
}

export const ROLLUP_UPSERT_SQL = rollupUpsertSql('rollup_hourly', 'hour_ms');
export const ROLLUP_DAILY_UPSERT_SQL = rollupUpsertSql('rollup_daily', 'day_ms');

export const LATENCY_UPSERT_SQL =
  'ON CONFLICT (hour_ms, provider, model, agent, status, metric, bin) DO UPDATE SET n = latency_hourly.n + excluded.n';

export const LATENCY_DAILY_UPSERT_SQL =
  'ON CONFLICT (day_ms, provider, model, agent, status, metric, bin) DO UPDATE SET n = latency_daily.n + excluded.n';

export function latencyFromEventsSql(where: string, timeExpr: string, groupByTime: boolean, source = 'events'): string {
  const timeGroup = groupByTime ? `${timeExpr.replace(/ AS \w+$/, '')}, ` : '';
  return ['duration', 'ttft']
    .map(
      (
        metric,
        i,
      ) => `SELECT ${timeExpr}, provider, model, COALESCE(agent, '') AS agent, status, ${i} AS metric, ${metric}_bin AS bin, COUNT(*) AS n
FROM ${source} WHERE ${where} ${metric}_bin IS NOT NULL GROUP BY ${timeGroup}provider, model, COALESCE(agent, ''), status, ${metric}_bin`,
    )
    .join('\nUNION ALL\n');
}

/** Rebuilds every rollup from the raw events (repair, bulk loads). */
export function rebuildAllRollupsSql(): string[] {
  const hour = bucketExpr('time_ms', HOUR_MS);
  const day = bucketExpr('time_ms', DAY_MS);
  return [
    'DELETE FROM rollup_hourly',
    'DELETE FROM rollup_daily',
    'DELETE FROM latency_hourly',
    'DELETE FROM latency_daily',
    `INSERT INTO rollup_hourly (${ROLLUP_INSERT_COLUMNS.join(', ')})
SELECT ${hour}, provider, model, COALESCE(agent, ''), status, ${sumsSelectForInsert()}
FROM events GROUP BY ${hour}, provider, model, COALESCE(agent, ''), status`,
    `INSERT INTO rollup_daily (${ROLLUP_DAILY_INSERT_COLUMNS.join(', ')})
SELECT ${day}, provider, model, COALESCE(agent, ''), status, ${sumsSelectForInsert()}
FROM events GROUP BY ${day}, provider, model, COALESCE(agent, ''), status`,
    `INSERT INTO latency_hourly (hour_ms, provider, model, agent, status, metric, bin, n) ${latencyFromEventsSql('', `${hour} AS hour_ms`, true)}`,
    `INSERT INTO latency_daily (day_ms, provider, model, agent, status, metric, bin, n) ${latencyFromEventsSql('', `${day} AS day_ms`, true)}`,
  ];
}

/**
 * The rollup sum columns computed from event rows (for INSERT ... SELECT); `failedCost`: with
 * the failed calls' cost after them (rollup_run's column; the other rollups derive it from status).
 */
export function sumsSelectForInsert(options: { failedCost?: boolean } = {}): string {
  const failed = DERIVED_SUMS.map(([expr]) => `COALESCE(${expr}, 0)`);
  return [
    ...EVENTS_SUMS.map(([expr]) => `COALESCE(${expr}, 0)`),
    ...(options.failedCost === true ? failed : []),
    ...EVENTS_EXTREMES.map(([expr]) => expr),
  ].join(', ');
}

/**
 * Rebuilds the rollup rows of one key from the raw events (used after a delete, since max/min
 * cannot be decremented). Params: `keyParams` = [start, provider, model, agent ('' = none),
 * status]; `rawParams` = [start, end, provider, model, agent, status]. insertRollup takes
 * [start, ...rawParams]; the latency inserts take [start, ...rawParams, start, ...rawParams].
 */
export function rebuildRollupSql(): {
  deleteRollup: string;
  deleteLatency: string;
  deleteDaily: string;
  deleteDailyRollup: string;
  insertRollup: string;
  insertDailyRollup: string;
  insertLatency: string;
  insertDaily: string;
} {
  const keyWhere = (column: string): string =>
    `${column} = ? AND provider = ? AND model = ? AND agent = ? AND status = ?`;
  const rawWhere =
    "time_ms >= ? AND time_ms < ? AND provider = ? AND model = ? AND COALESCE(agent, '') = ? AND status = ?";
  return {
    deleteRollup: `DELETE FROM rollup_hourly WHERE ${keyWhere('hour_ms')}`,
    deleteLatency: `DELETE FROM latency_hourly WHERE ${keyWhere('hour_ms')}`,
    deleteDaily: `DELETE FROM latency_daily WHERE ${keyWhere('day_ms')}`,
    deleteDailyRollup: `DELETE FROM rollup_daily WHERE ${keyWhere('day_ms')}`,
    insertDailyRollup: `INSERT INTO rollup_daily (${ROLLUP_DAILY_INSERT_COLUMNS.join(', ')})
SELECT CAST(? AS bigint) AS day_ms, provider, model, COALESCE(agent, '') AS agent, status, ${sumsSelectForInsert()}
FROM events WHERE ${rawWhere} GROUP BY provider, model, COALESCE(agent, ''), status`,
    insertRollup: `INSERT INTO rollup_hourly (${ROLLUP_INSERT_COLUMNS.join(', ')})
SELECT CAST(? AS bigint) AS hour_ms, provider, model, COALESCE(agent, '') AS agent, status, ${sumsSelectForInsert()}
FROM events WHERE ${rawWhere} GROUP BY provider, model, COALESCE(agent, ''), status`,
    insertLatency: `INSERT INTO latency_hourly (hour_ms, provider, model, agent, status, metric, bin, n)
${latencyFromEventsSql(`${rawWhere} AND`, 'CAST(? AS bigint) AS hour_ms', false)}`,
    insertDaily: `INSERT INTO latency_daily (day_ms, provider, model, agent, status, metric, bin, n)
${latencyFromEventsSql(`${rawWhere} AND`, 'CAST(? AS bigint) AS day_ms', false)}`,
  };
}

/**
 * The SQL of one `events()` page in its order (call-order.ts spelled in SQL): the filter, the
 * cursor's position as a keyset condition, and one row more than the limit so the caller knows
 * whether a next page exists.
 */
export function eventsPageSql(
  query: { filter: Filter; cursor?: string; orderBy?: CallOrder },
  limit: number,
  dialect: 'sqlite' | 'postgres',
): SqlPart {
  const order = checkCallOrder(query.orderBy);
  const where = eventsWhere(query.filter, { fromMs: query.filter.from?.getTime(), toMs: query.filter.to?.getTime() });
  const clauses = where.sql === '' ? [] : [where.sql.slice('WHERE '.length)];
  const params: SqlParam[] = [...where.params];
  if (query.cursor !== undefined) {
    const after = afterPositionSql(order, decodeCursor(query.cursor, order));
    clauses.push(after.sql);
    params.push(...after.params);
  }
  params.push(limit + 1);
  const column = order === 'time' ? undefined : CALL_ORDER_COLUMNS[order];
  // Rows without a value last: SQLite sorts NULL below every value (last when descending),
  // PostgreSQL above, so it says NULLS LAST. Spelled so, the order is the one of the
  // events_by_* indexes (schema version 15) and a page is an index range, not a sort.
  const orderBy = [
    ...(column === undefined ? [] : [`${column} DESC${dialect === 'postgres' ? ' NULLS LAST' : ''}`]),
    'time_ms DESC',
    'id DESC',
  ].join(', ');
  return {
    sql: `SELECT * FROM events ${clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`} ORDER BY ${orderBy} LIMIT ?`,
    params,
  };
}

/** The rows after a position: a smaller value (or none), else the same value and older, else the same time and a smaller id. */
function afterPositionSql(order: CallOrder, position: CallPosition): SqlPart {
  // `t <= T AND (t < T OR id < I)`, the same rows as `t < T OR (t = T AND id < I)`, but with a
  // bound an index on time can seek to: the OR form scans from the newest row on every page, so
  // walking a million events page by page (re-pricing, exports) went quadratic.
  const older: SqlPart = {
    sql: '(time_ms <= ? AND (time_ms < ? OR id < ?))',
    params: [position.timeMs, position.timeMs, position.id],
  };
  if (order === 'time') return older;
  const column = CALL_ORDER_COLUMNS[order];
  if (position.value === null || position.value === undefined)
    return { sql: `(${column} IS NULL AND ${older.sql})`, params: older.params };
  return {
    sql: `(${column} IS NULL OR ${column} < ? OR (${column} = ? AND ${older.sql}))`,
    params: [position.value, position.value, ...older.params],
  };
}

/** Most trace ids one `traceSpans` call may ask for (one placeholder each). */
export const MAX_TRACE_IDS = 1000;

/** The events of a set of traces (Store.traceSpans), on the `events_trace` index. */
export function traceSpansSql(traceIds: readonly string[]): SqlPart {
  if (traceIds.length > MAX_TRACE_IDS) throw new RangeError(`traceSpans: at most ${MAX_TRACE_IDS} trace ids a call`);
  return {
    sql: `SELECT id, trace_id, span_id FROM events WHERE trace_id IN (${traceIds.map(() => '?').join(', ')}) AND span_id IS NOT NULL`,
    params: [...traceIds],
  };
}

/** Driver rows of `traceSpansSql` -> TraceSpanRow. */
export function traceSpanRows(rows: readonly Record<string, unknown>[]): TraceSpanRow[] {
  return rows.map((row) => ({
    id: String(row['id']),
    traceId: String(row['trace_id']),
    spanId: String(row['span_id']),
  }));
}
