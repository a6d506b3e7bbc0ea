/**
 * The worker thread that owns a SqliteStore (worker-store.ts starts it). better-sqlite3 is
 * synchronous: a write waiting for another process's lock (`tokenledger import`, a second
 * `serve`) blocks its thread for as long as it waits. Here that thread is this one, so the
 * server's event loop (gateway, /healthz) never waits.
 *
 * Even this thread is never blocked for long: the driver waits at most ATTEMPT_MS for the lock,
 * and a call that met a held lock is tried again (the whole wait bounded by the store's
 * `busyTimeoutMs`) after the messages that arrived meanwhile are answered. So reads that need
 * no lock (events, trace spans, ping) still answer while a write waits. Retrying is safe:
 * every method is one transaction, rolled back when the lock was not had, and inserts are
 * idempotent. Calls issued one after another keep their order; calls in flight at once, as on
 * any pooled store, do not promise one.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setImmediate as yieldToMessages } from 'node:timers/promises';
import { toWireError } from '../errors/index.js';
import { isSqliteBusy, SqliteStore } from './sqlite.js';
import type { SqliteWorkerData, WorkerCall, WorkerReady, WorkerReply } from './worker-protocol.js';

/** The longest the driver waits for a lock in one try: how long a read can wait behind a blocked write. */
const ATTEMPT_MS = 20;
const DEFAULT_WAIT_MS = 10_000;

/** Runs `work` again while another process holds the lock, until `waitMs` have passed. */
async function waitingOutLocks<T>(work: () => Promise<T>, waitMs: number): Promise<T> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!isSqliteBusy(error) || performance.now() >= deadline) throw error;
      await yieldToMessages();
    }
  }
}

/** The store's public methods, from its class and the classes it extends. */
function methodsOf(store: object): Set<string> {
  const methods = new Set<string>();
  for (let proto = Object.getPrototypeOf(store); proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof Reflect.get(proto, name) === 'function') methods.add(name);
    }
  }
  return methods;
}

async function serve(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('sqlite-worker.ts runs as a worker thread (started by worker-store.ts)');
  const { options } = workerData as SqliteWorkerData;
  const waitMs = options.busyTimeoutMs ?? DEFAULT_WAIT_MS;
  const attemptOptions = { ...options, busyTimeoutMs: Math.min(ATTEMPT_MS, waitMs) };
  let store: SqliteStore;
  try {
    store = await waitingOutLocks(async () => SqliteStore.open(attemptOptions), waitMs);
  } catch (error) {
    port.postMessage({ ready: false, error: toWireError(error) } satisfies WorkerReady);
    return;
  }
  const methods = methodsOf(store);
  const answer = async ({ id, method, args }: WorkerCall): Promise<WorkerReply> => {
    try {
      if (!methods.has(method)) throw new TypeError(`the SQLite store has no method ${method}`);
      const call = Reflect.get(store, method) as (...args: unknown[]) => Promise<unknown>;
      return { id, ok: true, value: await waitingOutLocks(() => call.apply(store, args), waitMs) };
    } catch (error) {
      return { id, ok: false, error: toWireError(error) };
    }
  };
  port.on('message', (call: WorkerCall) => {
    void answer(call).then((reply) => {
      port.postMessage(reply);
      // Closed: nothing more to answer; the thread ends once the port is closed.
      if (call.method === 'close') port.close();
    });
  });
  port.postMessage({ ready: true, methods: [...methods] } satisfies WorkerReady);
}

void serve();
