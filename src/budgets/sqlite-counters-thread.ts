/**
 * SQLite budget counters for a server (what `tokenledger serve` uses). A reserve is tried first
 * on the calling thread, on a connection that never waits for the write lock: when no other
 * connection is writing (nearly always), the reserve's one transaction runs at once, tens of
 * microseconds, with no hop to another thread and back. When another connection holds the lock
 * (the ledger's writer in the same file, `tokenledger import`, a second `serve`), SQLite says
 * SQLITE_BUSY at once; the reserve is tried again for up to RETRY_HERE_MS between turns of the
 * event loop, then goes to the worker thread, which waits for the lock in
 * short tries (store/worker-host.ts) for at most `busyTimeoutMs`, holding only that call and
 * never the server's event loop. So admission waits on another process's write lock for at most
 * `busyTimeoutMs` (2 s), and on this thread for none of it.
 *
 * Everything else (settle, renew, reads, alerts, definitions) goes to the worker: it runs after
 * the call or off its path. The calling thread's connection leaves checkpoints to the worker's
 * (a checkpoint's fsync would otherwise land on the event loop, inside an admission).
 *
 * @module
 */
import { loadTimersPromises } from '../lazy/index.js';
import { isSqliteBusy, openInWorker, workerEntry } from '../store/index.js';
import type { BudgetCounters, ReserveOutcome, ReserveRequest } from './counters.js';
import type { BudgetDefinitionStore } from './definitions.js';
import { SqliteBudgetCounters, type SqliteBudgetCountersOptions } from './sqlite-counters.js';

/**
 * How long a reserve that met a held lock is tried again on the calling thread (each try fails
 * at once, never blocking; the event loop turns in between) before the worker takes it over. The
 * ledger's own commits to the same file hold the lock a fraction of a millisecond; the worker's
 * wait sleeps at least a millisecond (SQLite's busy handler) after a hop to its thread.
 */
const RETRY_HERE_MS = 1;

export async function openSqliteBudgetCountersThread(
  options: SqliteBudgetCountersOptions,
): Promise<BudgetCounters & BudgetDefinitionStore> {
  const forwarded = await openInWorker(workerEntry(import.meta.url, 'budgets', 'sqlite-counters-worker'), { options });
  // Every method of the worker's SqliteBudgetCounters (BudgetCounters and BudgetDefinitionStore) is on `forwarded`.
  const inWorker = forwarded as unknown as BudgetCounters & BudgetDefinitionStore;
  let here: SqliteBudgetCounters;
  try {
    // Opened after the worker made the tables; the open itself may wait (bounded), reserves never do.
    // Without `movingFrom`: the worker moved the ledger's old tables, if any.
    here = SqliteBudgetCounters.open({
      path: options.path,
      ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
      tryOnly: true,
    });
  } catch (error) {
    await inWorker.close();
    throw error;
  }
  // The worker's own methods, kept before `reserve` and `close` are replaced on the same object.
  const reserveInWorker = inWorker.reserve.bind(inWorker);
  const closeWorker = inWorker.close.bind(inWorker);
  const reserve = async (request: ReserveRequest): Promise<ReserveOutcome> => {
    const giveUpAt = performance.now() + RETRY_HERE_MS;
    for (;;) {
      try {
        return await here.reserve(request);
      } catch (error) {
        if (!isSqliteBusy(error)) throw error;
        // Rolled back (nothing held). Tried again here after the event loop's other work, for a
        // moment (a commit holds the lock for a fraction of a millisecond); then the worker waits for it.
        if (performance.now() >= giveUpAt) return reserveInWorker(request);
        await loadTimersPromises().setImmediate();
      }
    }
  };
  const close = async (): Promise<void> => {
    await here.close();
    await closeWorker();
  };
  return Object.assign(inWorker, { reserve, close });
}
