/**
 * The SQLite store in a worker thread, behind the Store interface: what `tokenledger serve`
 * uses, so that a write waiting for another process's lock never stops the event loop (the
 * gateway, /healthz and /metrics keep answering). The worker (sqlite-worker.ts) owns the
 * SqliteStore; worker-client.ts forwards each call to it, except `traceSpans`, which reads on
 * this thread (sqlite-trace-reader.ts).
 *
 * @module
 */
import { DEFAULT_BUSY_TIMEOUT_MS, type SqliteStoreOptions } from './sqlite.js';
import { SqliteTraceReader } from './sqlite-trace-reader.js';
import type { Store } from './store.js';
import { openInWorker, workerEntry } from './worker-client.js';
import type { SqliteWorkerData } from './worker-protocol.js';

/** Opens the SQLite store in a worker thread; resolves once it is open (or rejects as SqliteStore.open would). */
export async function openSqliteWorkerStore(options: SqliteStoreOptions): Promise<Store> {
  const data: SqliteWorkerData = { options };
  const forwarded = await openInWorker(workerEntry(import.meta.url, 'store', 'sqlite-worker'), data);
  // Every method of the worker's SqliteStore, which implements Store, is on `forwarded`.
  const store = Object.assign(forwarded, { kind: 'sqlite' as const }) as unknown as Store;
  // A database in memory lives in the worker alone: only a file can be read from here too.
  if (options.path === ':memory:' || options.path === '') return store;
  const traces = new SqliteTraceReader(options.path, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  const closeWorker = store.close.bind(store);
  return Object.assign(store, {
    traceSpans: (traceIds: readonly string[]) => traces.traceSpans(traceIds),
    close: async () => {
      traces.close();
      await closeWorker();
    },
  });
}
