/**
 * openStore(url): one way to open any store.
 *
 * - `memory:` — in-process, nothing persisted.
 * - `sqlite:PATH` (the default store; `sqlite:./tokenledger.db`, `sqlite:/abs/path.db`,
 *   `sqlite::memory:`), also `file:PATH`.
 * - `postgres://user:pass@host:5432/db?schema=NAME` or `postgresql://...`; `schema` isolates the
 *   tables in a schema (created if missing).
 *
 * @module
 */
import { ConfigError } from '../errors/index.js';
import { MemoryStore } from './memory.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';
import { redactStoreUrl, schemeOf, sqlitePath } from './store-url.js';
import { openSqliteWorkerStore } from './worker-store.js';

/** The minimal logger the stores use (pino-compatible). */
export interface StoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface OpenStoreOptions {
  /** Receives open/migration notes. Never sees a password. */
  logger?: StoreLogger;
  /**
   * Above this many latency values in one aggregate query, percentiles come from the log
   * histogram (error ≤ 4.4%); at or below, they are exact. Same rule on every store.
   * @default 50_000
   */
  exactPercentileLimit?: number;
  /**
   * SQLite: how long a write waits for another process's lock.
   * @default 10_000
   */
  busyTimeoutMs?: number;
  /** SQLite: the most pages the file may grow to (SqliteStoreOptions.maxPageCount). */
  sqliteMaxPageCount?: number;
  /**
   * SQLite: where the store runs. `worker`: in a worker thread, so a write waiting for another
   * process's lock never blocks this thread's event loop (what a server wants; costs a thread
   * and its start). `main`: on this thread (short commands).
   * @default 'main'
   */
  sqliteThread?: 'main' | 'worker';
  /**
   * PostgreSQL: connection pool size.
   * @default 10
   */
  poolSize?: number;
  /**
   * PostgreSQL: how long to wait for a connection (to connect, or for a pooled one to be free).
   * @default 5_000
   */
  connectTimeoutMs?: number;
  /** PostgreSQL: `statement_timeout` (PostgresStoreOptions). @default 30_000 */
  statementTimeoutMs?: number;
  /** PostgreSQL: `idle_in_transaction_session_timeout` (PostgresStoreOptions). @default 30_000 */
  idleInTransactionTimeoutMs?: number;
  /** PostgreSQL: a query with no answer at all fails after this (PostgresStoreOptions). @default statementTimeoutMs + 5_000 */
  queryTimeoutMs?: number;
}

export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const trimmed = url.trim();
  const scheme = schemeOf(trimmed);
  const common =
    options.exactPercentileLimit === undefined ? {} : { exactPercentileLimit: options.exactPercentileLimit };
  let store: Store;
  if (scheme === 'memory') {
    store = new MemoryStore(common);
  } else if (scheme === 'sqlite' || scheme === 'file') {
    const path = sqlitePath(trimmed) ?? '';
    if (path === '')
      throw new ConfigError(`store URL ${JSON.stringify(trimmed)} names no SQLite file`, { field: 'store' });
    const sqliteOptions = {
      path,
      ...common,
      ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
      ...(options.sqliteMaxPageCount === undefined ? {} : { maxPageCount: options.sqliteMaxPageCount }),
    };
    store =
      options.sqliteThread === 'worker' ? await openSqliteWorkerStore(sqliteOptions) : SqliteStore.open(sqliteOptions);
  } else if (scheme === 'postgres' || scheme === 'postgresql') {
    store = await PostgresStore.open({
      url: trimmed,
      ...common,
      ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: options.statementTimeoutMs }),
      ...(options.idleInTransactionTimeoutMs === undefined
        ? {}
        : { idleInTransactionTimeoutMs: options.idleInTransactionTimeoutMs }),
      ...(options.queryTimeoutMs === undefined ? {} : { queryTimeoutMs: options.queryTimeoutMs }),
    });
  } else {
    throw new ConfigError(
      `unknown store URL scheme ${JSON.stringify(scheme ?? redactStoreUrl(trimmed))}: use sqlite:PATH, postgres://... or memory:`,
      { field: 'store' },
    );
  }
  options.logger?.info({ store: store.kind, url: redactStoreUrl(trimmed) }, 'store opened');
  return store;
}
