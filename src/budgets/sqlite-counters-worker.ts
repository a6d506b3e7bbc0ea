/**
 * The worker thread that owns SqliteBudgetCounters (sqlite-counters-thread.ts starts it). A
 * reserve takes the SQLite write lock; while another process holds it (`tokenledger import`),
 * the wait happens here, in short tries (store/worker-host.ts), never on the server's event loop.
 *
 * @module
 */
import { workerData } from 'node:worker_threads';
import { hostInWorker, isSqliteBusy } from '../store/index.js';
import { SqliteBudgetCounters, type SqliteBudgetCountersOptions } from './sqlite-counters.js';

const { options } = workerData as { options: SqliteBudgetCountersOptions };

void hostInWorker({
  open: (attemptMs) => SqliteBudgetCounters.open({ ...options, busyTimeoutMs: attemptMs }),
  waitMs: options.busyTimeoutMs ?? 2000,
  isBusy: isSqliteBusy,
});
