/**
 * SQLite budget counters in a worker thread (what `tokenledger serve` uses): a gateway call's
 * reserve may wait for another process's write lock (up to `busyTimeoutMs`), and that wait must
 * hold only that call, not every request the server is answering.
 *
 * @module
 */
import { openInWorker, workerEntry } from '../store/index.js';
import type { BudgetCounters } from './counters.js';
import type { BudgetDefinitionStore } from './definitions.js';
import type { SqliteBudgetCountersOptions } from './sqlite-counters.js';

export async function openSqliteBudgetCountersThread(
  options: SqliteBudgetCountersOptions,
): Promise<BudgetCounters & BudgetDefinitionStore> {
  const forwarded = await openInWorker(workerEntry(import.meta.url, 'budgets', 'sqlite-counters-worker'), { options });
  // Every method of the worker's SqliteBudgetCounters (BudgetCounters and BudgetDefinitionStore) is on `forwarded`.
  return forwarded as unknown as BudgetCounters & BudgetDefinitionStore;
}
