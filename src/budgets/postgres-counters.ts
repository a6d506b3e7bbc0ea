/**
 * Counters in PostgreSQL, shared by every process and machine using the database. A reserve is
 * one statement: a PL/pgSQL function that takes a transaction-scoped advisory lock per counter
 * (in one order, so two reservations never deadlock), then checks every counter and inserts
 * the holds, or none. Each query inside a VOLATILE function sees a fresh snapshot, so the
 * check sees every reserve and settle committed before the lock was granted; the lock is
 * released at commit, after the holds are visible. Waiting for a lock is bounded by
 * `lock_timeout`; past it the reserve throws `StoreError` and the budget's failure mode applies.
 *
 * A reserve commits without waiting for its WAL to reach the disk (`synchronous_commit = off`
 * in that transaction alone): a logged commit waits for an fsync, 7 ms on a plain disk, on every
 * admission. What it gives up: a PostgreSQL crash (not a client's, which loses nothing) may
 * lose the reserves committed in the last moments before it (at most 3 x `wal_writer_delay`,
 * 600 ms by default). Those calls were admitted and sent; their holds are gone, so until they
 * settle other calls can be admitted over them: the overshoot is bounded by the worst cases of
 * the calls reserved in that last stretch before a crash. Their settles still charge in full.
 *
 * A settle is one statement too, and durable (a logged commit; it runs after the call, off its
 * path): it marks the reservation settled (once: a second settle finds the mark and does
 * nothing), deletes its holds and adds the spend. A hold the crash lost is charged all the same,
 * to the bucket the guard says the hold was taken in. A reserve's check reads spend and holds in
 * one query, so it sees a settle wholly or not at all.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { StoreError } from '../errors/index.js';
import { inSchemaSetup, openPostgresPool, postgresTarget } from '../store/index.js';
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
import {
  POSTGRES_DEFINITIONS_DDL,
  postgresAuditLog,
  postgresDefinitionsVersion,
  postgresListDefinitions,
  postgresWriteDefinition,
} from './postgres-definitions.js';

const DDL = `
CREATE TABLE IF NOT EXISTS budget_spend (
  counter TEXT NOT NULL,
  bucket BIGINT NOT NULL,
  spent BIGINT NOT NULL,
  PRIMARY KEY (counter, bucket)
);
CREATE TABLE IF NOT EXISTS budget_holds (
  reservation TEXT NOT NULL,
  counter TEXT NOT NULL,
  bucket BIGINT NOT NULL,
  amount BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (reservation, counter)
);
CREATE INDEX IF NOT EXISTS budget_holds_window ON budget_holds (counter, bucket, expires_at);
-- Lapsed holds are purged once a minute (PURGE_EVERY_MS): a scan then costs less than an index
-- every hold's insert and delete keeps up to date.
DROP INDEX IF EXISTS budget_holds_expiry;
CREATE TABLE IF NOT EXISTS budget_settled (
  reservation TEXT PRIMARY KEY,
  settled_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS budget_settled_at ON budget_settled (settled_at);
CREATE TABLE IF NOT EXISTS budget_refusals (
  counter TEXT NOT NULL,
  bucket BIGINT NOT NULL,
  refused BIGINT NOT NULL,
  PRIMARY KEY (counter, bucket)
);
CREATE TABLE IF NOT EXISTS budget_alerts (
  counter TEXT NOT NULL,
  bucket BIGINT NOT NULL,
  threshold DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (counter, bucket, threshold)
);
CREATE OR REPLACE FUNCTION tokenledger_budget_reserve(
  p_reservation TEXT, p_counters TEXT[], p_buckets BIGINT[], p_froms BIGINT[], p_caps BIGINT[],
  p_amounts BIGINT[], p_now BIGINT, p_expires BIGINT, p_purge_before BIGINT
) RETURNS TABLE (refused BOOLEAN, counter TEXT, cap BIGINT, spent BIGINT, held BIGINT, amount BIGINT)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  lock_key BIGINT;
  i INT;
  v_spent BIGINT;
  v_held BIGINT;
  v_spents BIGINT[] := '{}';
  v_helds BIGINT[] := '{}';
BEGIN
  -- This transaction's commit does not wait for the disk (see the module comment for the bound).
  PERFORM set_config('synchronous_commit', 'off', true);
  FOR lock_key IN SELECT DISTINCT hashtextextended(c, 0) FROM unnest(p_counters) AS c ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(lock_key);
  END LOOP;
  -- NULL but once a minute (the caller's PURGE_EVERY_MS): a delete on every reserve was a write of its own.
  IF p_purge_before IS NOT NULL THEN
    DELETE FROM budget_holds h WHERE h.expires_at < p_purge_before;
  END IF;
  FOR i IN 1 .. coalesce(array_length(p_counters, 1), 0) LOOP
    SELECT
      (SELECT coalesce(sum(s.spent), 0) FROM budget_spend s
        WHERE s.counter = p_counters[i] AND s.bucket BETWEEN p_froms[i] AND p_buckets[i]),
      (SELECT coalesce(sum(h.amount), 0) FROM budget_holds h
        WHERE h.counter = p_counters[i] AND h.bucket BETWEEN p_froms[i] AND p_buckets[i] AND h.expires_at > p_now)
    INTO v_spent, v_held;
    IF v_spent + v_held + p_amounts[i] > p_caps[i] THEN
      RETURN QUERY SELECT true, p_counters[i], p_caps[i], v_spent, v_held, p_amounts[i];
      RETURN;
    END IF;
    v_spents := v_spents || v_spent;
    v_helds := v_helds || v_held;
  END LOOP;
  INSERT INTO budget_holds (reservation, counter, bucket, amount, expires_at)
    SELECT p_reservation, t.c, t.b, t.a, p_expires FROM unnest(p_counters, p_buckets, p_amounts) AS t(c, b, a);
  RETURN QUERY SELECT false, t.c, t.cap, t.s, t.h, t.a
    FROM unnest(p_counters, p_caps, v_spents, v_helds, p_amounts) WITH ORDINALITY AS t(c, cap, s, h, a, n) ORDER BY t.n;
END
$fn$;
`;

const RESERVE = 'SELECT * FROM tokenledger_budget_reserve($1, $2, $3, $4, $5, $6, $7, $8, $9)';
// $1 reservation, $2/$3/$4 counters, amounts, buckets (null when unknown), $5 now, $6 marks kept after.
const SETTLE = `
WITH marked AS (
  INSERT INTO budget_settled (reservation, settled_at) VALUES ($1, $5) ON CONFLICT DO NOTHING RETURNING 1
),
taken AS (
  DELETE FROM budget_holds WHERE reservation = $1 AND EXISTS (SELECT 1 FROM marked) RETURNING counter, bucket
),
given AS (SELECT * FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS g(counter, amount, bucket)),
lines AS (
  SELECT t.counter, t.bucket, coalesce(g.amount, 0) AS amount FROM taken t LEFT JOIN given g USING (counter)
  UNION ALL
  -- Holds a PostgreSQL crash lost (their reserve's commit was asynchronous): charged where the guard held them.
  SELECT g.counter, g.bucket, g.amount FROM given g
  WHERE g.bucket IS NOT NULL AND EXISTS (SELECT 1 FROM marked) AND NOT EXISTS (SELECT 1 FROM taken)
),
charged AS (
  INSERT INTO budget_spend (counter, bucket, spent)
  SELECT counter, bucket, amount FROM lines
  ON CONFLICT (counter, bucket) DO UPDATE SET spent = budget_spend.spent + excluded.spent
  RETURNING 1
),
forgotten AS (DELETE FROM budget_settled WHERE settled_at < $6)
SELECT (SELECT count(*) FROM charged) AS charged`;
const RENEW = 'UPDATE budget_holds SET expires_at = $2 WHERE reservation = $1 AND expires_at > $3';
const STATE = `
SELECT
  (SELECT coalesce(sum(s.spent), 0) FROM budget_spend s WHERE s.counter = $1 AND s.bucket BETWEEN $2 AND $3) AS spent,
  (SELECT coalesce(sum(h.amount), 0) FROM budget_holds h
    WHERE h.counter = $1 AND h.bucket BETWEEN $2 AND $3 AND h.expires_at > $4) AS held`;

const COUNT_REFUSAL = `INSERT INTO budget_refusals (counter, bucket, refused) VALUES ($1, $2, 1)
ON CONFLICT (counter, bucket) DO UPDATE SET refused = budget_refusals.refused + 1`;
const REFUSALS =
  'SELECT COALESCE(SUM(refused), 0) AS total FROM budget_refusals WHERE counter = $1 AND bucket BETWEEN $2 AND $3';
const ALERTS_SENT =
  'SELECT DISTINCT threshold FROM budget_alerts WHERE counter = $1 AND bucket BETWEEN $2 AND $3 ORDER BY threshold';
const CLAIM_ALERT = 'INSERT INTO budget_alerts (counter, bucket, threshold) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING';

const statementNames = new Map<string, string>();

/** A prepared statement's name, from its text (one name per text, as pg requires). */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `tokenledger_budget_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return name;
}

export interface PostgresBudgetCountersOptions {
  /** `postgres://user:pass@host:port/db?schema=NAME` (the ledger's URL: the counters sit beside its tables). */
  url: string;
  /** @default 10 */
  poolSize?: number;
  /** Longest wait for another reservation's lock before a reserve fails. @default 2000 */
  lockTimeoutMs?: number;
  /** @default 5000 */
  connectTimeoutMs?: number;
}

export class PostgresBudgetCounters implements BudgetCounters, BudgetDefinitionStore {
  /** Lapsed holds are purged once a minute, not on every reserve. */
  private readonly purgeDue = purgeSchedule();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly where: string,
  ) {}

  static async open(options: PostgresBudgetCountersOptions): Promise<PostgresBudgetCounters> {
    const target = postgresTarget(options.url, 'budget counters');
    const pool = openPostgresPool(target, {
      poolSize: options.poolSize ?? 10,
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      settings: { lock_timeout: Math.max(1, Math.round(options.lockTimeoutMs ?? 2000)) },
    });
    const counters = new PostgresBudgetCounters(pool, target.where);
    try {
      // Processes starting together: one creates, the others wait and find it done.
      await inSchemaSetup(pool, target.schema, async (client) => {
        await client.query(DDL);
        await client.query(POSTGRES_DEFINITIONS_DDL);
      });
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw counters.storeError(error, 'open');
    }
    return counters;
  }

  async reserve(request: ReserveRequest): Promise<ReserveOutcome> {
    const { lines } = request;
    const result = await this.query<{
      refused: boolean;
      counter: string;
      cap: string;
      spent: string;
      held: string;
      amount: string;
    }>('reserve', RESERVE, [
      request.reservationId,
      lines.map((line) => line.counter),
      lines.map((line) => line.bucket),
      lines.map((line) => line.fromBucket),
      lines.map((line) => line.cap),
      lines.map((line) => line.amount),
      request.now,
      request.now + request.leaseMs,
      this.purgeDue(request.now) ? request.now - LAPSED_HOLD_KEEP_MS : null,
    ]);
    const row = result.rows[0];
    if (row === undefined || !row.refused) {
      return { admitted: true, states: result.rows.map((r) => ({ spent: Number(r.spent), held: Number(r.held) })) };
    }
    return {
      admitted: false,
      refusal: {
        counter: row.counter,
        cap: Number(row.cap),
        spent: Number(row.spent),
        held: Number(row.held),
        amount: Number(row.amount),
      },
    };
  }

  async settle(
    reservationId: string,
    amounts: Readonly<Record<string, number>>,
    buckets?: Readonly<Record<string, number>>,
  ): Promise<boolean> {
    const entries = Object.entries(amounts);
    const now = Date.now();
    const result = await this.query<{ charged: string }>('settle', SETTLE, [
      reservationId,
      entries.map(([counter]) => counter),
      entries.map(([, amount]) => amount),
      entries.map(([counter]) => buckets?.[counter] ?? null),
      now,
      now - LAPSED_HOLD_KEEP_MS,
    ]);
    return Number(result.rows[0]?.charged ?? 0) > 0;
  }

  async renew(reservationId: string, now: number, leaseMs: number): Promise<boolean> {
    const result = await this.query('renew', RENEW, [reservationId, now + leaseMs, now]);
    return (result.rowCount ?? 0) > 0;
  }

  async state(windows: readonly CounterWindow[], now: number): Promise<CounterState[]> {
    const out: CounterState[] = [];
    for (const window of windows) {
      const result = await this.query<{ spent: string; held: string }>('read', STATE, [
        window.counter,
        window.fromBucket,
        window.bucket,
        now,
      ]);
      out.push({ spent: Number(result.rows[0]?.spent ?? 0), held: Number(result.rows[0]?.held ?? 0) });
    }
    return out;
  }

  async claimAlert(counter: string, bucket: number, threshold: number): Promise<boolean> {
    const result = await this.query('claim alert', CLAIM_ALERT, [counter, bucket, threshold]);
    return (result.rowCount ?? 0) === 1;
  }

  async countRefusal(counter: string, bucket: number): Promise<void> {
    await this.query('count refusal', COUNT_REFUSAL, [counter, bucket]);
  }

  async refusals(windows: readonly CounterWindow[]): Promise<number[]> {
    const out: number[] = [];
    for (const window of windows) {
      const result = await this.query<{ total: string }>('read', REFUSALS, [
        window.counter,
        window.fromBucket,
        window.bucket,
      ]);
      out.push(Number(result.rows[0]?.total ?? 0));
    }
    return out;
  }

  async alertsSent(windows: readonly CounterWindow[]): Promise<number[][]> {
    const out: number[][] = [];
    for (const window of windows) {
      const result = await this.query<{ threshold: number }>('read', ALERTS_SENT, [
        window.counter,
        window.fromBucket,
        window.bucket,
      ]);
      out.push(result.rows.map((row) => Number(row.threshold)));
    }
    return out;
  }

  definitionsVersion(): Promise<number> {
    return this.guarded('read definitions', () => postgresDefinitionsVersion(this.pool));
  }

  listDefinitions(): Promise<{ version: number; budgets: StoredBudget[] }> {
    return this.guarded('read definitions', () => postgresListDefinitions(this.pool));
  }

  writeDefinition(write: DefinitionWrite): Promise<DefinitionWriteOutcome> {
    return this.guarded('write a definition', () => postgresWriteDefinition(this.pool, write));
  }

  auditLog(query: AuditQuery): Promise<BudgetAuditEntry[]> {
    return this.guarded('read the audit', () => postgresAuditLog(this.pool, query));
  }

  private async guarded<T>(doing: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.storeError(error, doing);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async query<R extends pg.QueryResultRow>(
    doing: string,
    text: string,
    values: unknown[],
  ): Promise<pg.QueryResult<R>> {
    try {
      // Named: each connection parses and plans a statement once, not on every admission.
      return await this.pool.query<R>({ name: statementName(text), text, values });
    } catch (error) {
      throw this.storeError(error, doing);
    }
  }

  private storeError(error: unknown, doing: string): StoreError {
    const code = (error as { code?: unknown }).code;
    // 55P03: lock_not_available (lock_timeout).
    const reason = code === '55P03' ? 'another reservation held the lock too long' : (error as Error).message;
    return new StoreError(`budget counters at ${this.where}: ${doing} failed: ${reason}`, {
      cause: error,
      retryable: true,
    });
  }
}
