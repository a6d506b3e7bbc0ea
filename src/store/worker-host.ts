/**
 * The worker thread's side of an object run off the calling thread (worker-client.ts starts
 * it): the SQLite store (sqlite-worker.ts) and the SQLite budget counters. better-sqlite3 is
 * synchronous: a write waiting for another process's lock (`tokenledger import`, a second
 * `serve`) blocks its thread for as long as it waits. Here that thread is this one, so the
 * server's event loop (gateway, /healthz) never waits.
 *
 * Even this thread is never blocked for long: the driver waits at most ATTEMPT_MS for the lock,
 * and a call that met a held lock is tried again (the whole wait bounded by `waitMs`) after the
 * messages that arrived meanwhile are answered. So reads that need no lock (events, trace spans,
 * ping) still answer while a write waits. Retrying is safe when, as here, every method is one
 * transaction, rolled back when the lock was not had. Calls issued one after another keep their
 * order; calls in flight at once, as on any pooled store, do not promise one.
 *
 * @module
 */
import { toWireError } from '../errors/index.js';
import { loadTimersPromises, loadWorkerThreads } from '../lazy/index.js';
import type { WorkerCall, WorkerReady, WorkerReply } from './worker-protocol.js';

/** The longest the driver waits for a lock in one try: how long a read can wait behind a blocked write. */
export const ATTEMPT_MS = 20;

export interface HostOptions<T extends object> {
  /** Opens the object, its driver waiting at most `attemptMs` for a lock. */
  open: (attemptMs: number) => T | Promise<T>;
  /** The whole wait for another process's lock, per call (and at open). */
  waitMs: number;
  /** True for the error of a try that met a held lock. */
  isBusy: (error: unknown) => boolean;
}

/** Runs `work` again while another process holds the lock, until `waitMs` have passed. */
async function waitingOutLocks<T>(work: () => Promise<T>, waitMs: number, isBusy: (error: unknown) => boolean) {
  const deadline = performance.now() + waitMs;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!isBusy(error) || performance.now() >= deadline) throw error;
      await loadTimersPromises().setImmediate();
    }
  }
}

/** The object's public methods, from its class and the classes it extends. */
function methodsOf(target: object): Set<string> {
  const methods = new Set<string>();
  for (let proto = Object.getPrototypeOf(target); proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof Reflect.get(proto, name) === 'function') methods.add(name);
    }
  }
  return methods;
}

/** Opens the object and answers the calling thread's calls until `close`. */
export async function hostInWorker<T extends object>({ open, waitMs, isBusy }: HostOptions<T>): Promise<void> {
  const port = loadWorkerThreads().parentPort;
  if (port === null) throw new Error('hostInWorker runs in a worker thread (started by worker-client.ts)');
  let target: T;
  try {
    target = await waitingOutLocks(async () => open(Math.min(ATTEMPT_MS, waitMs)), waitMs, isBusy);
  } catch (error) {
    port.postMessage({ ready: false, error: toWireError(error) } satisfies WorkerReady);
    return;
  }
  const methods = methodsOf(target);
  const answer = async ({ id, method, args }: WorkerCall): Promise<WorkerReply> => {
    try {
      if (!methods.has(method)) throw new TypeError(`${target.constructor.name} has no method ${method}`);
      const call = Reflect.get(target, method) as (...args: unknown[]) => Promise<unknown>;
      return { id, ok: true, value: await waitingOutLocks(async () => call.apply(target, args), waitMs, isBusy) };
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
