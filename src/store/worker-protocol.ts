/**
 * The messages between an object running in a worker thread (worker-host.ts) and its thin
 * stand-in on the calling thread (worker-client.ts): a method name and its arguments one way,
 * the value or the error (as data: errors/wire.ts) the other. Arguments and values are
 * structured-cloned: every Store and budget counters method takes and gives plain data (events,
 * filters with Dates, rows).
 *
 * @module
 */
import type { WireError } from '../errors/index.js';
import type { SqliteStoreOptions } from './sqlite.js';

export interface WorkerCall {
  id: number;
  method: string;
  args: unknown[];
}

export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

/** The worker's first message: the object's methods once it is open, or why it could not open. */
export type WorkerReady = { ready: true; methods: string[] } | { ready: false; error: WireError };

export interface SqliteWorkerData {
  /** The store's options; `busyTimeoutMs` is the whole wait for another process's lock. */
  options: SqliteStoreOptions;
}
