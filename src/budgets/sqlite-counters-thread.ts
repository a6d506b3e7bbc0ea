/**
 * SQLite budget counters for a server (what `tokenledger serve` uses). Every operation on a
 * call's path (reserve, settle, renew, the window reads that alerts make) runs first on the
 * calling thread, on a connection that never waits for the write lock: when no other process is
 * writing the file (nearly always), its one transaction runs at once, tens of microseconds, with
 * no hop to another thread and back. A hop costs more than the work: a postMessage each way,
 * ~40 µs of this thread's time per message, and a settle run in the worker held the write lock
 * just when the next call's reserve wanted it. When another process holds the lock (a second
 * `serve`, the `tokenledger budgets` command), SQLite says SQLITE_BUSY at once; a reserve is
 * tried again for up to RETRY_HERE_MS between turns of the event loop, then goes to the worker
 * thread, which waits for the lock in short tries (store/worker-host.ts) for at most
 * `busyTimeoutMs`, holding only that call and never the server's event loop; other operations
 * go to the worker at once. So admission waits on another process's write lock for at most
 * `busyTimeoutMs` (2 s), and on this thread for none of it.
 *
 * Definition writes and the audit go to the worker (rare, off any call's path). This thread's
 * connection never checkpoints (a checkpoint's fsync would land on the event loop, inside an
 * admission): every CHECKPOINT_EVERY_WRITES of its writes, the worker copies the WAL into the
 * file (PASSIVE: it waits for no one). A server with no budgets never starts the worker (a
 * thread costs ~10 MiB): it starts at once when budgets are configured or stored, else with the
 * first call that needs it (a budget made through the admin API, the first checkpoint).
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

/**
 * Writes on this thread between two checkpoints by the worker. A call writes its hold and its
 * settle, a few pages each: ~1,000 WAL pages (4 MiB, SQLite's own checkpoint interval) between
 * two checkpoints.
 */
const CHECKPOINT_EVERY_WRITES = 256;

type Counters = BudgetCounters & BudgetDefinitionStore & { checkpoint(): Promise<void> };

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

  // A write here counts towards the worker's next checkpoint; one checkpoint at a time.
  let writesHere = 0;
  let checkpointing = false;
  function wroteHere(): void {
    if (++writesHere < CHECKPOINT_EVERY_WRITES || checkpointing) return;
    writesHere = 0;
    checkpointing = true;
    worker()
      .then((counters) => counters.checkpoint())
      .catch(() => undefined) // the next one tries again; the WAL only grows meanwhile
      .finally(() => (checkpointing = false));
  }
  /** A write: here at once (counted for the checkpoint), else in the worker. */
  async function write<T>(work: (counters: Counters) => Promise<T>, retryForMs = 0): Promise<T> {
    let ranHere = false;
    const result = await hereOrWorker((counters) => {
      ranHere = counters === here;
      return work(counters);
    }, retryForMs);
    if (ranHere) wroteHere();
    return result;
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
      write((counters) => counters.reserve(request), RETRY_HERE_MS),
    settle: (reservationId, amounts, buckets): Promise<boolean> =>
      write((counters) => counters.settle(reservationId, amounts, buckets)),
    renew: (reservationId: string, now: number, leaseMs: number): Promise<boolean> =>
      write((counters) => counters.renew(reservationId, now, leaseMs)),
    claimAlert: (counter, bucket, threshold, keepUntil): Promise<boolean> =>
      write((counters) => counters.claimAlert(counter, bucket, threshold, keepUntil)),
    countRefusal: (counter: string, bucket: number): Promise<void> =>
      write((counters) => counters.countRefusal(counter, bucket)),
    state: (windows: readonly CounterWindow[], now: number): Promise<CounterState[]> =>
      hereOrWorker((counters) => counters.state(windows, now)),
    refusals: (windows: readonly CounterWindow[]): Promise<number[]> =>
      hereOrWorker((counters) => counters.refusals(windows)),
    alertsSent: (windows: readonly CounterWindow[]): Promise<number[][]> =>
      hereOrWorker((counters) => counters.alertsSent(windows)),
    definitionsVersion: (): Promise<number> => hereOrWorker((counters) => counters.definitionsVersion()),
    listDefinitions: (): Promise<{ version: number; budgets: StoredBudget[] }> =>
      hereOrWorker((counters) => counters.listDefinitions()),
    writeDefinition: async (definition: DefinitionWrite): Promise<DefinitionWriteOutcome> =>
      (await worker()).writeDefinition(definition),
    auditLog: async (query: AuditQuery): Promise<BudgetAuditEntry[]> => (await worker()).auditLog(query),
    checkpoint: async (): Promise<void> => (await worker()).checkpoint(),
    async close(): Promise<void> {
      await here.close();
      const running = await started?.catch(() => undefined);
      await running?.close();
    },
  };
}
