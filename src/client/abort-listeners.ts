/**
 * Abort listeners on a signal that many calls share (a batch's, a client's): one EventTarget
 * listener per signal, fanning out to a Set that each call joins and leaves. A batch's calls
 * each listened on the batch signal themselves before: with a hundred in flight, Node's
 * EventTarget took ~20 µs of the main thread per add in a batch's profile (it walks its
 * listener list looking for a duplicate), where a Set takes a constant fraction of a µs.
 *
 * @module
 */
const listenersOf = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `listener` once when `signal` aborts; returns the function that stops listening. A
 * signal already aborted is the caller's to check (as with `addEventListener`).
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  let listeners = listenersOf.get(signal);
  if (listeners === undefined) {
    const created = new Set<() => void>();
    listeners = created;
    listenersOf.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        const called = [...created];
        created.clear();
        for (const each of called) each();
      },
      { once: true },
    );
  }
  const joined = listeners;
  joined.add(listener);
  return () => {
    joined.delete(listener);
  };
}
