/**
 * Budget counters beside the ledger: in its SQLite file, its PostgreSQL database (same schema),
 * or in Redis when one is configured (lowest latency). A memory ledger gets memory counters.
 *
 * @module
 */
import { ConfigError } from '../errors/index.js';
import type { BudgetCounters } from './counters.js';
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
}

/** Counters and the budget definitions stored beside them (one connection, one place). */
export type BudgetCountersStore = BudgetCounters & BudgetDefinitionStore;

export async function openBudgetCounters(options: OpenBudgetCountersOptions): Promise<BudgetCountersStore> {
  if (options.redis !== undefined) return new RedisBudgetCounters({ redis: options.redis });
  const url = options.store.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'memory') return new MemoryBudgetCounters();
  if (scheme === 'sqlite' || scheme === 'file') {
    let path = url.slice(scheme.length + 1);
    if (path.startsWith('//')) path = path.slice(2);
    return options.sqliteThread === 'worker'
      ? openSqliteBudgetCountersThread({ path })
      : SqliteBudgetCounters.open({ path });
  }
  if (scheme === 'postgres' || scheme === 'postgresql') return PostgresBudgetCounters.open({ url });
  throw new ConfigError('budgets need a sqlite:, postgres:// or memory: store, or redis', { field: 'store' });
}
