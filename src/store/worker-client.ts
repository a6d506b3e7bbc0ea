/**
 * The calling thread's side of an object run in a worker thread (worker-host.ts is the other):
 * a thin forwarder. Each method call becomes a message to the worker, which owns the object and
 * answers; errors come back as the same classes with their fields (`StoreError.retryable`). The
 * methods are the ones the worker's object has, so a method added to it needs no change here.
 *
 * The worker keeps the process alive only while a call is in flight, as the object on this
 * thread would. `close()` closes the object and ends the thread.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { fromWireError, StoreError } from '../errors/index.js';
import { loadWorkerThreads } from '../lazy/index.js';
import type { WorkerCall, WorkerReady, WorkerReply } from './worker-protocol.js';

/** Every method of the worker's object, forwarded; `close()` also ends the thread. */
export type Forwarded = Record<string, (...args: unknown[]) => Promise<unknown>> & { close(): Promise<void> };

/**
 * Where a worker's file is, from `from` (the `import.meta.url` of the module that starts it,
 * in `src/<folder>/`): beside it in the sources (run through tsx), or in the built package at
 * dist/src/<folder>/, that module being bundled into dist/src/index.js, dist/src/cli/main.js or
 * a chunk in dist/src/chunks/ (scripts/build.mjs builds each worker as an entry of its own).
 */
export function workerEntry(from: string, folder: string, name: string): URL {
  const candidates = [`./${name}.ts`, `./${folder}/${name}.js`, `../${folder}/${name}.js`];
  for (const candidate of candidates) {
    const url = new URL(candidate, from);
    if (existsSync(url)) return url;
  }
  throw new StoreError(`the worker file ${name} is missing (looked for ${candidates.join(', ')} from ${from})`, {
    retryable: false,
  });
}

/** From the sources the worker is TypeScript: it registers tsx (a dev dependency then) before loading it. */
function startWorker(entry: URL, workerData: unknown): Worker {
  const { Worker } = loadWorkerThreads();
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  // `--import tsx` in a worker's execArgv does not load .ts on Node 20; registering from inside does.
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}

/** Starts the worker and resolves once its object is open (or rejects with the error its open threw). */
export async function openInWorker(entry: URL, workerData: unknown): Promise<Forwarded> {
  const name = entry.pathname.slice(entry.pathname.lastIndexOf('/') + 1);
  const stoppedError = (reason: string): StoreError =>
    new StoreError(`the worker thread ${name} stopped: ${reason}`, { retryable: false });
  const worker = startWorker(entry, workerData);
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
  const forwarded: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of methods) forwarded[method] = (...args: unknown[]) => call(method, args);
  const close = async (): Promise<void> => {
    if (stopped !== undefined) return;
    await call('close', []);
    stop(new StoreError(`${name} is closed`, { retryable: false }));
    await worker.terminate();
  };
  return Object.assign(forwarded, { close });
}
