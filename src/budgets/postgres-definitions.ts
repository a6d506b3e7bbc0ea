/**
 * Budget definitions in the counters' PostgreSQL schema (PostgresBudgetCounters runs these). A
 * write is one transaction under one advisory lock for all definitions: the lock orders writes,
 * so audit ids commit in increasing order and a reader that saw version N has seen every entry
 * up to N (a sequence alone could commit 6 before 5, and a reader at 6 would never see 5).
 * Admin changes are rare; the lock costs nothing on the admission path.
 *
 * @module
 */
import type pg from 'pg';
import type { BudgetConfig } from '../config/index.js';
import {
  type AuditQuery,
  type BudgetAuditEntry,
  type DefinitionWrite,
  type DefinitionWriteOutcome,
  parseDefinition,
  type StoredBudget,
} from './definitions.js';

export const POSTGRES_DEFINITIONS_DDL = `
CREATE TABLE IF NOT EXISTS budget_definitions (
  name TEXT PRIMARY KEY,
  definition TEXT NOT NULL,
  revision BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS budget_audit (
  id BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  budget TEXT NOT NULL,
  before_json TEXT,
  after_json TEXT
);
CREATE INDEX IF NOT EXISTS budget_audit_budget ON budget_audit (budget, id);
`;

const VERSION = 'SELECT coalesce(max(id), 0) AS version FROM budget_audit';
// One statement, one snapshot: the version and the definitions it describes.
const LIST = `SELECT (${VERSION}) AS version,
  (SELECT coalesce(json_agg(json_build_object('definition', definition, 'revision', revision) ORDER BY name), '[]'::json)
     FROM budget_definitions) AS budgets`;
const LOCK = "SELECT pg_advisory_xact_lock(hashtext('tokenledger.budget_definitions'))";
const AUDIT = `SELECT id, at, actor, action, budget, before_json, after_json FROM budget_audit
WHERE ($1::text IS NULL OR budget = $1) AND id < $2 ORDER BY id DESC LIMIT $3`;

interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: BudgetAuditEntry['action'];
  budget: string;
  before_json: string | null;
  after_json: string | null;
}

export async function postgresDefinitionsVersion(pool: pg.Pool): Promise<number> {
  const result = await pool.query<{ version: string }>(VERSION);
  return Number(result.rows[0]?.version ?? 0);
}

export async function postgresListDefinitions(pool: pg.Pool): Promise<{ version: number; budgets: StoredBudget[] }> {
  const result = await pool.query<{ version: string; budgets: { definition: string; revision: string }[] }>(LIST);
  const row = result.rows[0];
  return {
    version: Number(row?.version ?? 0),
    budgets: (row?.budgets ?? []).map((entry) => ({
      definition: JSON.parse(entry.definition) as BudgetConfig,
      revision: Number(entry.revision),
    })),
  };
}

export async function postgresWriteDefinition(pool: pg.Pool, write: DefinitionWrite): Promise<DefinitionWriteOutcome> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(LOCK);
    const current = await client.query<{ revision: string }>(
      'SELECT revision FROM budget_definitions WHERE name = $1',
      [write.budget],
    );
    if (Number(current.rows[0]?.revision ?? 0) !== write.expectedRevision) {
      await client.query('ROLLBACK');
      return { written: false };
    }
    const { at, actor, action, before } = write.audit;
    const after = write.next === null ? null : JSON.stringify(write.next);
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO budget_audit (id, at, actor, action, budget, before_json, after_json)
       SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4, $5, $6 FROM budget_audit RETURNING id`,
      [at, actor, action, write.budget, before === null ? null : JSON.stringify(before), after],
    );
    const id = Number(inserted.rows[0]?.id);
    if (after === null) await client.query('DELETE FROM budget_definitions WHERE name = $1', [write.budget]);
    else
      await client.query(
        `INSERT INTO budget_definitions (name, definition, revision) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, revision = excluded.revision`,
        [write.budget, after, id],
      );
    await client.query('COMMIT');
    return { written: true, entry: { id, at, actor, action, budget: write.budget, before, after: write.next } };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function postgresAuditLog(pool: pg.Pool, query: AuditQuery): Promise<BudgetAuditEntry[]> {
  const result = await pool.query<AuditRow>(AUDIT, [
    query.budget ?? null,
    query.beforeId ?? Number.MAX_SAFE_INTEGER,
    query.limit,
  ]);
  return result.rows.map((row) => ({
    id: Number(row.id),
    at: Number(row.at),
    actor: row.actor,
    action: row.action,
    budget: row.budget,
    before: parseDefinition(row.before_json),
    after: parseDefinition(row.after_json),
  }));
}
