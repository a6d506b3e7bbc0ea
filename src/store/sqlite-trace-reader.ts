/**
 * `traceSpans` of the SQLite store in its worker thread, read on the calling thread through a
 * read-only connection of its own. The OTLP receiver asks it on every export (which of the
 * batch's spans the gateway already metered); sent to the worker, the question queued behind
 * the insert of the previous export's events: 10 ms at p50 and 40 ms at p90 of a 1,000-span
 * batch's acknowledgement when batches came back to back, up to 90 ms. WAL lets a reader see
 * every commit without waiting for the writer, and the lookup is one `events_trace` index probe
 * per trace id (a millisecond or so for the hundred traces of such a batch), short enough for
 * the event loop, unlike the store's other reads, which stay in the worker.
 *
 * @module
 */
import type Database from 'better-sqlite3';
import { loadSqlite } from '../lazy/index.js';
import { sqliteReader, toStoreError } from './sqlite.js';
import { traceSpanRows, traceSpansSql, type SqlReader } from './sql-query.js';
import type { TraceSpanRow } from './store.js';

export class SqliteTraceReader {
  #open: { db: Database.Database; reader: SqlReader } | undefined;

  constructor(
    private readonly path: string,
    private readonly busyTimeoutMs: number,
  ) {}

  async traceSpans(traceIds: readonly string[]): Promise<TraceSpanRow[]> {
    if (traceIds.length === 0) return [];
    const { sql, params } = traceSpansSql(traceIds);
    try {
      this.#open ??= this.#connect();
      return traceSpanRows(await this.#open.reader.all(sql, params));
    } catch (error) {
      throw toStoreError(error, this.path, 'traceSpans');
    }
  }

  close(): void {
    this.#open?.db.close();
    this.#open = undefined;
  }

  #connect(): { db: Database.Database; reader: SqlReader } {
    const Sqlite = loadSqlite();
    const db = new Sqlite(this.path, { readonly: true, fileMustExist: true, timeout: this.busyTimeoutMs });
    return { db, reader: sqliteReader(db) };
  }
}
