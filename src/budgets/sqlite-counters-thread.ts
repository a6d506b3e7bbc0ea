/**
 * SQLite budget counters for a server (what `tokenledger serve` uses). A reserve is tried first
 * on the calling thread, on a connection that never waits for the write lock: when no other
 * connection is writing (nearly always), the reserve's one transaction runs at once, tens of
 * microseconds, with no hop to another thread and back. When another connection holds the lock
 * (a second `serve`, the `tokenledger budgets` command), SQLite says SQLITE_BUSY at once; the
 * reserve is tried again for up to RETRY_HERE_MS between turns of the event loop, then goes to
 * the worker thread, which waits for the lock in short tries (store/worker-host.ts) for at most
 * `busyTimeoutMs`, holding only that call and never the server's event loop. So admission waits
 * on another process's write lock for at most `busyTimeoutMs` (2 s), and on this thread for none
 * of it.
 *
 * Settles, renewals, window reads, alerts and definition writes go to the worker: they run
 * after the call or off its path. The definitions' version and list, which every server reads
 * at start and each second, are read here (a read in WAL mode never waits for a writer), and in
 * the worker only when SQLite is busy. So a server with no budgets never starts the worker (a
 * thread costs ~10 MiB): it starts at once when budgets are configured or stored, else with the
 * first call that needs it (a budget made through the admin API). The calling thread's
 * connection leaves checkpoints to the worker's (a checkpoint's fsync would otherwise land on
 * the event loop, inside an admission); a server whose worker never started writes nothing to
 * checkpoint.
 *
 * @module
 */
import { loadTimersPromises } from '../lazy/index.js';
import { isSqliteBusy, openInWorker, workerEntry } from '../store/index.js';
import type { BudgetCounters, CounterState, CounterWindow, ReserveOutcome, ReserveRequest } from './counters.js';
import type {
  AuditQuery,
  BudgetAuditEntry,
  BudgetDefinitionStore,
  DefinitionWrite,
  DefinitionWriteOutcome,
  StoredBudget,
} from './definitions.js';
import { SqliteBudgetCounters, type SqliteBudgetCountersOptions } from './sqlite-counters.js';

/**
 * How long a reserve that met a held lock is tried again on the calling thread (each try fails
 * at once, never blocking; the event loop turns in between) before the worker takes it over. A
 * settle's commit holds the lock a fraction of a millisecond; the worker's wait sleeps at least
 * a millisecond (SQLite's busy handler) after a hop to its thread.
 */
const RETRY_HERE_MS = 1;

type Counters = BudgetCounters & BudgetDefinitionStore;

export interface SqliteCountersThreadOptions extends SqliteBudgetCountersOptions {
  /**
   * Start the worker now rather than with the first call that needs it: budgets are configured,
   * so the first settle should not wait for a thread to start. Budgets stored through the admin
   * API start it too. @default false
   */
  workerNow?: boolean;
}

export async function openSqliteBudgetCountersThread(options: SqliteCountersThreadOptions): Promise<Counters> {
  // Found now, so that a package missing its worker file fails at start, not at the first budget.
  const entry = workerEntry(import.meta.url, 'budgets', 'sqlite-counters-worker');
  // The counters' file, as the worker opens it (the move below is done by then).
  const file: SqliteBudgetCountersOptions = {
    path: options.path,
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
  };
  // This connection makes the tables (and moves an earlier version's out of the ledger file);
  // at start a wait for another process's lock is bounded, and nothing else is waiting yet.
  const here = SqliteBudgetCounters.open({
    ...file,
    ...(options.movingFrom === undefined ? {} : { movingFrom: options.movingFrom }),
    tryOnly: true,
  });
  let started: Promise<Counters> | undefined;
  // Every method of the worker's SqliteBudgetCounters is on the forwarder.
  const worker = (): Promise<Counters> =>
    (started ??= openInWorker(entry, { options: file }).then(
      (forwarded) => forwarded as unknown as Counters,
      (error: unknown) => {
        started = undefined; // the next call tries again
        throw error;
      },
    ));

  /** Here at once, else (SQLite busy) in the worker, which waits for the lock. */
  async function hereOrWorker<T>(work: (counters: Counters) => Promise<T>, retryForMs = 0): Promise<T> {
    const giveUpAt = performance.now() + retryForMs;
    for (;;) {
      try {
        return await work(here);
      } catch (error) {
        if (!isSqliteBusy(error)) throw error;
        // Rolled back (nothing held). Tried again here after the event loop's other work, for a
        // moment; then the worker waits for the lock.
        if (performance.now() >= giveUpAt) return work(await worker());
        await loadTimersPromises().setImmediate();
      }
    }
  }

  if (options.workerNow === true || (await here.listDefinitions()).budgets.length > 0) {
    try {
      await worker();
    } catch (error) {
      await here.close();
      throw error;
    }
  }

  return {
    reserve: (request: ReserveRequest): Promise<ReserveOutcome> =>
      hereOrWorker((counters) => counters.reserve(request), RETRY_HERE_MS),
    definitionsVersion: (): Promise<number> => hereOrWorker((counters) => counters.definitionsVersion()),
    listDefinitions: (): Promise<{ version: number; budgets: StoredBudget[] }> =>
      hereOrWorker((counters) => counters.listDefinitions()),
    settle: async (reservationId, amounts, buckets): Promise<boolean> =>
      (await worker()).settle(reservationId, amounts, buckets),
    renew: async (reservationId: string, now: number, leaseMs: number): Promise<boolean> =>
      (await worker()).renew(reservationId, now, leaseMs),
    state: async (windows: readonly CounterWindow[], now: number): Promise<CounterState[]> =>
      (await worker()).state(windows, now),
    claimAlert: async (counter, bucket, threshold, keepUntil): Promise<boolean> =>
      (await worker()).claimAlert(counter, bucket, threshold, keepUntil),
    countRefusal: async (counter: string, bucket: number): Promise<void> =>
      (await worker()).countRefusal(counter, bucket),
    refusals: async (windows: readonly CounterWindow[]): Promise<number[]> => (await worker()).refusals(windows),
    alertsSent: async (windows: readonly CounterWindow[]): Promise<number[][]> => (await worker()).alertsSent(windows),
    writeDefinition: async (write: DefinitionWrite): Promise<DefinitionWriteOutcome> =>
      (await worker()).writeDefinition(write),
    auditLog: async (query: AuditQuery): Promise<BudgetAuditEntry[]> => (await worker()).auditLog(query),
    async close(): Promise<void> {
      await here.close();
      const running = await started?.catch(() => undefined);
      await running?.close();
    },
  };
}
