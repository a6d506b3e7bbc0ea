/**
 * The OTLP receiver's per-trace flush of gateway recordings (src/server/trace-flush.ts): a batch
 * whose traces hold no unstored gateway recording flushes nothing; one that does starts one
 * flush, which later batches in the same traces wait for; a failed flush leaves its traces
 * noted; the noted set stays bounded.
 */
import { describe, expect, it } from 'vitest';
import { createTraceFlush } from '#src/server/trace-flush.js';

/** A flush whose calls are counted and which settles when told to. */
function controlledFlush(): { flush: () => Promise<void>; calls: number; settle: (error?: Error) => void } {
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const state = {
    calls: 0,
    flush: () => {
      state.calls += 1;
      return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
    },
    settle: (error?: Error) => {
      for (const waiting of pending.splice(0)) {
        if (error === undefined) waiting.resolve();
        else waiting.reject(error);
      }
    },
  };
  return state;
}

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('createTraceFlush', () => {
  it('flushes only for traces with a noted recording, once, and forgets them after', async () => {
    const control = controlledFlush();
    const traces = createTraceFlush(control.flush);
    await traces.flushFor(['a', 'b']);
    expect(control.calls).toBe(0);
    traces.note('a');
    const first = traces.flushFor(['a', 'b']);
    expect(control.calls).toBe(1);
    // Same trace while its flush runs: waits for that one, starts none.
    const second = traces.flushFor(['a']);
    expect(control.calls).toBe(1);
    expect(await settled(second)).toBe(false);
    control.settle();
    await Promise.all([first, second]);
    await traces.flushFor(['a']);
    expect(control.calls).toBe(1);
  });

  it('a recording noted while its trace is being flushed needs a later flush', async () => {
    const control = controlledFlush();
    const traces = createTraceFlush(control.flush);
    traces.note('a');
    const first = traces.flushFor(['a']);
    traces.note('a');
    const second = traces.flushFor(['a']);
    expect(control.calls).toBe(2);
    control.settle();
    await Promise.all([first, second]);
    await traces.flushFor(['a']);
    expect(control.calls).toBe(2);
  });

  it('a failed flush rejects its waiters and leaves the traces noted', async () => {
    const control = controlledFlush();
    const traces = createTraceFlush(control.flush);
    traces.note('a');
    const failing = traces.flushFor(['a']);
    control.settle(new Error('store down'));
    await expect(failing).rejects.toThrow('store down');
    const retry = traces.flushFor(['a']);
    expect(control.calls).toBe(2);
    control.settle();
    await retry;
  });

  it('past maxTraces noted traces, one flush starts for all of them', async () => {
    const control = controlledFlush();
    const traces = createTraceFlush(control.flush, 3);
    for (const id of ['a', 'b', 'c']) traces.note(id);
    expect(control.calls).toBe(0);
    traces.note('d');
    expect(control.calls).toBe(1);
    control.settle();
    await new Promise((resolve) => setImmediate(resolve));
    await traces.flushFor(['a', 'b', 'c', 'd']);
    expect(control.calls).toBe(1);
  });
});
