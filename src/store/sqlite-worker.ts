/**
 * The worker thread that owns a SqliteStore (worker-store.ts starts it; worker-host.ts answers
 * the calls and waits out another process's lock in short tries).
 *
 * @module
 */
import { workerData } from 'node:worker_threads';
import { isSqliteBusy, SqliteStore } from './sqlite.js';
import { hostInWorker } from './worker-host.js';
import type { SqliteWorkerData } from './worker-protocol.js';

const { options } = workerData as SqliteWorkerData;

void hostInWorker({
  open: (attemptMs) => SqliteStore.open({ ...options, busyTimeoutMs: attemptMs }),
  waitMs: options.busyTimeoutMs ?? 10_000,
  isBusy: isSqliteBusy,
});
