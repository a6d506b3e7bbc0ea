/**
 * A bounded worker pool over an iterator: `concurrency` workers each pull the next item, so
 * 100k items never become 100k pending promises. One failed item never fails the batch; an
 * abort stops new work and lets in-flight items settle.
 *
 * @module
 */

export type BatchSource<T> = Iterable<T> | AsyncIterable<T>;

export interface BatchPoolOptions {
  /** Items in flight at once. @default 8 */
  concurrency?: number;
  /** Stops pulling new items; items in flight settle. */
  signal?: AbortSignal;
}

/**
 * Runs `worker` on every item, at most `concurrency` at a time, calling `onSettled` as each
 * finishes. `worker` must not reject (wrap failures into results); a rejection is reported
 * through `onSettled` as `{ thrown }` all the same.
 *
 * @returns how many items were started.
 */
export async function runPool<T, R>(
  source: BatchSource<T>,
  worker: (item: T, index: number) => Promise<R>,
  onSettled: (index: number, outcome: { value: R } | { thrown: unknown }) => void,
  options: BatchPoolOptions = {},
): Promise<number> {
  const concurrency = options.concurrency ?? 8;
  if (!(Number.isInteger(concurrency) && concurrency > 0)) {
    throw new RangeError(`concurrency: expected an integer from 1 up, got ${String(concurrency)}`);
  }
  const iterator: Iterator<T> | AsyncIterator<T> =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (source as Iterable<T>)[Symbol.iterator]();
  let started = 0;
  let exhausted = false;
  const pull = async (): Promise<{ item: T; index: number } | undefined> => {
    if (exhausted || options.signal?.aborted === true) return undefined;
    const next = await iterator.next();
    if (next.done === true) {
      exhausted = true;
      return undefined;
    }
    return { item: next.value, index: started++ };
  };
  const runWorker = async (): Promise<void> => {
    for (;;) {
      const next = await pull();
      if (next === undefined) return;
      try {
        onSettled(next.index, { value: await worker(next.item, next.index) });
      } catch (thrown) {
        onSettled(next.index, { thrown });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, runWorker));
  } finally {
    if (!exhausted) await iterator.return?.();
  }
  return started;
}
