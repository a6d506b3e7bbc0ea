/**
 * Budget counters beside the ledger: in a SQLite file beside its file (counters-file.ts), its
 * PostgreSQL database (same schema), or in Redis when one is configured. A memory ledger gets
 * memory counters.
 *
 * @module
 */
import { ConfigError } from '../errors/index.js';
import { sqlitePath, storeKindOf } from '../store/index.js';
import type { BudgetCounters } from './counters.js';
import { budgetCountersPath } from './counters-file.js';
import type { BudgetDefinitionStore } from './definitions.js';
import { MemoryBudgetCounters } from './memory-counters.js';
import { PostgresBudgetCounters } from './postgres-counters.js';
import { RedisBudgetCounters } from './redis-counters.js';
import { SqliteBudgetCounters } from './sqlite-counters.js';
import { openSqliteBudgetCountersThread } from './sqlite-counters-thread.js';

export interface OpenBudgetCountersOptions {
  /** The ledger's store URL (`sqlite:PATH`, `postgres://...`, `memory:`). */
  store: string;
  /** A `redis://` URL: counters go there instead. */
  redis?: string | undefined;
  /**
   * SQLite: where the counters run. `worker`: in a worker thread, so a reserve waiting for
   * another process's lock holds only its own call (a server); `main`: on this thread.
   * @default 'main'
   */
  sqliteThread?: 'main' | 'worker';
  /** SQLite in a worker: start the thread now, as budgets are configured (else at first need). @default false */
  workerNow?: boolean;
}

/** Counters and the budget definitions stored beside them (one connection, one place). */
export type BudgetCountersStore = BudgetCounters & BudgetDefinitionStore;

export async function openBudgetCounters(options: OpenBudgetCountersOptions): Promise<BudgetCountersStore> {
  if (options.redis !== undefined) return new RedisBudgetCounters({ redis: options.redis });
  const url = options.store.trim();
  const kind = storeKindOf(url);
  if (kind === 'memory') return new MemoryBudgetCounters();
  if (kind === 'sqlite') {
    const ledger = sqlitePath(url) ?? '';
    const path = budgetCountersPath(ledger);
    const counters = path === ':memory:' ? { path } : { path, movingFrom: ledger };
    return options.sqliteThread === 'worker'
      ? openSqliteBudgetCountersThread({ ...counters, workerNow: options.workerNow === true })
      : SqliteBudgetCounters.open(counters);
  }
  if (kind === 'postgres') return PostgresBudgetCounters.open({ url });
  throw new ConfigError('budgets need a sqlite:, postgres:// or memory: store, or redis', { field: 'store' });
}
