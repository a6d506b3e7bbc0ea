/**
 * The SQLite store (the default): better-sqlite3, one file, WAL.
 *
 * Durability: `journal_mode=WAL` + `synchronous=NORMAL`. A committed transaction is in the WAL
 * before insert() resolves, so it survives the process being killed (kill -9); only an OS crash
 * or power loss can drop the last transactions, which needs `synchronous=FULL`
 * (https://www.sqlite.org/pragma.html#pragma_synchronous). Several processes may write one
 * file: each write takes the write lock up front (BEGIN IMMEDIATE) and waits up to
 * `busyTimeoutMs` for it instead of failing.
 *
 * Rollups of a small insert are deferred: insert() commits the events with their ids in
 * `rollup_pending` and resolves; the rollups follow a few ms later (a batch is rolled up in its
 * own transaction instead), and aggregate(), delete(), rebuildRollups() and
 * close() apply pending ones first, so answers always equal a computation over the events
 * (sqlite-rollups.ts).
 *
 * @module
 */
import type Database from 'better-sqlite3';
import { StoreError } from '../errors/index.js';
import { loadSqlite } from '../lazy/index.js';
import type { Filter, PriceDataEntry, PriceDataRecord, PriceDataState, UsageEvent } from '../types/index.js';
import { checkCallOrder } from './call-order.js';
import { checkLimit, toEventPage } from './cursor.js';
import { rebuildAllLatencyCutsSql, recomputeLatencyCuts } from './latency-cuts.js';
import { DEFAULT_EXACT_PERCENTILE_LIMIT } from './latency-histogram.js';
import { migrations, SCHEMA_MIGRATIONS_DDL } from './migrations/schema.js';
import { bucketStart, DAY_MS, HOUR_MS } from '../units/index.js';
import {
  DEAD_LETTERS_COUNT_SQL,
  DEAD_LETTERS_PAGE_SQL,
  deadLetterFromDriver,
  deadLetterPage,
  deadLetterRow,
  type DeadLetterRow,
} from './dead-letters.js';
import { addPriceDataSql, priceDataStateSql, priceDataTextSql } from './price-data.js';
import { EVENT_COLUMNS, eventToRow, rowFromDriver, rowToEvent, rowValues, type EventRow } from './row.js';
import { aggregateSql } from './sql-aggregate.js';
import { rankSql } from './sql-rank.js';
import {
  bucketExpr,
  eventsPageSql,
  eventsWhere,
  rebuildAllRollupsSql,
  rebuildRollupSql,
  traceSpanRows,
  traceSpansSql,
  type SqlReader,
} from './sql-query.js';
import { ROLLUP_IN_INSERT_MIN, SqlitePendingRollups } from './sqlite-rollups.js';
import {
  correctRollupSql,
  INSERT_PRICE_HISTORY_SQL,
  PRICE_HISTORY_SQL,
  priceHistoryFromDriver,
  priceHistoryValues,
  REPRICE_EVENT_SQL,
  repricedEventValues,
  repricedRow,
  rollupCorrections,
  type RollupCorrection,
} from './reprice-rows.js';
import { INSERT_TAG_SQL, rebuildTagIndexSql, tagRows } from './tag-rows.js';
import { CORRECT_RUN_ROLLUP_SQL, rebuildAllRunsSql, rebuildRunsSql, runCorrections, runKey } from './run-rollup.js';
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

export interface SqliteStoreOptions {
  /** Database file path, or `:memory:`. */
  path: string;
  /**
   * How long a write waits for another process's write lock before failing (retryable StoreError).
   * @default 10_000
   */
  busyTimeoutMs?: number;
  /**
   * The most pages (of `PRAGMA page_size`, 4 KiB by default) the file may grow to, on this
   * connection (`PRAGMA max_page_count`). A write past it fails as a full database: a
   * retryable StoreError, as a full disk is. Pages freed by deletes are reused.
   * @default no limit beyond SQLite's own
   */
  maxPageCount?: number;
  /**
   * Above this many latency values in one query, percentiles come from the log histogram.
   * @default 50_000
   */
  exactPercentileLimit?: number;
  /**
   * How long after an insert its rollups are applied (one apply covers every insert in that
   * window). Readers never wait for it: aggregate() applies pending rollups first.
   * @default 2
   */
  rollupDelayMs?: number;
}

function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for the StoreError of a write that waited for another process's lock past the busy timeout. */
export function isSqliteBusy(error: unknown): boolean {
  return error instanceof StoreError && /^SQLITE_(BUSY|LOCKED)/.test(sqliteCode(error.cause) ?? '');
}

/**
 * better-sqlite3 without its compiled binding: installed with `--ignore-scripts`, or built for
 * another Node.js (the `bindings` package's and Node's own messages).
 */
/**
 * WAL pages between automatic checkpoints (SQLite's default is 1000, 4 MiB). A checkpoint
 * copies the WAL into the database and fsyncs both, on the committing thread; a batch of a
 * thousand events dirties more than 1000 pages (ten indexes take random inserts), so at the
 * default every batch paid a checkpoint: about a third of a batch's insert (bench/otlp.ts).
 * At 8192 (32 MiB of WAL at most before it is reused) one checkpoint serves several batches,
 * and a page written by several of them is copied once. Durability is unchanged: with
 * synchronous=NORMAL a commit is durable against a crash of the process, not of the machine,
 * whatever the interval.
 */
const WAL_AUTOCHECKPOINT_PAGES = 8192;

const MISSING_BINDING = /Could not locate the bindings file|better_sqlite3\.node|NODE_MODULE_VERSION/;

/**
 * The StoreError that says what to do when better-sqlite3 cannot load its binding, or undefined
 * for any other error. Every SQLite opener (the store, the budget counters) answers with it.
 */
export function missingSqliteBinding(error: unknown): StoreError | undefined {
  const detail = error instanceof Error ? error.message : String(error);
  if (!MISSING_BINDING.test(detail)) return undefined;
  return new StoreError(
    'SQLite is unavailable: the native binding of better-sqlite3 is missing or was built for another Node.js ' +
      '(installed with --ignore-scripts?). Run `npm rebuild better-sqlite3`, or use a postgres:// or memory: store.',
    { cause: error, retryable: false },
  );
}

/** Maps a driver error to a StoreError that names the file and says whether to retry. */
export function toStoreError(error: unknown, path: string, doing: string): StoreError {
  const code = sqliteCode(error) ?? '';
  const detail = error instanceof Error ? error.message : String(error);
  const missing = missingSqliteBinding(error);
  if (missing !== undefined) return missing;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new StoreError(`not a tokenledger SQLite database: ${path} (${detail})`, { cause: error, retryable: false });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError(`SQLite database is locked: ${path} (${doing}; another process holds the write lock)`, {
      cause: error,
      retryable: true,
    });
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') {
    return new StoreError(`cannot open SQLite database ${path}: ${detail}`, { cause: error, retryable: false });
  }
  if (isContentError(error, code)) {
    return new StoreError(`SQLite ${doing} refused the data on ${path}: ${detail}`, {
      cause: error,
      contentRejected: true,
    });
  }
  return new StoreError(`SQLite ${doing} failed on ${path}: ${detail}`, {
    cause: error,
    // A full disk or database (max_page_count) frees up; the events wait meanwhile.
    retryable: code.startsWith('SQLITE_IOERR') || code === 'SQLITE_FULL',
  });
}

/**
 * The data itself was refused: a constraint (CHECK, NOT NULL, a trigger's RAISE), a type or
 * size the column cannot hold, or a value better-sqlite3 cannot bind (its TypeError and
 * RangeError, e.g. an integer beyond 64 bits). Retrying the same rows fails the same way.
 */
function isContentError(error: unknown, code: string): boolean {
  if (code === '') return error instanceof TypeError || error instanceof RangeError;
  return (
    code.startsWith('SQLITE_CONSTRAINT') ||
    code === 'SQLITE_MISMATCH' ||
    code === 'SQLITE_TOOBIG' ||
    code === 'SQLITE_RANGE'
  );
}

function applyMigrations(db: Database.Database): void {
  const run = db.transaction(() => {
    db.exec(SCHEMA_MIGRATIONS_DDL('sqlite'));
    const applied = new Set(
      (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((row) => row.version),
    );
    for (const migration of migrations('sqlite')) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) db.exec(statement);
      db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(migration.version, migration.name);
    }
  });
  // IMMEDIATE: two processes opening a new file at once serialize here instead of both migrating.
  run.immediate();
}

/** Queries on `db` through the statements they prepared before (at most ~200 kept). */
export function sqliteReader(db: Database.Database): SqlReader {
  const statementCache = new Map<string, Database.Statement>();
  return {
    dialect: 'sqlite',
    all: async (sql, params) => {
      let statement = statementCache.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql);
        if (statementCache.size > 200) statementCache.clear();
        statementCache.set(sql, statement);
      }
      return statement.all(...params) as Record<string, unknown>[];
    },
  };
}

/** How long a write waits for another process's lock when the options name none. */
export const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly path: string;
  private readonly exactLimit: number;
  private readonly insertEvent: Database.Statement;
  private readonly pending: SqlitePendingRollups;
  private readonly writeBatch: (rows: EventRow[]) => number;
  private readonly writeDeadLetters: (rows: DeadLetterRow[]) => number;
  private readonly reader: SqlReader;
  private readonly repriceRow: {
    read: Database.Statement;
    update: Database.Statement;
    history: Database.Statement;
    correct: Record<RollupCorrection['table'], Database.Statement>;
    correctRun: Database.Statement;
  };

  private constructor(db: Database.Database, options: SqliteStoreOptions) {
    this.db = db;
    this.path = options.path;
    this.exactLimit = options.exactPercentileLimit ?? DEFAULT_EXACT_PERCENTILE_LIMIT;
    this.insertEvent = db.prepare(
      `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`,
    );
    const pending = new SqlitePendingRollups(db, options.rollupDelayMs ?? 2);
    this.pending = pending;
    const insertTag = db.prepare(INSERT_TAG_SQL);
    const write = db.transaction((rows: EventRow[]): number => {
      const added: EventRow[] = [];
      for (const row of rows) {
        if (this.insertEvent.run(rowValues(row)).changes !== 1) continue;
        added.push(row);
        for (const tag of tagRows(row)) insertTag.run(tag);
      }
      if (added.length >= ROLLUP_IN_INSERT_MIN) pending.addRows(added);
      else for (const row of added) pending.mark(row.id);
      return added.length;
    });
    this.writeBatch = (rows) => write.immediate(rows);
    const insertDeadLetter = db.prepare(
      'INSERT INTO dead_letters (id, dead_at_ms, reason, event) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
    );
    const deadLetters = db.transaction(
      (rows: DeadLetterRow[]): number => rows.filter((row) => insertDeadLetter.run(row).changes === 1).length,
    );
    this.writeDeadLetters = (rows) => deadLetters.immediate(rows);
    this.repriceRow = {
      read: db.prepare('SELECT * FROM events WHERE id = ?'),
      update: db.prepare(REPRICE_EVENT_SQL),
      history: db.prepare(INSERT_PRICE_HISTORY_SQL),
      correct: {
        rollup_hourly: db.prepare(correctRollupSql('rollup_hourly')),
        rollup_daily: db.prepare(correctRollupSql('rollup_daily')),
      },
      correctRun: db.prepare(CORRECT_RUN_ROLLUP_SQL),
    };
    this.reader = sqliteReader(db);
  }

  /** Opens (creating if needed) and migrates the database. Throws StoreError on a corrupt or locked file. */
  static open(options: SqliteStoreOptions): SqliteStore {
    let db: Database.Database | undefined;
    try {
      // Required here, inside the try: a missing native binding becomes the StoreError below.
      const Sqlite = loadSqlite();
      db = new Sqlite(options.path, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      db.pragma('foreign_keys = ON');
      applyMigrations(db);
      if (options.maxPageCount !== undefined) db.pragma(`max_page_count = ${Math.floor(options.maxPageCount)}`);
      return new SqliteStore(db, options);
    } catch (error) {
      db?.close();
      if (error instanceof StoreError) throw error;
      throw toStoreError(error, options.path, 'open');
    }
  }

  async insert(events: readonly UsageEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const rows = events.map(eventToRow).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    let added: number;
    try {
      added = this.writeBatch(rows);
    } catch (error) {
      throw toStoreError(error, this.path, 'insert');
    }
    if (added > 0 && added < ROLLUP_IN_INSERT_MIN) this.pending.schedule();
    return added;
  }

  async insertDeadLetters(letters: readonly DeadLetter[]): Promise<number> {
    if (letters.length === 0) return 0;
    try {
      return this.writeDeadLetters(letters.map(deadLetterRow));
    } catch (error) {
      throw toStoreError(error, this.path, 'insert dead letters');
    }
  }

  async deadLetters(query: DeadLetterQuery): Promise<DeadLetter[]> {
    const page = deadLetterPage(query);
    try {
      return (await this.reader.all(DEAD_LETTERS_PAGE_SQL, page)).map(deadLetterFromDriver);
    } catch (error) {
      throw toStoreError(error, this.path, 'read dead letters');
    }
  }

  async addPriceData(entry: PriceDataEntry): Promise<PriceDataRecord> {
    try {
      return await addPriceDataSql(this.reader, async (sql) => this.db.prepare(sql).run(), entry);
    } catch (error) {
      throw toStoreError(error, this.path, 'add price data');
    }
  }

  async priceDataState(): Promise<PriceDataState> {
    try {
      return await priceDataStateSql(this.reader);
    } catch (error) {
      throw toStoreError(error, this.path, 'read price data');
    }
  }

  async priceDataText(id: number): Promise<string | undefined> {
    try {
      return await priceDataTextSql(this.reader, id);
    } catch (error) {
      throw toStoreError(error, this.path, 'read price data');
    }
  }

  async countDeadLetters(): Promise<number> {
    try {
      return Number((await this.reader.all(DEAD_LETTERS_COUNT_SQL, []))[0]?.['n'] ?? 0);
    } catch (error) {
      throw toStoreError(error, this.path, 'count dead letters');
    }
  }

  /**
   * Adds every pending event (from any process) to the rollups now. Runs on its own shortly
   * after each insert and before every aggregate, delete and close; call it to catch up
   * explicitly. Returns how many pending events were applied.
   */
  async applyPendingRollups(): Promise<number> {
    try {
      return this.pending.apply();
    } catch (error) {
      throw toStoreError(error, this.path, 'apply rollups');
    }
  }

  async aggregate(query: AggregateQuery): Promise<AggregateRow[]> {
    try {
      this.pending.applyIfPending();
      return await aggregateSql(this.reader, query, this.exactLimit);
    } catch (error) {
      if (
        error instanceof Error &&
        'code' in error &&
        typeof error.code === 'string' &&
        error.code.startsWith('SQLITE')
      ) {
        throw toStoreError(error, this.path, 'aggregate');
      }
      throw error;
    }
  }

  async rank(query: RankQuery): Promise<RankPage> {
    try {
      this.pending.applyIfPending();
      return await rankSql(this.reader, query);
    } catch (error) {
      if (sqliteCode(error)?.startsWith('SQLITE')) throw toStoreError(error, this.path, 'rank');
      throw error;
    }
  }

  async events(query: EventPageQuery): Promise<EventPage> {
    const limit = checkLimit(query.limit);
    const { sql, params } = eventsPageSql(query, limit, 'sqlite');
    return toEventPage((await this.reader.all(sql, params)).map(rowFromDriver), limit, checkCallOrder(query.orderBy));
  }

  async event(id: string): Promise<UsageEvent | undefined> {
    const [row] = await this.reader.all('SELECT * FROM events WHERE id = ?', [id]);
    return row === undefined ? undefined : rowToEvent(rowFromDriver(row));
  }

  async traceSpans(traceIds: readonly string[]): Promise<TraceSpanRow[]> {
    if (traceIds.length === 0) return [];
    const { sql, params } = traceSpansSql(traceIds);
    return traceSpanRows(await this.reader.all(sql, params));
  }

  async delete(filter: Filter): Promise<number> {
    const where = eventsWhere(filter, { fromMs: filter.from?.getTime(), toMs: filter.to?.getTime() });
    const rebuild = rebuildRollupSql();
    const keysSql = `SELECT DISTINCT ${bucketExpr('time_ms', HOUR_MS)} AS hour_ms, provider, model, COALESCE(agent, '') AS agent, status FROM events ${where.sql}`;
    const runsSql = `SELECT DISTINCT run FROM events ${where.sql}`;
    const runs = rebuildRunsSql('sqlite');
    const run = this.db.transaction((): number => {
      // First: the per-key rebuild below recomputes from raw events, pending ones included;
      // applying them later would count them twice.
      this.pending.apply();
      const keys = this.db.prepare(keysSql).all(...where.params) as {
        hour_ms: number;
        provider: string;
        model: string;
        agent: string;
        status: string;
      }[];
      // The runs it touches: their rows are recomputed from the events left.
      const touched = (this.db.prepare(runsSql).all(...where.params) as { run: string | null }[]).map((r) => r.run);
      const named = JSON.stringify(touched.filter((name): name is string => name !== null));
      const noRun = touched.includes(null);
      this.db.prepare(runs.clear).run(named);
      if (noRun) this.db.prepare(runs.clearNoRun).run();
      const removed = this.db.prepare(`DELETE FROM events ${where.sql}`).run(...where.params).changes;
      this.db.prepare(runs.fill).run(named);
      if (noRun) this.db.prepare(runs.fillNoRun).run();
      const statements = Object.fromEntries(
        Object.entries(rebuild).map(([name, sql]) => [name, this.db.prepare(sql)]),
      ) as Record<keyof typeof rebuild, Database.Statement>;
      const days = new Map<string, [number, string, string, string, string]>();
      for (const key of keys) {
        const keyParams = [key.hour_ms, key.provider, key.model, key.agent, key.status];
        const rawParams = [key.hour_ms, key.hour_ms + HOUR_MS, key.provider, key.model, key.agent, key.status];
        statements.deleteRollup.run(...keyParams);
        statements.deleteLatency.run(...keyParams);
        statements.insertRollup.run(key.hour_ms, ...rawParams);
        statements.insertLatency.run(key.hour_ms, ...rawParams, key.hour_ms, ...rawParams);
        const day: [number, string, string, string, string] = [
          bucketStart(key.hour_ms, DAY_MS),
          key.provider,
          key.model,
          key.agent,
          key.status,
        ];
        days.set(JSON.stringify(day), day);
      }
      for (const [day, provider, model, agent, status] of days.values()) {
        const rawParams = [day, day + DAY_MS, provider, model, agent, status];
        statements.deleteDaily.run(day, provider, model, agent, status);
        statements.insertDaily.run(day, ...rawParams, day, ...rawParams);
        statements.deleteDailyRollup.run(day, provider, model, agent, status);
        statements.insertDailyRollup.run(day, ...rawParams);
      }
      const hours = keys.map((key) => key.hour_ms);
      for (const { sql, params } of recomputeLatencyCuts(
        'sqlite',
        hours,
        [...days.values()].map(([day]) => day),
      ))
        this.db.prepare(sql).run(...params);
      return removed;
    });
    try {
      return run.immediate();
    } catch (error) {
      throw toStoreError(error, this.path, 'delete');
    }
  }

  async reprice(changes: readonly EventReprice[]): Promise<number> {
    if (changes.length === 0) return 0;
    const run = this.db.transaction((): number => {
      // First: the corrections below apply to rollup rows that count these events already.
      this.pending.apply();
      const olds: EventRow[] = [];
      const news: EventRow[] = [];
      const { read, update, history, correct } = this.repriceRow;
      const now = Date.now();
      for (const change of changes) {
        const raw = read.get(change.id) as Record<string, unknown> | undefined;
        if (raw === undefined) continue;
        const old = rowFromDriver(raw);
        const row = repricedRow(old, change);
        if (row === undefined) continue;
        update.run(repricedEventValues(row));
        history.run(priceHistoryValues(old, row, now));
        olds.push(old);
        news.push(row);
      }
      for (const correction of rollupCorrections(olds, news))
        correct[correction.table].run(...correction.differences, ...correction.key);
      for (const correction of runCorrections(olds, news))
        this.repriceRow.correctRun.run(...correction.differences, ...runKey(correction.run));
      return news.length;
    });
    try {
      return run.immediate();
    } catch (error) {
      throw toStoreError(error, this.path, 'reprice');
    }
  }

  async priceHistory(eventId: string): Promise<PriceHistoryEntry[]> {
    try {
      return (await this.reader.all(PRICE_HISTORY_SQL, [eventId])).map(priceHistoryFromDriver);
    } catch (error) {
      throw toStoreError(error, this.path, 'read price history');
    }
  }

  /** Recomputes every rollup, and the tag index, from the raw events (after a bulk load or to repair). */
  async rebuildRollups(): Promise<void> {
    const run = this.db.transaction(() => {
      for (const sql of [
        ...rebuildAllRollupsSql(),
        // From the full latency rows just written: the cuts are their sums.
        ...rebuildAllLatencyCutsSql('sqlite'),
        ...rebuildAllRunsSql(),
        ...rebuildTagIndexSql('sqlite'),
      ])
        this.db.exec(sql);
      // The rebuild counted every event, pending ones too.
      this.db.exec('DELETE FROM rollup_pending');
    });
    try {
      run.immediate();
    } catch (error) {
      throw toStoreError(error, this.path, 'rebuild rollups');
    }
  }

  async ping(): Promise<void> {
    try {
      this.db.prepare('SELECT 1').get();
    } catch (error) {
      throw toStoreError(error, this.path, 'ping');
    }
  }

  async checkpoint(): Promise<void> {
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      throw toStoreError(error, this.path, 'checkpoint');
    }
  }

  async close(): Promise<void> {
    this.pending.cancel();
    if (!this.db.open) return;
    try {
      this.pending.apply();
    } catch {
      // Busy or failing: the pending ids are durable; the next process to open the file (or any
      // open one) applies them. Closing must still release the file.
    }
    this.db.close();
  }
}
