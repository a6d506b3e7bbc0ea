/**
 * Deferred rollups for the SQLite store.
 *
 * insert() commits each new event together with a row in `rollup_pending` (one IMMEDIATE
 * transaction: that is what makes the event durable and acknowledged) and leaves the rollup
 * upserts (hourly, daily, their latency bins and cuts, the run's row) to `apply()`, which runs shortly after on a timer, coalescing many inserts into one
 * transaction. A record() awaited until durable then pays for two small inserts instead of
 * eight statements. A batch (ROLLUP_IN_INSERT_MIN new events or more: ingest, OTLP, the spool's
 * drain) is different: its rows are in memory and share few rollup keys, so its insert adds
 * them to the rollups in the same transaction (a few upserts) instead of marking each one and
 * reading it back later, which cost more than the insert itself.
 *
 * Rules that keep rollups never wrong, only briefly behind, and invisible to readers:
 * - apply() reads the pending events from the database (not from memory), computes their deltas
 *   and upserts them, and deletes their pending ids, all in one IMMEDIATE transaction per batch.
 *   So any process applies any process's pending events exactly once (SQLite serializes the
 *   transactions; a second applier finds the ids gone), and a crash between insert and apply
 *   loses nothing: the next apply, in any process, catches up.
 * - Readers of rollups (aggregate), and writers that recompute rollups from raw events (delete,
 *   rebuild), apply first, so they never see or create a state where an event is in `events`
 *   but missing from, or counted twice in, the rollups.
 *
 * @module
 */
import type Database from 'better-sqlite3';
import { cutKeyValues, cutLatencyDeltas, cutLatencyValues, sqliteCutSql, withStoredBins } from './latency-cuts.js';
import { computeRollupDeltas, rollupValues } from './rollup-delta.js';
import { rowFromDriver, type EventRow } from './row.js';
import { computeRunDeltas, RUN_ROLLUP_INSERT_SQL, runDeltaValues } from './run-rollup.js';
import {
  LATENCY_DAILY_UPSERT_SQL,
  LATENCY_UPSERT_SQL,
  ROLLUP_DAILY_INSERT_COLUMNS,
  ROLLUP_DAILY_UPSERT_SQL,
  ROLLUP_INSERT_COLUMNS,
  ROLLUP_UPSERT_SQL,
} from './sql-query.js';

/** A latency cut table's read and write of one row (latency-cuts.ts). */
interface CutStatements {
  read: Database.Statement;
  write: Database.Statement;
}

/** From this many new events, an insert rolls them up in its own transaction instead of marking them pending. */
export const ROLLUP_IN_INSERT_MIN = 16;

/** Pending events applied per transaction: bounds how long one apply holds the write lock. */
const APPLY_BATCH = 5000;

export class SqlitePendingRollups {
  private readonly db: Database.Database;
  private readonly delayMs: number;
  private readonly markPending: Database.Statement;
  private readonly anyPending: Database.Statement;
  private readonly readPending: Database.Statement;
  private readonly deletePending: Database.Statement;
  private readonly upsertRollup: Database.Statement;
  private readonly upsertDailyRollup: Database.Statement;
  private readonly upsertLatency: Database.Statement;
  private readonly upsertDailyLatency: Database.Statement;
  private readonly cuts: CutStatements;
  private readonly dailyCuts: CutStatements;
  private readonly upsertRun: Database.Statement;
  private readonly applyBatch: () => number;
  private timer: NodeJS.Timeout | undefined;

  /** `delayMs`: how long after an insert the scheduled apply runs. */
  constructor(db: Database.Database, delayMs: number) {
    this.db = db;
    this.delayMs = delayMs;
    this.markPending = db.prepare('INSERT INTO rollup_pending (id) VALUES (?)');
    this.anyPending = db.prepare('SELECT 1 FROM rollup_pending LIMIT 1').pluck();
    // LEFT JOIN: a pending id whose event is gone (never the case through this store, which
    // applies before deleting) is dropped instead of blocking the queue.
    this.readPending = db.prepare(
      `SELECT p.id AS pending_id, e.* FROM rollup_pending p LEFT JOIN events e ON e.id = p.id LIMIT ${APPLY_BATCH}`,
    );
    this.deletePending = db.prepare('DELETE FROM rollup_pending WHERE id = ?');
    this.upsertRollup = db.prepare(
      `INSERT INTO rollup_hourly (${ROLLUP_INSERT_COLUMNS.join(', ')}) VALUES (${ROLLUP_INSERT_COLUMNS.map(() => '?').join(', ')}) ${ROLLUP_UPSERT_SQL}`,
    );
    this.upsertDailyRollup = db.prepare(
      `INSERT INTO rollup_daily (${ROLLUP_DAILY_INSERT_COLUMNS.join(', ')}) VALUES (${ROLLUP_DAILY_INSERT_COLUMNS.map(() => '?').join(', ')}) ${ROLLUP_DAILY_UPSERT_SQL}`,
    );
    this.upsertLatency = db.prepare(
      `INSERT INTO latency_hourly (hour_ms, provider, model, agent, status, metric, bin, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ${LATENCY_UPSERT_SQL}`,
    );
    this.upsertDailyLatency = db.prepare(
      `INSERT INTO latency_daily (day_ms, provider, model, agent, status, metric, bin, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ${LATENCY_DAILY_UPSERT_SQL}`,
    );
    const cutStatements = (table: 'latency_cut_hourly' | 'latency_cut_daily'): CutStatements => {
      const sql = sqliteCutSql(table);
      return { read: db.prepare(sql.read).pluck(), write: db.prepare(sql.write) };
    };
    this.cuts = cutStatements('latency_cut_hourly');
    this.dailyCuts = cutStatements('latency_cut_daily');
    this.upsertRun = db.prepare(RUN_ROLLUP_INSERT_SQL);
    const batch = db.transaction((): number => {
      const raw = this.readPending.all() as Record<string, unknown>[];
      const rows: EventRow[] = [];
      for (const r of raw) {
        if (r['id'] !== null && r['id'] !== undefined) rows.push(rowFromDriver(r));
        this.deletePending.run(r['pending_id']);
      }
      this.addRows(rows);
      return raw.length;
    });
    // Outermost: BEGIN IMMEDIATE (reads and writes under the write lock, so no other process
    // applies the same ids). Inside another transaction (delete, rebuild): a savepoint.
    this.applyBatch = () => batch.immediate();
  }

  /**
   * Adds rows to the rollups now. Inside an insert's transaction, for the rows it added: then
   * they are never pending (a batch costs a few upserts instead of one mark per row and a
   * read-back); inside apply's, for the pending rows it read.
   */
  addRows(rows: readonly EventRow[]): void {
    const { rollups, dailyRollups, latencies, dailyLatencies } = computeRollupDeltas(rows);
    for (const delta of rollups) this.upsertRollup.run(rollupValues(delta));
    for (const delta of dailyRollups) this.upsertDailyRollup.run(rollupValues(delta));
    for (const l of latencies)
      this.upsertLatency.run(l.hourMs, l.provider, l.model, l.agent, l.status, l.metric, l.bin, l.n);
    for (const l of dailyLatencies)
      this.upsertDailyLatency.run(l.hourMs, l.provider, l.model, l.agent, l.status, l.metric, l.bin, l.n);
    for (const [deltas, { read, write }] of [
      [latencies, this.cuts],
      [dailyLatencies, this.dailyCuts],
    ] as const) {
      for (const c of cutLatencyDeltas(deltas))
        write.run(cutLatencyValues(withStoredBins(c, read.get(cutKeyValues(c)))));
    }
    for (const delta of computeRunDeltas(rows)) this.upsertRun.run(runDeltaValues(delta));
  }

  /** Marks a newly inserted event as not yet in the rollups. Call inside the insert's transaction. */
  mark(id: string): void {
    this.markPending.run(id);
  }

  /** True when some event (from any process) awaits its rollups. A plain read: no write lock. */
  hasPending(): boolean {
    return this.anyPending.get() !== undefined;
  }

  /** Applies every pending event's rollups; returns how many pending ids were consumed. Throws driver errors. */
  apply(): number {
    let total = 0;
    for (;;) {
      const n = this.applyBatch();
      total += n;
      if (n < APPLY_BATCH) return total;
    }
  }

  /** Applies pending rollups if any; cheap when none are pending. */
  applyIfPending(): void {
    if (this.hasPending()) this.apply();
  }

  /** Schedules one apply shortly (coalescing: one timer however many inserts). */
  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.db.open) return;
      try {
        this.apply();
      } catch {
        // Busy or failing: nothing is lost, the ids stay pending and the next insert's apply,
        // any aggregate, delete or close (in any process) applies them.
      }
    }, this.delayMs);
    // Never keeps the process alive: pending rows are durable and applied by whoever comes next.
    this.timer.unref();
  }

  /** Cancels a scheduled apply (before close). */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
