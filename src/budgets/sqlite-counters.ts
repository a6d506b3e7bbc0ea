/**
 * Counters in a SQLite file (beside the ledger's, counters-file.ts; or any): every process on the
 * machine that opens it shares them. A reserve is one IMMEDIATE transaction: it takes the write
 * lock first, so no other process can hold between our check and our insert. Waiting for that
 * lock is bounded by `busyTimeoutMs`; past it the reserve throws `StoreError` and the budget's
 * failure mode applies.
 *
 * @module
 */
import type Database from 'better-sqlite3';
import { StoreError } from '../errors/index.js';
import { loadSqlite } from '../lazy/index.js';
import { missingSqliteBinding } from '../store/index.js';
import {
  LAPSED_HOLD_KEEP_MS,
  purgeSchedule,
  type BudgetCounters,
  type CounterState,
  type CounterWindow,
  type ReserveOutcome,
  type ReserveRequest,
} from './counters.js';
import type {
  AuditQuery,
  BudgetAuditEntry,
  BudgetDefinitionStore,
  DefinitionWrite,
  DefinitionWriteOutcome,
  StoredBudget,
} from './definitions.js';
import { moveBudgetTablesFromLedger } from './counters-file.js';
import { SQLITE_DEFINITIONS_DDL, type SqliteDefinitions, sqliteDefinitions } from './sqlite-definitions.js';

const DDL = `
CREATE TABLE IF NOT EXISTS budget_spend (
  counter TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  spent INTEGER NOT NULL,
  PRIMARY KEY (counter, bucket)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS budget_holds (
  reservation TEXT NOT NULL,
  counter TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (reservation, counter)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS budget_holds_window ON budget_holds (counter, bucket, expires_at);
-- The purge runs once a minute (PURGE_EVERY_MS), over a table of live and recently lapsed holds: a
-- scan of it costs less than an index every hold's insert and delete would keep up to date.
DROP INDEX IF EXISTS budget_holds_expiry;
CREATE TABLE IF NOT EXISTS budget_refusals (
  counter TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  refused INTEGER NOT NULL,
  PRIMARY KEY (counter, bucket)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS budget_alerts (
  counter TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  threshold REAL NOT NULL,
  PRIMARY KEY (counter, bucket, threshold)
) WITHOUT ROWID;
`;

/**
 * WAL pages (4 KiB each: 32 MiB) past which a checkpoint empties the WAL, briefly holding the
 * writers back: about once every 1,600 calls (a hold and a settle write ~20 KiB) under a load
 * that never pauses, never otherwise.
 */
export const WAL_RESTART_PAGES = 8192;

type WindowParams = [{ counter: string; from: number; to: number; now: number }];

export interface SqliteBudgetCountersOptions {
  path: string;
  /**
   * Longest wait for another process's write lock before a reserve fails (and the budget's
   * failure mode applies). @default 2000
   */
  busyTimeoutMs?: number;
  /**
   * A connection that only tries (sqlite-counters-thread.ts): once open, it never waits for the
   * write lock (SQLITE_BUSY at once, nothing held) and never checkpoints (the WAL's fsync would
   * run on its caller's thread); the other connections to the file checkpoint it.
   */
  tryOnly?: boolean;
  /**
   * The ledger whose counters these are: budget tables an earlier version kept in that file are
   * moved here the first time (counters-file.ts).
   */
  movingFrom?: string;
}

export class SqliteBudgetCounters implements BudgetCounters, BudgetDefinitionStore {
  private readonly reserveTx: (request: ReserveRequest) => ReserveOutcome;
  private readonly settleTx: (reservationId: string, amounts: Readonly<Record<string, number>>) => boolean;
  private readonly statements;
  private readonly definitions: SqliteDefinitions;
  /** Lapsed holds are purged once a minute, not on every reserve. */
  private readonly purgeDue = purgeSchedule();

  private constructor(
    private readonly db: Database.Database,
    private readonly path: string,
  ) {
    const statements = {
      // [spent, held] of one window, in one statement (one step into SQLite, not two).
      window: db
        .prepare<WindowParams>(
          `SELECT
            (SELECT COALESCE(SUM(spent), 0) FROM budget_spend WHERE counter = $counter AND bucket BETWEEN $from AND $to),
            (SELECT COALESCE(SUM(amount), 0) FROM budget_holds
              WHERE counter = $counter AND bucket BETWEEN $from AND $to AND expires_at > $now)`,
        )
        .raw(true),
      hold: db.prepare<[string, string, number, number, number]>(
        'INSERT INTO budget_holds (reservation, counter, bucket, amount, expires_at) VALUES (?, ?, ?, ?, ?)',
      ),
      purge: db.prepare<[number]>('DELETE FROM budget_holds WHERE expires_at < ?'),
      take: db.prepare<[string]>('DELETE FROM budget_holds WHERE reservation = ? RETURNING counter, bucket'),
      charge: db.prepare<[string, number, number]>(
        'INSERT INTO budget_spend (counter, bucket, spent) VALUES (?, ?, ?) ON CONFLICT (counter, bucket) DO UPDATE SET spent = spent + excluded.spent',
      ),
      countRefusal: db.prepare<[string, number]>(
        'INSERT INTO budget_refusals (counter, bucket, refused) VALUES (?, ?, 1) ON CONFLICT (counter, bucket) DO UPDATE SET refused = refused + 1',
      ),
      refusals: db.prepare<[string, number, number]>(
        'SELECT COALESCE(SUM(refused), 0) AS total FROM budget_refusals WHERE counter = ? AND bucket BETWEEN ? AND ?',
      ),
      alertsSent: db.prepare<[string, number, number]>(
        'SELECT DISTINCT threshold FROM budget_alerts WHERE counter = ? AND bucket BETWEEN ? AND ? ORDER BY threshold',
      ),
      claimAlert: db.prepare<[string, number, number]>(
        'INSERT INTO budget_alerts (counter, bucket, threshold) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      renew: db.prepare<[number, string, number]>(
        'UPDATE budget_holds SET expires_at = ? WHERE reservation = ? AND expires_at > ?',
      ),
    };
    this.statements = statements;
    this.definitions = sqliteDefinitions(db);
    const reserve = (request: ReserveRequest): ReserveOutcome => {
      if (this.purgeDue(request.now)) statements.purge.run(request.now - LAPSED_HOLD_KEEP_MS);
      const states: CounterState[] = [];
      for (const line of request.lines) {
        const { spent, held } = this.windowState(line, request.now);
        if (spent + held + line.amount > line.cap) {
          return {
            admitted: false,
            refusal: { counter: line.counter, cap: line.cap, spent, held, amount: line.amount },
          };
        }
        states.push({ spent, held });
      }
      const expiresAt = request.now + request.leaseMs;
      for (const line of request.lines) {
        statements.hold.run(request.reservationId, line.counter, line.bucket, line.amount, expiresAt);
      }
      return { admitted: true, states };
    };
    const settle = (reservationId: string, amounts: Readonly<Record<string, number>>): boolean => {
      const taken = statements.take.all(reservationId) as { counter: string; bucket: number }[];
      for (const row of taken) statements.charge.run(row.counter, row.bucket, amounts[row.counter] ?? 0);
      return taken.length > 0;
    };
    // IMMEDIATE: the write lock is taken at BEGIN, before the check reads anything.
    const reserveTransaction = db.transaction(reserve);
    const settleTransaction = db.transaction(settle);
    this.reserveTx = (request) => reserveTransaction.immediate(request);
    this.settleTx = (id, amounts) => settleTransaction.immediate(id, amounts);
  }

  static open(options: SqliteBudgetCountersOptions): SqliteBudgetCounters {
    const Sqlite = loadSqlite();
    let db: Database.Database | undefined;
    try {
      db = new Sqlite(options.path, { timeout: options.busyTimeoutMs ?? 2000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(DDL);
      db.exec(SQLITE_DEFINITIONS_DDL);
      if (options.movingFrom !== undefined) moveBudgetTablesFromLedger(db, options.movingFrom);
      if (options.tryOnly === true) {
        db.pragma('busy_timeout = 0');
        db.pragma('wal_autocheckpoint = 0');
      }
      return new SqliteBudgetCounters(db, options.path);
    } catch (error) {
      db?.close();
      throw storeError(error, options.path, 'open');
    }
  }

  async reserve(request: ReserveRequest): Promise<ReserveOutcome> {
    return this.run('reserve', () => this.reserveTx(request));
  }

  async settle(reservationId: string, amounts: Readonly<Record<string, number>>): Promise<boolean> {
    return this.run('settle', () => this.settleTx(reservationId, amounts));
  }

  async renew(reservationId: string, now: number, leaseMs: number): Promise<boolean> {
    return this.run('renew', () => this.statements.renew.run(now + leaseMs, reservationId, now).changes > 0);
  }

  async state(windows: readonly CounterWindow[], now: number): Promise<CounterState[]> {
    return this.run('read', () => windows.map((window) => this.windowState(window, now)));
  }

  /** Settled spend and live holds over one window at `now`. */
  private windowState(window: CounterWindow, now: number): CounterState {
    const row = this.statements.window.get({
      counter: window.counter,
      from: window.fromBucket,
      to: window.bucket,
      now,
    }) as [number | bigint, number | bigint];
    return { spent: Number(row[0]), held: Number(row[1]) };
  }

  async claimAlert(counter: string, bucket: number, threshold: number): Promise<boolean> {
    return this.run('claim alert', () => this.statements.claimAlert.run(counter, bucket, threshold).changes === 1);
  }

  async countRefusal(counter: string, bucket: number): Promise<void> {
    this.run('count refusal', () => this.statements.countRefusal.run(counter, bucket));
  }

  async refusals(windows: readonly CounterWindow[]): Promise<number[]> {
    return this.run('read', () =>
      windows.map((window) =>
        Number(
          (this.statements.refusals.get(window.counter, window.fromBucket, window.bucket) as { total: number }).total,
        ),
      ),
    );
  }

  async alertsSent(windows: readonly CounterWindow[]): Promise<number[][]> {
    return this.run('read', () =>
      windows.map((window) =>
        (
          this.statements.alertsSent.all(window.counter, window.fromBucket, window.bucket) as { threshold: number }[]
        ).map((row) => Number(row.threshold)),
      ),
    );
  }

  async definitionsVersion(): Promise<number> {
    return this.run('read definitions', () => this.definitions.version());
  }

  async listDefinitions(): Promise<{ version: number; budgets: StoredBudget[] }> {
    return this.run('read definitions', () => this.definitions.list());
  }

  async writeDefinition(write: DefinitionWrite): Promise<DefinitionWriteOutcome> {
    return this.run('write a definition', () => this.definitions.write(write));
  }

  async auditLog(query: AuditQuery): Promise<BudgetAuditEntry[]> {
    return this.run('read the audit', () => this.definitions.audit(query));
  }

  /**
   * Copies the WAL into the file, for a writer that never checkpoints itself (`tryOnly`). PASSIVE
   * waits for no one, but the WAL starts again from its beginning only when a write finds it all
   * copied, which a writer that never pauses does not allow: past WAL_RESTART_PAGES, the
   * checkpoint waits for the writers (as a lock holder would, `busyTimeoutMs`) and empties it.
   */
  async checkpoint(): Promise<void> {
    this.run('checkpoint', () => {
      const [passive] = this.db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
      if ((passive?.log ?? 0) > WAL_RESTART_PAGES) this.db.pragma('wal_checkpoint(TRUNCATE)');
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private run<T>(doing: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw storeError(error, this.path, doing);
    }
  }
}

function storeError(error: unknown, path: string, doing: string): StoreError {
  const missing = missingSqliteBinding(error);
  if (missing !== undefined) return missing;
  const code = (error as { code?: unknown }).code;
  const busy = typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
  return new StoreError(
    `budget counters in ${path}: ${doing} failed${busy ? ': the database stayed locked' : ''}: ${(error as Error).message}`,
    { cause: error, retryable: true },
  );
}
