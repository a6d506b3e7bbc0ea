/**
 * The SQLite store in a worker thread, behind the Store interface: what `tokenledger serve`
 * uses, so that a write waiting for another process's lock never stops the event loop (the
 * gateway, /healthz and /metrics keep answering). The worker (sqlite-worker.ts) owns the
 * SqliteStore; worker-client.ts forwards each call to it.
 *
 * @module
 */
import type { SqliteStoreOptions } from './sqlite.js';
import type { Store } from './store.js';
import { openInWorker, workerEntry } from './worker-client.js';
import type { SqliteWorkerData } from './worker-protocol.js';

/** Opens the SQLite store in a worker thread; resolves once it is open (or rejects as SqliteStore.open would). */
export async function openSqliteWorkerStore(options: SqliteStoreOptions): Promise<Store> {
  const data: SqliteWorkerData = { options };
  const forwarded = await openInWorker(workerEntry(import.meta.url, 'store', 'sqlite-worker'), data);
  // Every method of the worker's SqliteStore, which implements Store, is on `forwarded`.
  return Object.assign(forwarded, { kind: 'sqlite' as const }) as unknown as Store;
}
