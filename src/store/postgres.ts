/**
 * The PostgreSQL store: a `pg` pool, for many processes and machines writing one ledger.
 *
 * Each insert() is one statement, so one round trip and one transaction: a multi-row INSERT
 * (unnest of column arrays) with ON CONFLICT (id) DO NOTHING, whose new rows feed the rollup
 * upserts (hourly, daily, latency bins, the run's row) in the same statement. Rows and rollup keys are written in sorted order so concurrent
 * writers lock in the same order; a deadlock or serialization failure is retried. insert()
 * resolves after the commit, which with PostgreSQL's default `synchronous_commit=on` means the
 * events are on disk.
 *
 * `?schema=NAME` in the URL puts every table in that schema (created if missing) via the
 * connection's `search_path`, so tests and tenants can share one database.
 *
 * @module
 */
import type pg from 'pg';
import { StoreError, TokenledgerError, redactSecrets } from '../errors/index.js';
import type { Filter, PriceDataEntry, PriceDataRecord, PriceDataState, UsageEvent } from '../types/index.js';
import { checkCallOrder } from './call-order.js';
import { checkLimit, toEventPage } from './cursor.js';
import {
  latencyCutColumns,
  latencyCutsFromSql,
  latencyCutUpsertSql,
  rebuildAllLatencyCutsSql,
  recomputeLatencyCuts,
} from './latency-cuts.js';
import { DEFAULT_EXACT_PERCENTILE_LIMIT } from './latency-histogram.js';
import { migrations, SCHEMA_MIGRATIONS_DDL } from './migrations/schema.js';
import { inSchemaSetup, openPostgresPool, postgresTarget } from './postgres-connection.js';
import { bucketStart, DAY_MS, HOUR_MS } from '../units/index.js';
import {
  DEAD_LETTERS_COUNT_SQL,
  DEAD_LETTERS_PAGE_SQL,
  deadLetterFromDriver,
  deadLetterPage,
  deadLetterRow,
} from './dead-letters.js';
import { addPriceDataSql, priceDataStateSql, priceDataTextSql } from './price-data.js';
import {
  COST_COLUMN_NAMES,
  EVENT_COLUMNS,
  eventToRow,
  JSON_COLUMNS,
  rowFromDriver,
  rowToEvent,
  rowValues,
  TEXT_COLUMNS,
  type EventColumn,
  type EventRow,
} from './row.js';
import { aggregateSql } from './sql-aggregate.js';
import { rankSql } from './sql-rank.js';
import { rebuildTagIndexSql } from './tag-rows.js';
import {
  rebuildAllRunsSql,
  rebuildRunsSql,
  RUN_ROLLUP_INSERT_COLUMNS,
  RUN_ROLLUP_SUM_COLUMNS,
  RUN_ROLLUP_UPSERT_SQL,
  runCorrections,
  runKey,
  runRollupSelectSql,
} from './run-rollup.js';
import {
  PRICE_HISTORY_COLUMNS,
  PRICE_HISTORY_SQL,
  priceHistoryFromDriver,
  priceHistoryValues,
  repricedRow,
  rollupCorrections,
} from './reprice-rows.js';
import { ROLLUP_SUM_COLUMNS } from './migrations/schema.js';
import {
  bucketExpr,
  eventsPageSql,
  eventsWhere,
  LATENCY_DAILY_UPSERT_SQL,
  LATENCY_UPSERT_SQL,
  latencyFromEventsSql,
  numberPlaceholders,
  rebuildAllRollupsSql,
  rebuildRollupSql,
  ROLLUP_INSERT_COLUMNS,
  ROLLUP_DAILY_INSERT_COLUMNS,
  ROLLUP_DAILY_UPSERT_SQL,
  ROLLUP_UPSERT_SQL,
  sumsSelectForInsert,
  traceSpanRows,
  traceSpansSql,
  type SqlParam,
  type SqlReader,
} from './sql-query.js';
import type {
  AggregateQuery,
  AggregateRow,
  RankPage,
  RankQuery,
  DeadLetter,
  DeadLetterQuery,
  EventPage,
  EventPageQuery,
  EventReprice,
  PriceHistoryEntry,
  Store,
  TraceSpanRow,
} from './store.js';

export interface PostgresStoreOptions {
  /** `postgres://user:pass@host:port/db?schema=NAME`. */
  url: string;
  /**
   * Pool size.
   * @default 10
   */
  poolSize?: number;
  /**
   * How long to wait for a connection (to connect, or for a pooled one to be free) before failing.
   * @default 5_000
   */
  connectTimeoutMs?: number;
  /**
   * Server side (`statement_timeout`): a statement running longer is cancelled (a retryable
   * StoreError). Migrations and rebuildRollups() run without it.
   * @default 30_000
   */
  statementTimeoutMs?: number;
  /**
   * Server side (`idle_in_transaction_session_timeout`): a session idle inside a transaction for
   * longer (a client gone mid-transaction) is ended, releasing its locks.
   * @default 30_000
   */
  idleInTransactionTimeoutMs?: number;
  /**
   * Client side: a query with no answer at all for this long (a database gone silent: no reset,
   * no error) fails as a retryable StoreError and its connection is dropped. Above
   * `statementTimeoutMs`, so a slow statement is the server's to cancel.
   * @default statementTimeoutMs + 5_000
   */
  queryTimeoutMs?: number;
  /**
   * Above this many latency values in one query, percentiles come from the log histogram.
   * @default 50_000
   */
  exactPercentileLimit?: number;
}

const INT_COLUMNS = new Set<EventColumn>(['duration_bin', 'ttft_bin', 'error_status', 'attempts', 'estimated']);

function arrayType(column: EventColumn): string {
  if (TEXT_COLUMNS.has(column) || JSON_COLUMNS.has(column)) return 'text[]';
  return INT_COLUMNS.has(column) ? 'integer[]' : 'bigint[]';
}

const HOUR_EXPR = bucketExpr('time_ms', HOUR_MS);
const DAY_EXPR = bucketExpr('time_ms', DAY_MS);

/**
 * One statement (so one round trip and an implicit transaction): insert the events, then add
 * what the newly inserted ones (`ins`, duplicates excluded) contribute to the tag index (text
 * values, as tag-rows.ts takes them) and to every rollup. Rollup
 * rows are written in key order so concurrent writers lock them in the same order.
 */
const INSERT_SQL = `WITH ins AS (
INSERT INTO events (${EVENT_COLUMNS.join(', ')})
SELECT ${EVENT_COLUMNS.map((c) => (JSON_COLUMNS.has(c) ? `${c}::jsonb` : c)).join(', ')}
FROM unnest(${EVENT_COLUMNS.map((c, i) => `$${i + 1}::${arrayType(c)}`).join(', ')}) AS t(${EVENT_COLUMNS.join(', ')})
ORDER BY id
ON CONFLICT (id) DO NOTHING RETURNING *),
tg AS (INSERT INTO event_tags (event_id, key, value, event_time_ms)
SELECT ins.id, t.key, t.value #>> '{}', ins.time_ms FROM ins, jsonb_each(ins.tags) t
WHERE jsonb_typeof(t.value) = 'string' ORDER BY 1, 2),
rh AS (INSERT INTO rollup_hourly (${ROLLUP_INSERT_COLUMNS.join(', ')})
SELECT ${HOUR_EXPR}, provider, model, COALESCE(agent, ''), status, ${sumsSelectForInsert()}
FROM ins GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5 ${ROLLUP_UPSERT_SQL}),
rd AS (INSERT INTO rollup_daily (${ROLLUP_DAILY_INSERT_COLUMNS.join(', ')})
SELECT ${DAY_EXPR}, provider, model, COALESCE(agent, ''), status, ${sumsSelectForInsert()}
FROM ins GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5 ${ROLLUP_DAILY_UPSERT_SQL}),
bh AS (${latencyFromEventsSql('', `${HOUR_EXPR} AS hour_ms`, true, 'ins')}),
bd AS (${latencyFromEventsSql('', `${DAY_EXPR} AS day_ms`, true, 'ins')}),
lh AS (INSERT INTO latency_hourly (hour_ms, provider, model, agent, status, metric, bin, n)
SELECT * FROM bh ORDER BY 1, 2, 3, 4, 5, 6, 7 ${LATENCY_UPSERT_SQL}),
ld AS (INSERT INTO latency_daily (day_ms, provider, model, agent, status, metric, bin, n)
SELECT * FROM bd ORDER BY 1, 2, 3, 4, 5, 6, 7 ${LATENCY_DAILY_UPSERT_SQL}),
ch AS (INSERT INTO latency_cut_hourly (${latencyCutColumns('hour_ms').join(', ')})
SELECT * FROM (${latencyCutsFromSql('postgres', 'bh', 'hour_ms')}) AS c ORDER BY 1, 2, 3, 4, 5, 6 ${latencyCutUpsertSql('latency_cut_hourly')}),
cd AS (INSERT INTO latency_cut_daily (${latencyCutColumns('day_ms').join(', ')})
SELECT * FROM (${latencyCutsFromSql('postgres', 'bd', 'day_ms')}) AS c ORDER BY 1, 2, 3, 4, 5, 6 ${latencyCutUpsertSql('latency_cut_daily')}),
rr AS (INSERT INTO rollup_run (${RUN_ROLLUP_INSERT_COLUMNS.join(', ')})
SELECT ${runRollupSelectSql()} FROM ins GROUP BY run ORDER BY 1, 2 ${RUN_ROLLUP_UPSERT_SQL})
SELECT COUNT(*) AS added FROM ins`;

/** Re-priced rows' new cost columns, from arrays (one statement per batch, however large). */
const REPRICE_SQL = `UPDATE events e SET ${COST_COLUMN_NAMES.map((c) => `${c} = t.${c}`).join(', ')}, cost_unavailable_reason = NULL, price_source = t.price_source, priced_at_ms = t.priced_at_ms
FROM unnest($1::text[], ${COST_COLUMN_NAMES.map((_, i) => `$${i + 2}::bigint[]`).join(', ')}, $${COST_COLUMN_NAMES.length + 2}::text[], $${COST_COLUMN_NAMES.length + 3}::bigint[])
AS t(id, ${COST_COLUMN_NAMES.join(', ')}, price_source, priced_at_ms) WHERE e.id = t.id`;

/** Run rollup corrections, from arrays: the key, then each sum's difference. */
const CORRECT_RUNS_SQL = `UPDATE rollup_run r SET ${RUN_ROLLUP_SUM_COLUMNS.map((c) => `${c} = r.${c} + t.${c}`).join(', ')}
FROM unnest($1::smallint[], $2::text[], ${RUN_ROLLUP_SUM_COLUMNS.map((_, i) => `$${i + 3}::bigint[]`).join(', ')}) AS t(no_run, run, ${RUN_ROLLUP_SUM_COLUMNS.join(', ')})
WHERE r.no_run = t.no_run AND r.run = t.run`;

const HISTORY_TYPES: Record<(typeof PRICE_HISTORY_COLUMNS)[number], string> = {
  event_id: 'text[]',
  repriced_at_ms: 'bigint[]',
  cost_input_nanos: 'bigint[]',
  cost_cache_read_nanos: 'bigint[]',
  cost_cache_write_nanos: 'bigint[]',
  cost_output_nanos: 'bigint[]',
  cost_total_nanos: 'bigint[]',
  cache_savings_nanos: 'bigint[]',
  cost_unavailable_reason: 'text[]',
  price_source: 'text[]',
  priced_at_ms: 'bigint[]',
  new_price_source: 'text[]',
};

const PRICE_HISTORY_INSERT_SQL = `INSERT INTO price_history (${PRICE_HISTORY_COLUMNS.join(', ')})
SELECT * FROM unnest(${PRICE_HISTORY_COLUMNS.map((c, i) => `$${i + 1}::${HISTORY_TYPES[c]}`).join(', ')})`;

/** Rollup corrections of one table, from arrays: key columns, then each sum's difference. */
function correctRollupsSql(table: 'rollup_hourly' | 'rollup_daily'): string {
  const time = table === 'rollup_hourly' ? 'hour_ms' : 'day_ms';
  const keys = [time, 'provider', 'model', 'agent', 'status'];
  const types = ['bigint[]', 'text[]', 'text[]', 'text[]', 'text[]', ...ROLLUP_SUM_COLUMNS.map(() => 'bigint[]')];
  return `UPDATE ${table} r SET ${ROLLUP_SUM_COLUMNS.map((c) => `${c} = r.${c} + t.${c}`).join(', ')}
FROM unnest(${types.map((type, i) => `$${i + 1}::${type}`).join(', ')}) AS t(${[...keys, ...ROLLUP_SUM_COLUMNS].join(', ')})
WHERE ${keys.map((k) => `r.${k} = t.${k}`).join(' AND ')}`;
}

/** Transposes rows into one array per column (for unnest). */
function columns(rows: readonly (readonly SqlParam[])[], width: number): SqlParam[][] {
  const out: SqlParam[][] = Array.from({ length: width }, () => []);
  for (const row of rows) for (let i = 0; i < width; i++) out[i]?.push(row[i] ?? null);
  return out;
}

function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const RETRY_CODES = new Set(['40P01', '40001']);
/** query_canceled: what statement_timeout raises; the same statement may pass when the database is less busy. */
const CANCELED = '57014';
/** For the statements that may run long by design (rebuildRollups): no client-side timeout. */
const UNBOUNDED_MS = 2 ** 31 - 1;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
export const DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 30_000;
/**
 * SQLSTATE classes of errors caused by the data written, not by the connection: 22 data
 * exception (a NUL or invalid UTF-8 in text, a number out of range, a malformed value), 23
 * integrity constraint violation (CHECK, NOT NULL...), 54 program limit exceeded (a value too
 * large to index). https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const CONTENT_CLASSES = ['22', '23', '54'];

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly where: string;
  private readonly secrets: string[];
  private readonly exactLimit: number;
  private readonly reader: SqlReader;

  private constructor(pool: pg.Pool, where: string, secrets: string[], exactLimit: number) {
    this.pool = pool;
    this.where = where;
    this.secrets = secrets;
    this.exactLimit = exactLimit;
    this.reader = {
      dialect: 'postgres',
      all: async (sql, params) =>
        (await this.pool.query(numberPlaceholders(sql), [...params])).rows as Record<string, unknown>[],
    };
  }

  /** Connects, creates the schema if asked, and migrates. Throws StoreError naming host:port if unreachable. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const target = postgresTarget(options.url, 'store URL');
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    const pool = openPostgresPool(target, {
      poolSize: options.poolSize ?? 10,
      connectTimeoutMs,
      queryTimeoutMs: options.queryTimeoutMs ?? statementTimeoutMs + 5_000,
      settings: {
        statement_timeout: statementTimeoutMs,
        idle_in_transaction_session_timeout:
          options.idleInTransactionTimeoutMs ?? DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      },
    });
    const store = new PostgresStore(
      pool,
      target.where,
      target.secrets,
      options.exactPercentileLimit ?? DEFAULT_EXACT_PERCENTILE_LIMIT,
    );
    // Migrations over a large ledger may take minutes: their own connection, without timeouts.
    const setup = openPostgresPool(target, { poolSize: 1, connectTimeoutMs });
    try {
      // Two processes opening at once: the second waits for the lock, then sees the versions applied.
      await inSchemaSetup(setup, target.schema, (client) => migrate(client));
      // The pool's first connection, with its timeouts, before open() resolves: an unreachable store fails here.
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw store.toStoreError(error, 'open');
    } finally {
      await setup.end().catch(() => undefined);
    }
    return store;
  }

  private toStoreError(error: unknown, doing: string): StoreError {
    if (error instanceof StoreError) return error;
    if (TokenledgerError.isInstance(error)) throw error;
    const code = pgCode(error) ?? '';
    const detail = redactSecrets(error instanceof Error ? error.message : String(error), this.secrets);
    const network =
      ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(code) ||
      /timeout|terminated|connect/i.test(detail);
    if (network && doing === 'open') {
      return new StoreError(`cannot reach PostgreSQL at ${this.where}: ${detail}`, { retryable: true });
    }
    const retryable =
      network || code.startsWith('08') || code.startsWith('57P') || code === CANCELED || RETRY_CODES.has(code);
    if (!retryable && CONTENT_CLASSES.some((prefix) => code.startsWith(prefix))) {
      return new StoreError(`PostgreSQL ${doing} refused the data (${this.where}): ${detail} [${code}]`, {
        contentRejected: true,
      });
    }
    return new StoreError(`PostgreSQL ${doing} failed (${this.where}): ${detail}`, { retryable });
  }

  /** Runs fn in a transaction, retrying deadlocks and serialization failures. */
  private async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>, doing: string): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient | undefined;
      let failed = false;
      try {
        client = await this.pool.connect();
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        failed = true;
        await client?.query('ROLLBACK').catch(() => undefined);
        if (attempt < 5 && RETRY_CODES.has(pgCode(error) ?? '')) continue;
        throw this.toStoreError(error, doing);
      } finally {
        // After a failure (a timeout leaves the connection mid-query) the connection is dropped, not reused.
        client?.release(failed);
      }
    }
  }

  async insert(events: readonly UsageEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const byId = new Map(events.map((event) => [event.id, eventToRow(event)]));
    const rows = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const params = columns(rows.map(rowValues), EVENT_COLUMNS.length);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.pool.query<{ added: string }>(INSERT_SQL, params);
        return Number(result.rows[0]?.added ?? 0);
      } catch (error) {
        if (attempt < 5 && RETRY_CODES.has(pgCode(error) ?? '')) continue;
        throw this.toStoreError(error, 'insert');
      }
    }
  }

  async insertDeadLetters(letters: readonly DeadLetter[]): Promise<number> {
    if (letters.length === 0) return 0;
    const params = columns(letters.map(deadLetterRow), 4);
    try {
      const result = await this.pool.query(
        'INSERT INTO dead_letters (id, dead_at_ms, reason, event) SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) ON CONFLICT (id) DO NOTHING',
        params,
      );
      return result.rowCount ?? 0;
    } catch (error) {
      throw this.toStoreError(error, 'insert dead letters');
    }
  }

  async deadLetters(query: DeadLetterQuery): Promise<DeadLetter[]> {
    const page = deadLetterPage(query);
    try {
      return (await this.reader.all(DEAD_LETTERS_PAGE_SQL, page)).map(deadLetterFromDriver);
    } catch (error) {
      throw this.toStoreError(error, 'read dead letters');
    }
  }

  async addPriceData(entry: PriceDataEntry): Promise<PriceDataRecord> {
    try {
      return await addPriceDataSql(this.reader, (sql) => this.pool.query(sql), entry);
    } catch (error) {
      throw this.toStoreError(error, 'add price data');
    }
  }

  async priceDataState(): Promise<PriceDataState> {
    try {
      return await priceDataStateSql(this.reader);
    } catch (error) {
      throw this.toStoreError(error, 'read price data');
    }
  }

  async priceDataText(id: number): Promise<string | undefined> {
    try {
      return await priceDataTextSql(this.reader, id);
    } catch (error) {
      throw this.toStoreError(error, 'read price data');
    }
  }

  async countDeadLetters(): Promise<number> {
    try {
      return Number((await this.reader.all(DEAD_LETTERS_COUNT_SQL, []))[0]?.['n'] ?? 0);
    } catch (error) {
      throw this.toStoreError(error, 'count dead letters');
    }
  }

  async aggregate(query: AggregateQuery): Promise<AggregateRow[]> {
    try {
      return await aggregateSql(this.reader, query, this.exactLimit);
    } catch (error) {
      if (TokenledgerError.isInstance(error)) throw error;
      throw this.toStoreError(error, 'aggregate');
    }
  }

  async rank(query: RankQuery): Promise<RankPage> {
    try {
      return await rankSql(this.reader, query);
    } catch (error) {
      if (TokenledgerError.isInstance(error)) throw error;
      throw this.toStoreError(error, 'rank');
    }
  }

  async events(query: EventPageQuery): Promise<EventPage> {
    const limit = checkLimit(query.limit);
    const { sql, params } = eventsPageSql(query, limit, 'postgres');
    let raw: Record<string, unknown>[];
    try {
      raw = await this.reader.all(sql, params);
    } catch (error) {
      if (TokenledgerError.isInstance(error)) throw error;
      throw this.toStoreError(error, 'events');
    }
    return toEventPage(raw.map(rowFromDriver), limit, checkCallOrder(query.orderBy));
  }

  async event(id: string): Promise<UsageEvent | undefined> {
    let row: Record<string, unknown> | undefined;
    try {
      [row] = await this.reader.all('SELECT * FROM events WHERE id = ?', [id]);
    } catch (error) {
      throw this.toStoreError(error, 'event');
    }
    return row === undefined ? undefined : rowToEvent(rowFromDriver(row));
  }

  async traceSpans(traceIds: readonly string[]): Promise<TraceSpanRow[]> {
    if (traceIds.length === 0) return [];
    const { sql, params } = traceSpansSql(traceIds);
    try {
      return traceSpanRows(await this.reader.all(sql, params));
    } catch (error) {
      if (TokenledgerError.isInstance(error)) throw error;
      throw this.toStoreError(error, 'traceSpans');
    }
  }

  async delete(filter: Filter): Promise<number> {
    const where = eventsWhere(filter, { fromMs: filter.from?.getTime(), toMs: filter.to?.getTime() });
    const rebuild = rebuildRollupSql();
    const keysSql = `SELECT DISTINCT ${HOUR_EXPR} AS hour_ms, provider, model, COALESCE(agent, '') AS agent, status FROM events ${where.sql}`;
    const runsSql = `SELECT DISTINCT run FROM events ${where.sql}`;
    const runs = rebuildRunsSql('postgres');
    return this.transaction(async (client) => {
      const keys = (
        await client.query<{ hour_ms: string; provider: string; model: string; agent: string; status: string }>(
          numberPlaceholders(keysSql),
          where.params,
        )
      ).rows;
      // The runs it touches: their rows are recomputed from the events left.
      const touched = (await client.query<{ run: string | null }>(numberPlaceholders(runsSql), where.params)).rows.map(
        (row) => row.run,
      );
      const named = JSON.stringify(touched.filter((name): name is string => name !== null).sort());
      const noRun = touched.includes(null);
      await client.query(numberPlaceholders(runs.clear), [named]);
      if (noRun) await client.query(runs.clearNoRun);
      const removed =
        (await client.query(numberPlaceholders(`DELETE FROM events ${where.sql}`), where.params)).rowCount ?? 0;
      await client.query(numberPlaceholders(runs.fill), [named]);
      if (noRun) await client.query(runs.fillNoRun);
      keys.sort(
        (a, b) =>
          Number(a.hour_ms) - Number(b.hour_ms) ||
          (a.provider + a.model + a.agent + a.status).localeCompare(b.provider + b.model + b.agent + b.status),
      );
      const days = new Map<string, [number, string, string, string, string]>();
      for (const key of keys) {
        const hour = Number(key.hour_ms);
        const keyParams = [hour, key.provider, key.model, key.agent, key.status];
        const rawParams = [hour, hour + HOUR_MS, key.provider, key.model, key.agent, key.status];
        await client.query(numberPlaceholders(rebuild.deleteRollup), keyParams);
        await client.query(numberPlaceholders(rebuild.deleteLatency), keyParams);
        await client.query(numberPlaceholders(rebuild.insertRollup), [hour, ...rawParams]);
        await client.query(numberPlaceholders(rebuild.insertLatency), [hour, ...rawParams, hour, ...rawParams]);
        const day: [number, string, string, string, string] = [
          bucketStart(hour, DAY_MS),
          key.provider,
          key.model,
          key.agent,
          key.status,
        ];
        days.set(JSON.stringify(day), day);
      }
      for (const [day, provider, model, agent, status] of days.values()) {
        const rawParams = [day, day + DAY_MS, provider, model, agent, status];
        await client.query(numberPlaceholders(rebuild.deleteDaily), [day, provider, model, agent, status]);
        await client.query(numberPlaceholders(rebuild.insertDaily), [day, ...rawParams, day, ...rawParams]);
        await client.query(numberPlaceholders(rebuild.deleteDailyRollup), [day, provider, model, agent, status]);
        await client.query(numberPlaceholders(rebuild.insertDailyRollup), [day, ...rawParams]);
      }
      const hours = keys.map((key) => Number(key.hour_ms));
      for (const { sql, params } of recomputeLatencyCuts(
        'postgres',
        hours,
        [...days.values()].map(([day]) => day),
      ))
        await client.query(numberPlaceholders(sql), params);
      return removed;
    }, 'delete');
  }

  async reprice(changes: readonly EventReprice[]): Promise<number> {
    if (changes.length === 0) return 0;
    const byId = new Map(changes.map((change) => [change.id, change]));
    const ids = [...byId.keys()].sort();
    return this.transaction(async (client) => {
      // Locked in id order, as inserts take them, so two re-pricings (or a delete) wait, not deadlock.
      const raw = (await client.query('SELECT * FROM events WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [ids]))
        .rows as Record<string, unknown>[];
      const olds: EventRow[] = [];
      const news: EventRow[] = [];
      for (const found of raw) {
        const old = rowFromDriver(found);
        const change = byId.get(old.id);
        const row = change === undefined ? undefined : repricedRow(old, change);
        if (row === undefined) continue;
        olds.push(old);
        news.push(row);
      }
      if (news.length === 0) return 0;
      const now = Date.now();
      await client.query(REPRICE_SQL, [
        news.map((row) => row.id),
        ...COST_COLUMN_NAMES.map((column) => news.map((row) => row[column])),
        news.map((row) => row.price_source),
        news.map((row) => row.priced_at_ms),
      ]);
      await client.query(
        PRICE_HISTORY_INSERT_SQL,
        columns(
          olds.map((old, i) => priceHistoryValues(old, news[i] ?? old, now)),
          PRICE_HISTORY_COLUMNS.length,
        ),
      );
      const corrections = rollupCorrections(olds, news);
      for (const table of ['rollup_hourly', 'rollup_daily'] as const) {
        const mine = corrections.filter((correction) => correction.table === table);
        if (mine.length === 0) continue;
        await client.query(
          correctRollupsSql(table),
          columns(
            mine.map((correction) => [...correction.key, ...correction.differences]),
            5 + ROLLUP_SUM_COLUMNS.length,
          ),
        );
      }
      const runs = runCorrections(olds, news);
      if (runs.length > 0)
        await client.query(
          CORRECT_RUNS_SQL,
          columns(
            runs.map((correction) => [...runKey(correction.run), ...correction.differences]),
            2 + RUN_ROLLUP_SUM_COLUMNS.length,
          ),
        );
      return news.length;
    }, 'reprice');
  }

  async priceHistory(eventId: string): Promise<PriceHistoryEntry[]> {
    try {
      return (await this.reader.all(PRICE_HISTORY_SQL, [eventId])).map(priceHistoryFromDriver);
    } catch (error) {
      throw this.toStoreError(error, 'read price history');
    }
  }

  /** Recomputes every rollup, and the tag index, from the raw events (after a bulk load or to repair). */
  async rebuildRollups(): Promise<void> {
    await this.transaction(async (client) => {
      // Over every event by design: no statement or client timeout.
      const run = (text: string) => client.query({ text, query_timeout: UNBOUNDED_MS } as pg.QueryConfig);
      await run('SET LOCAL statement_timeout = 0');
      await run(
        'LOCK TABLE rollup_hourly, rollup_daily, latency_hourly, latency_daily, latency_cut_hourly, latency_cut_daily, rollup_run, event_tags IN EXCLUSIVE MODE',
      );
      for (const sql of [
        ...rebuildAllRollupsSql(),
        // From the full latency rows just written: the cuts are their sums.
        ...rebuildAllLatencyCutsSql('postgres'),
        ...rebuildAllRunsSql(),
        ...rebuildTagIndexSql('postgres'),
      ])
        await run(sql);
    }, 'rebuild rollups');
  }

  async ping(): Promise<void> {
    try {
      await this.pool.query('SELECT 1');
    } catch (error) {
      throw this.toStoreError(error, 'ping');
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Applies every migration this database has not seen, in order. */
async function migrate(client: pg.PoolClient): Promise<void> {
  await client.query(SCHEMA_MIGRATIONS_DDL('postgres'));
  const applied = new Set(
    (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
  );
  for (const migration of migrations('postgres')) {
    if (applied.has(migration.version)) continue;
    for (const statement of migration.statements) await client.query(statement);
    await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
      migration.version,
      migration.name,
    ]);
  }
}
