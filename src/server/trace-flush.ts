/**
 * Which traces hold gateway recordings that may not be in the store yet, so that the OTLP
 * receiver flushes only when a batch's spans could meet one of them (otlp/gateway-metered.ts)
 * instead of draining the whole spool before every export: with a spool, the OTLP receiver's
 * own events wait there too, and draining them before each batch would put the store's insert
 * back on every acknowledgement.
 *
 * A trace is noted when a recording in it starts. `flushFor(traceIds)` starts one flush for the
 * noted traces among them not yet covered by a running flush, and waits for it and for the
 * running flushes that cover the others; a trace stays noted until a flush that started after
 * its last recording has succeeded. At most `maxTraces` traces are noted: past it, one flush
 * starts for all of them (so the set stays bounded without a reader).
 *
 * @module
 */

export interface TraceFlush {
  /** A recording in this trace starts (call before it is handed to the ledger). */
  note(traceId: string): void;
  /** Resolves once every recording started so far in these traces is in the store. */
  flushFor(traceIds: Iterable<string>): Promise<void>;
}

const DEFAULT_MAX_TRACES = 10_000;

export function createTraceFlush(flush: () => Promise<void>, maxTraces = DEFAULT_MAX_TRACES): TraceFlush {
  // trace id -> the flush that covers its recordings, or undefined while none covering the last one has started.
  const noted = new Map<string, Promise<void> | undefined>();

  function startFlush(): Promise<void> {
    const covered = [...noted].filter(([, running]) => running === undefined).map(([traceId]) => traceId);
    const done = flush();
    for (const traceId of covered) noted.set(traceId, done);
    const settle = (stillNoted: boolean): void => {
      for (const traceId of covered) {
        // A recording noted meanwhile replaced the entry: it waits for a later flush.
        if (noted.get(traceId) !== done) continue;
        if (stillNoted) noted.set(traceId, undefined);
        else noted.delete(traceId);
      }
    };
    done.then(
      () => settle(false),
      () => settle(true),
    );
    return done;
  }

  return {
    note(traceId) {
      noted.set(traceId, undefined);
      if (noted.size > maxTraces) startFlush().catch(() => undefined);
    },
    async flushFor(traceIds) {
      const waits = new Set<Promise<void>>();
      let needed = false;
      for (const traceId of traceIds) {
        if (!noted.has(traceId)) continue;
        const running = noted.get(traceId);
        if (running === undefined) needed = true;
        else waits.add(running);
      }
      if (needed) waits.add(startFlush());
      await Promise.all(waits);
    },
  };
}
