/**
 * Budget definitions in the counters' SQLite file (SqliteBudgetCounters runs these, in its
 * worker thread when the server opened it so). A write is one IMMEDIATE transaction: the
 * revision check, the audit entry and the definition, together. The version is the audit
 * table's largest rowid: one b-tree lookup.
 *
 * @module
 */
import type Database from 'better-sqlite3';
import type { BudgetConfig } from '../config/index.js';
import {
  type AuditQuery,
  type BudgetAuditEntry,
  type DefinitionWrite,
  type DefinitionWriteOutcome,
  parseDefinition,
  type StoredBudget,
} from './definitions.js';

export const SQLITE_DEFINITIONS_DDL = `
CREATE TABLE IF NOT EXISTS budget_definitions (
  name TEXT PRIMARY KEY,
  definition TEXT NOT NULL,
  revision INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS budget_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  budget TEXT NOT NULL,
  before_json TEXT,
  after_json TEXT
);
CREATE INDEX IF NOT EXISTS budget_audit_budget ON budget_audit (budget, id);
`;

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: BudgetAuditEntry['action'];
  budget: string;
  before_json: string | null;
  after_json: string | null;
}

export interface SqliteDefinitions {
  version(): number;
  list(): { version: number; budgets: StoredBudget[] };
  write(write: DefinitionWrite): DefinitionWriteOutcome;
  audit(query: AuditQuery): BudgetAuditEntry[];
}

export function sqliteDefinitions(db: Database.Database): SqliteDefinitions {
  const statements = {
    version: db.prepare('SELECT COALESCE(MAX(id), 0) AS version FROM budget_audit'),
    list: db.prepare('SELECT name, definition, revision FROM budget_definitions ORDER BY name'),
    revision: db.prepare<[string]>('SELECT revision FROM budget_definitions WHERE name = ?'),
    append: db.prepare<[number, string, string, string, string | null, string | null]>(
      'INSERT INTO budget_audit (at, actor, action, budget, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    upsert: db.prepare<[string, string, number]>(
      'INSERT INTO budget_definitions (name, definition, revision) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, revision = excluded.revision',
    ),
    remove: db.prepare<[string]>('DELETE FROM budget_definitions WHERE name = ?'),
    audit: db.prepare<[{ budget: string | null; before: number; limit: number }]>(
      'SELECT id, at, actor, action, budget, before_json, after_json FROM budget_audit WHERE (@budget IS NULL OR budget = @budget) AND id < @before ORDER BY id DESC LIMIT @limit',
    ),
  };
  const version = (): number => Number((statements.version.get() as { version: number | bigint }).version);
  const list = db.transaction(() => ({
    version: version(),
    budgets: (statements.list.all() as { definition: string; revision: number }[]).map((row) => ({
      definition: JSON.parse(row.definition) as BudgetConfig,
      revision: Number(row.revision),
    })),
  }));
  const write = db.transaction((change: DefinitionWrite): DefinitionWriteOutcome => {
    const current = statements.revision.get(change.budget) as { revision: number } | undefined;
    if (Number(current?.revision ?? 0) !== change.expectedRevision) return { written: false };
    const { at, actor, action, before } = change.audit;
    const after = change.next === null ? null : JSON.stringify(change.next);
    const id = Number(
      statements.append.run(at, actor, action, change.budget, before === null ? null : JSON.stringify(before), after)
        .lastInsertRowid,
    );
    if (after === null) statements.remove.run(change.budget);
    else statements.upsert.run(change.budget, after, id);
    return { written: true, entry: { id, at, actor, action, budget: change.budget, before, after: change.next } };
  });
  return {
    version,
    list: () => list(),
    write: (change) => write.immediate(change),
    audit: (query) =>
      (
        statements.audit.all({
          budget: query.budget ?? null,
          before: query.beforeId ?? Number.MAX_SAFE_INTEGER,
          limit: query.limit,
        }) as AuditRow[]
      ).map((row) => ({
        id: Number(row.id),
        at: Number(row.at),
        actor: row.actor,
        action: row.action,
        budget: row.budget,
        before: parseDefinition(row.before_json),
        after: parseDefinition(row.after_json),
      })),
  };
}
