/**
 * The SQLite store in a worker thread, behind the Store interface: what `tokenledger serve`
 * uses, so that a write waiting for another process's lock never stops the event loop (the
 * gateway, /healthz and /metrics keep answering). This side is a thin forwarder: each method
 * call becomes a message to the worker (sqlite-worker.ts), which owns the SqliteStore and
 * answers; errors come back as the same classes with their fields (`StoreError.retryable`).
 * The methods are the ones the worker's store has, so a method added to the store needs no
 * change here.
 *
 * The worker keeps the process alive only while a call is in flight, as the store on the main
 * thread would. `close()` closes the store and ends the thread.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fromWireError, StoreError } from '../errors/index.js';
import type { SqliteStoreOptions } from './sqlite.js';
import type { Store } from './store.js';
import type { SqliteWorkerData, WorkerCall, WorkerReady, WorkerReply } from './worker-protocol.js';

/**
 * Where the worker's file is: beside this one in the sources (run through tsx), or in the
 * built package at dist/src/store/, this code being bundled into dist/src/index.js,
 * dist/src/cli/main.js or a chunk in dist/src/chunks/ (scripts/build.mjs).
 */
const ENTRY_CANDIDATES = ['./sqlite-worker.ts', './store/sqlite-worker.js', '../store/sqlite-worker.js'];

function workerEntry(): URL {
  for (const candidate of ENTRY_CANDIDATES) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(url)) return url;
  }
  throw new StoreError(
    `the SQLite worker's file is missing (looked for ${ENTRY_CANDIDATES.join(', ')} from ${import.meta.url})`,
    {
      retryable: false,
    },
  );
}

/** From the sources the worker is TypeScript: it registers tsx (a dev dependency then) before loading it. */
function startWorker(entry: URL, workerData: SqliteWorkerData): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}

function stoppedError(reason: string): StoreError {
  return new StoreError(`the SQLite store's worker thread stopped: ${reason}`, { retryable: false });
}

/** Opens the SQLite store in a worker thread; resolves once it is open (or rejects as SqliteStore.open would). */
export async function openSqliteWorkerStore(options: SqliteStoreOptions): Promise<Store> {
  const worker = startWorker(workerEntry(), { options });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let stopped: StoreError | undefined;
  const stop = (error: StoreError): void => {
    stopped ??= error;
    for (const call of pending.values()) call.reject(stopped);
    pending.clear();
  };
  const ready = new Promise<string[]>((resolve, reject) => {
    worker.once('message', (message: WorkerReady) => {
      if (message.ready) resolve(message.methods);
      else reject(fromWireError(message.error));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(stoppedError(`exited with code ${code} while opening`)));
  });
  const methods = await ready.catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  worker.on('message', (reply: WorkerReply) => {
    const call = pending.get(reply.id);
    if (call === undefined) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if (reply.ok) call.resolve(reply.value);
    else call.reject(fromWireError(reply.error));
  });
  worker.on('error', (error) => stop(stoppedError(error.message)));
  worker.on('exit', (code) => stop(stoppedError(`exited with code ${code}`)));
  worker.unref();

  const call = (method: string, args: unknown[]): Promise<unknown> => {
    if (stopped !== undefined) return Promise.reject(stopped);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, method, args } satisfies WorkerCall);
    });
  };
  const store: Record<string, unknown> = { kind: 'sqlite' };
  for (const method of methods) store[method] = (...args: unknown[]) => call(method, args);
  store['close'] = async (): Promise<void> => {
    if (stopped !== undefined) return;
    await call('close', []);
    stop(new StoreError('the SQLite store is closed', { retryable: false }));
    await worker.terminate();
  };
  // Every method of the worker's SqliteStore, which implements Store, is on this object.
  return store as unknown as Store;
}
