import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderRunReport, loadRunReport } from '#src/analytics/index.js';
import { StoreError } from '#src/errors/index.js';
import { createRecordingLedger } from '#src/ledger/index.js';
import type { LogContext, Logger } from '#src/types/index.js';
import { flakyStore, manualClock, storedIds } from './helpers.js';

const CALL = { provider: 'openai', model: 'gpt-4o', usage: { inputTokens: 10, outputTokens: 5 } };

function recordingLogger(): Logger & { lines: { level: string; message: string; context?: LogContext }[] } {
  const lines: { level: string; message: string; context?: LogContext }[] = [];
  const at = (level: string) => (message: string, context?: LogContext) => void lines.push({ level, message, context });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('fail-open', () => {
  it('keeps the caller going when the store is down, then lands the buffered events', async () => {
    const store = await flakyStore();
    const clock = manualClock();
    const logger = recordingLogger();
    const ledger = createRecordingLedger({ store, clock: clock.now, logger, autoRetry: false });
    store.down = true;
    const first = await ledger.record(CALL);
    expect(ledger.stats()).toMatchObject({ recorded: 0, storeFailures: 1, buffered: 1, dropped: 0 });
    expect(logger.lines[0]?.level).toBe('warn');
    // the store error's secrets are redacted
    expect(JSON.stringify(logger.lines)).not.toMatch(/hunter2|sk-proj-abcdefghijklmnop/);
    expect(JSON.stringify(logger.lines)).toContain('ECONNREFUSED');

    // Within the backoff the store is not even tried: the event goes straight to the buffer.
    const second = await ledger.record(CALL);
    expect(store.insertCalls).toBe(1);
    expect(ledger.stats().buffered).toBe(2);

    // Backoff over, store back: the next record carries the buffer with it.
    store.down = false;
    clock.advance(100);
    const third = await ledger.record(CALL);
    expect(store.insertCalls).toBe(2);
    expect(store.batches[1]).toBe(3);
    expect(ledger.stats()).toMatchObject({ recorded: 3, storeFailures: 1, buffered: 0 });
    expect(await storedIds(store)).toEqual([first.id, second.id, third.id].sort());
  });

  it('backs off exponentially while the store stays down', async () => {
    const store = await flakyStore();
    const clock = manualClock();
    const ledger = createRecordingLedger({ store, clock: clock.now, autoRetry: false });
    store.down = true;
    await ledger.record(CALL); // fails: retry in 100 ms
    clock.advance(100);
    await ledger.record(CALL); // tried, fails: retry in 200 ms
    expect(store.insertCalls).toBe(2);
    clock.advance(150);
    await ledger.record(CALL); // still backing off
    expect(store.insertCalls).toBe(2);
    clock.advance(50);
    await ledger.record(CALL);
    expect(store.insertCalls).toBe(3);
    expect(ledger.stats()).toMatchObject({ storeFailures: 3, buffered: 4 });
  });

  it('flush() retries at once; it rejects while the store still fails and succeeds once it is back', async () => {
    const store = await flakyStore();
    const ledger = createRecordingLedger({ store, clock: manualClock().now, autoRetry: false });
    store.down = true;
    await ledger.record(CALL);
    await ledger.record(CALL);
    await expect(ledger.flush()).rejects.toBeInstanceOf(StoreError);
    expect(ledger.stats().buffered).toBe(2);
    store.down = false;
    await ledger.flush();
    expect(ledger.stats()).toMatchObject({ buffered: 0, recorded: 2 });
    expect(await storedIds(store)).toHaveLength(2);
  });

  it('bounds the buffer: the oldest events are dropped and counted', async () => {
    const store = await flakyStore();
    const logger = recordingLogger();
    const ledger = createRecordingLedger({ store, clock: manualClock().now, bufferLimit: 3, logger, autoRetry: false });
    store.down = true;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await ledger.record(CALL)).id);
    expect(ledger.stats()).toMatchObject({ buffered: 3, dropped: 2 });
    expect(logger.lines.some((l) => l.level === 'error' && l.message.includes('dropped'))).toBe(true);
    store.down = false;
    await ledger.flush();
    expect(await storedIds(store)).toEqual(ids.slice(2).sort());
  });

  it('with failOpen: false, a store failure rejects with StoreError and nothing is buffered', async () => {
    const store = await flakyStore();
    const ledger = createRecordingLedger({ store });
    store.down = true;
    await expect(ledger.record(CALL, { failOpen: false })).rejects.toBeInstanceOf(StoreError);
    await expect(ledger.recordMany([CALL, CALL], { failOpen: false })).rejects.toThrow(/store insert failed/);
    expect(ledger.stats().buffered).toBe(0);
  });
});

describe('automatic retry', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries the buffer on a timer when the backoff ends, with no further record', async () => {
    // The retry timer and the clock; setImmediate stays real (the writer starts each insert on it).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const store = await flakyStore();
    const ledger = createRecordingLedger({ store }); // clock: Date.now, faked
    store.down = true;
    await ledger.record(CALL);
    await ledger.record(CALL);
    expect(ledger.stats().buffered).toBe(2);
    await vi.advanceTimersByTimeAsync(100); // first backoff: tried again, still down
    expect(ledger.stats()).toMatchObject({ storeFailures: 2, buffered: 2 });
    store.down = false;
    await vi.advanceTimersByTimeAsync(199);
    expect(ledger.stats().buffered).toBe(2); // second backoff is 200 ms
    await vi.advanceTimersByTimeAsync(1);
    expect(ledger.stats()).toMatchObject({ buffered: 0, recorded: 2 });
    expect(await storedIds(store)).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('group commit', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('coalesces concurrent records into few inserts, each resolving once durable', async () => {
    const store = await flakyStore();
    const ledger = createRecordingLedger({ store });
    let open!: () => void;
    store.gate = new Promise<void>((resolve) => (open = resolve));
    const first = Array.from({ length: 10 }, () => ledger.record(CALL)); // same tick: one insert
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.insertCalls).toBe(1); // in flight, held by the gate
    const later = Array.from({ length: 40 }, () => ledger.record(CALL));
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.insertCalls).toBe(1); // the 40 wait for the first insert
    store.gate = undefined;
    open();
    const events = await Promise.all([...first, ...later]);
    expect(store.batches).toEqual([10, 40]);
    expect(new Set(events.map((e) => e.id)).size).toBe(50);
    expect((await storedIds(store)).length).toBe(50);
  });

  it('with a commit window, records made over the window share one insert; flush() ends it at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const store = await flakyStore();
    const ledger = createRecordingLedger({ store, commitWindowMs: 50 });
    const settled: number[] = [];
    const first = [0, 1, 2].map((index) => ledger.record(CALL).then(() => settled.push(index)));
    await vi.advanceTimersByTimeAsync(20);
    const fourth = ledger.record(CALL).then(() => settled.push(3));
    await vi.advanceTimersByTimeAsync(29);
    expect(store.insertCalls).toBe(0); // 49 ms in: nothing written, nothing acknowledged
    expect(settled).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([...first, fourth]);
    expect(store.batches).toEqual([4]);
    expect(settled).toEqual([0, 1, 2, 3]);
    // A window cut short: flush() writes at once, without waiting for the timer.
    const fifth = ledger.record(CALL);
    await vi.advanceTimersByTimeAsync(1);
    const flushed = ledger.flush();
    await Promise.all([fifth, flushed]);
    expect(store.batches).toEqual([4, 1]);
    expect((await storedIds(store)).length).toBe(5);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('with a quiet time, a window ends once no record came for that long, and at its full length at the latest', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const store = await flakyStore();
    const ledger = createRecordingLedger({ store, commitWindowMs: 50, commitQuietMs: 3 });
    // A burst: a record each ms for 10 ms, then nothing. The window stays open while records
    // come, and ends 3 to 6 ms after the last one (the quiet time is checked every 3 ms).
    const burst: Promise<unknown>[] = [];
    for (let ms = 0; ms < 10; ms++) {
      burst.push(ledger.record(CALL));
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(store.insertCalls).toBe(0); // 10 ms in, the last record 1 ms ago
    await vi.advanceTimersByTimeAsync(2);
    expect(store.insertCalls).toBe(0);
    await vi.advanceTimersByTimeAsync(4);
    await Promise.all(burst);
    expect(store.batches).toEqual([10]);
    // Records that never pause: the window ends at its full length, 50 ms after its first.
    const steady: Promise<unknown>[] = [];
    for (let ms = 0; ms < 49; ms++) {
      steady.push(ledger.record(CALL));
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(store.batches).toEqual([10]);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all(steady);
    expect(store.batches).toEqual([10, 49]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('fail-open during a run', () => {
  it('a store outage mid-run loses nothing: the run report counts every call once the store is back', async () => {
    const store = await flakyStore();
    const clock = manualClock();
    const run = createRecordingLedger({ store, clock: clock.now, autoRetry: false }).scope({ run: 'AAPL' });
    const agents = [
      'indicator_agent',
      'volume_agent',
      'sector_agent',
      'risk_agent',
      'final_decision_agent',
      'mtf_agent',
    ];
    for (const [i, agent] of agents.entries()) {
      store.down = i >= 2 && i <= 3; // the store is down for the 3rd and 4th calls
      clock.advance(1000);
      const event = await run.record({ ...CALL, agent, durationMs: 500 });
      expect(event.run).toBe('AAPL'); // the caller always gets its event back
    }
    expect(run.stats()).toMatchObject({ storeFailures: 2, buffered: 0, recorded: 6 }); // calls 3 and 4 each tried once
    const report = renderRunReport(await loadRunReport(store, { run: 'AAPL' }), { subject: 'AAPL' });
    expect(report).toContain('Total LLM Calls: 6');
    expect(report).toContain('Total Tokens: 90');
    expect(report).toContain('Total Analysis Time: 5.50s');
  });
});
