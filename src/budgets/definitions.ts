/**
 * Budgets made through the admin API live where the counters do (the SQLite counters file beside
 * the ledger's, the ledger's PostgreSQL schema, or Redis), so every process sharing the counters
 * enforces the same ones and they survive a restart. Each change appends one audit entry; the newest entry's id is the
 * definitions' version, which a process reads cheaply to notice another process's change.
 *
 * A write is a compare-and-set on the budget's revision (the id of the entry that last wrote
 * it), so two admins changing one budget at once never lose an update (top-ups add up).
 *
 * @module
 */
import type { BudgetConfig } from '../config/index.js';

/** What an audited change did. */
export type BudgetChangeAction = 'create' | 'change' | 'top-up' | 'pause' | 'resume' | 'delete';

export const BUDGET_CHANGE_ACTIONS: readonly BudgetChangeAction[] = [
  'create',
  'change',
  'top-up',
  'pause',
  'resume',
  'delete',
];

/** A budget defined through the API, as stored: the config file's form, with its revision. */
export interface StoredBudget {
  definition: BudgetConfig;
  /** The id of the audit entry that last wrote it. */
  revision: number;
}

export interface BudgetAuditEntry {
  /** Increasing; the newest entry's id is the definitions' version. */
  id: number;
  /** When (UTC ms). */
  at: number;
  /** Who: the admin key's id (its variable's name), never the key. */
  actor: string;
  action: BudgetChangeAction;
  budget: string;
  before: BudgetConfig | null;
  after: BudgetConfig | null;
}

export interface DefinitionWrite {
  budget: string;
  /** The revision the change was computed from; 0 when the budget must not exist yet. */
  expectedRevision: number;
  /** The new definition; null deletes. */
  next: BudgetConfig | null;
  audit: Pick<BudgetAuditEntry, 'at' | 'actor' | 'action' | 'before'>;
}

/** Written (with its audit entry), or not because the revision moved (someone else wrote first). */
export type DefinitionWriteOutcome = { written: true; entry: BudgetAuditEntry } | { written: false };

export interface AuditQuery {
  /** Only this budget's entries. */
  budget?: string | undefined;
  /** Entries with an id below this one (paging back). */
  beforeId?: number | undefined;
  /** Newest first, at most this many. */
  limit: number;
}

export interface BudgetDefinitionStore {
  /** The newest audit entry's id (0 when nothing was ever changed): one cheap read. */
  definitionsVersion(): Promise<number>;
  /** Every stored budget and the version they are as of, read together. */
  listDefinitions(): Promise<{ version: number; budgets: StoredBudget[] }>;
  /** Compare-and-set on `expectedRevision`; the definition and its audit entry are written together. */
  writeDefinition(write: DefinitionWrite): Promise<DefinitionWriteOutcome>;
  /** Audit entries, newest first. */
  auditLog(query: AuditQuery): Promise<BudgetAuditEntry[]>;
}

/** The JSON columns of an audit entry (before, after) back to definitions. */
export function parseDefinition(text: string | null | undefined): BudgetConfig | null {
  return text === null || text === undefined || text === '' ? null : (JSON.parse(text) as BudgetConfig);
}
