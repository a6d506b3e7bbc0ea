import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreError } from '#src/errors/index.js';
import { createRecordingLedger } from '#src/ledger/index.js';
import type { LogContext, Logger } from '#src/types/index.js';
import { flakyStore, storedIds } from './helpers.js';

const CALL = { provider: 'openai', model: 'gpt-4o', usage: { inputTokens: 10, outputTokens: 5 } };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function spoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tl-spool-'));
  dirs.push(dir);
  return join(dir, 'ledger.db.spool');
}

function recordingLogger(): Logger & { lines: { level: string; message: string; context?: LogContext }[] } {
  const lines: { level: string; message: string; context?: LogContext }[] = [];
  const at = (level: string) => (message: string, context?: LogContext) => void lines.push({ level, message, context });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const segments = (path: string): string[] => readdirSync(path).filter((name) => name.endsWith('.ndjson'));

describe('the spool', () => {
  it('has the event on disk when record() returns, then drains it into the store and deletes the segment', async () => {
    const path = spoolDir();
    const store = await flakyStore();
    const ledger = createRecordingLedger({ store, spool: { path } });
    const recording = ledger.record(CALL);
    // Synchronously, before the promise settles: one line in the open segment.
    const [segment] = segments(path);
    expect(readFileSync(join(path, segment!), 'utf8').trim().split('\n')).toHaveLength(1);
    const event = await recording;
    expect(store.insertCalls).toBe(0);
    await ledger.flush();
    expect(await storedIds(store)).toEqual([event.id]);
    expect(segments(path)).toEqual([]);
    expect(ledger.stats()).toMatchObject({ recorded: 1, buffered: 0, dropped: 0 });
    expect(ledger.stats().spool).toMatchObject({ pending: 0, bytes: 0, refused: 0, state: 'ok', storeFailing: false });
    await ledger.close();
  });

  it('batches many calls into few inserts', async () => {
    const store = await flakyStore();
    const ledger = createRecordingLedger({ store, spool: { path: spoolDir() } });
    await Promise.all(Array.from({ length: 250 }, () => ledger.record(CALL)));
    await ledger.flush();
    expect(store.batches).toEqual([250]);
    await ledger.close();
  });

  it('replays at start what a killed process left, skipping a torn last line, and never stores twice', async () => {
    const path = spoolDir();
    const store = await flakyStore();
    // A process that died (pid 2^22+1 is beyond Linux's pid_max, so never alive) left a segment
    // with three events, the last one cut mid-line.
    const maker = createRecordingLedger({ store: await flakyStore() });
    const events = await Promise.all([maker.record(CALL), maker.record(CALL), maker.record(CALL)]);
    const lines = events.map((event) => JSON.stringify(event));
    mkdirSync(path, { recursive: true });
    const dead = join(path, `4194305-${Date.now().toString(36)}-00000000.ndjson`);
    writeFileSync(dead, `${lines[0]}\n${lines[1]}\n${lines[2]!.slice(0, 40)}`);
    // The first two were stored once already: replay must not add them again.
    await store.inner.insert([events[0]!]);
    const logger = recordingLogger();
    const second = createRecordingLedger({ store, spool: { path }, logger });
    await second.flush();
    const stored = await storedIds(store);
    expect(stored).toEqual([events[0]!.id, events[1]!.id].sort());
    expect(second.stats().spool).toMatchObject({ adopted: 2, skippedLines: 1, pending: 0 });
    expect(logger.lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
      'tokenledger: spool lines skipped (torn by a kill mid-write, or not an event)',
    ]);
    expect(segments(path)).toEqual([]);
    await second.close();
  });

  it('leaves the segments of a live process alone', async () => {
    const path = spoolDir();
    mkdirSync(path, { recursive: true });
    const event = await createRecordingLedger({ store: await flakyStore() }).record(CALL);
    // The parent of this test process is alive.
    const live = `${process.ppid}-${Date.now().toString(36)}-00000000.ndjson`;
    appendFileSync(join(path, live), `${JSON.stringify(event)}\n`);
    const store = await flakyStore();
    const ledger = createRecordingLedger({ store, spool: { path } });
    await ledger.flush();
    expect(await storedIds(store)).toEqual([]);
    expect(segments(path)).toEqual([live]);
    await ledger.close();
  });

  it('adopts a segment whose pid now belongs to another process, started after the owner opened its spool', async () => {
    const path = spoolDir();
    mkdirSync(path, { recursive: true });
    const event = await createRecordingLedger({ store: await flakyStore() }).record(CALL);
    // The owner opened its spool a minute ago and was killed; its pid went to a new process.
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const reused = `${String(other.pid)}-${(Date.now() - 60_000).toString(36)}-00000000.ndjson`;
      appendFileSync(join(path, reused), `${JSON.stringify(event)}\n`);
      const store = await flakyStore();
      const ledger = createRecordingLedger({ store, spool: { path } });
      await ledger.flush();
      expect(await storedIds(store)).toEqual([event.id]);
      expect(segments(path)).toEqual([]);
      await ledger.close();
    } finally {
      other.kill();
    }
  });

  it('keeps events on disk while the store is down and stores them once it is back', async () => {
    const path = spoolDir();
    const store = await flakyStore();
    const logger = recordingLogger();
    const ledger = createRecordingLedger({ store, spool: { path }, logger });
    store.down = true;
    const events = await Promise.all(Array.from({ length: 20 }, () => ledger.record(CALL)));
    await expect(ledger.flush()).rejects.toThrow(/20 events remain in the spool/);
    await expect(ledger.flush()).rejects.toBeInstanceOf(StoreError);
    expect(ledger.stats().spool).toMatchObject({ pending: 20, storeFailing: true, state: 'ok' });
    // One warning when the store starts failing, not one per attempt.
    expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(1);
    expect(JSON.stringify(logger.lines)).not.toMatch(/hunter2|sk-proj-abcdefghijklmnop/);
    store.down = false;
    await ledger.flush();
    expect(await storedIds(store)).toEqual(events.map((event) => event.id).sort());
    expect(ledger.stats().spool).toMatchObject({ pending: 0, storeFailing: false });
    expect(logger.lines.at(-1)?.message).toBe('tokenledger: store is back; the spool is being drained');
    await ledger.close();
  });

  it('is bounded: past maxBytes events are refused and counted, logged once, and accepted again after a drain', async () => {
    const path = spoolDir();
    const store = await flakyStore();
    const logger = recordingLogger();
    const ledger = createRecordingLedger({ store, spool: { path, maxBytes: 4000 }, logger });
    store.down = true;
    const lineBytes = Buffer.byteLength(`${JSON.stringify(await ledger.record(CALL))}\n`);
    const fits = Math.floor(4000 / lineBytes);
    const results = [];
    for (let i = 1; i < fits + 5; i++) results.push(await ledger.recordMany([CALL]));
    expect(results.filter((result) => result.outcome === 'refused')).toHaveLength(5);
    expect(ledger.stats()).toMatchObject({ buffered: fits, dropped: 5 });
    expect(ledger.stats().spool).toMatchObject({ state: 'full', refused: 5, pending: fits });
    expect(ledger.stats().spool?.reason).toMatch(/^spool full: \d+ of 4000 bytes in /);
    // A durable write is refused with a store error (the ingest API answers 503).
    await expect(ledger.recordMany([CALL], { failOpen: false })).rejects.toThrow(/spool full/);
    expect(logger.lines.filter((line) => line.level === 'error')).toHaveLength(1);
    store.down = false;
    await ledger.flush();
    expect(await storedIds(store)).toHaveLength(fits);
    expect((await ledger.recordMany([CALL])).outcome).toBe('spooled');
    expect(ledger.stats().spool).toMatchObject({ state: 'ok', refused: 6 });
    expect(logger.lines.filter((line) => line.message === 'tokenledger: spool accepting events again')).toHaveLength(1);
    await ledger.close();
  });

  it('durable writes answer stored when the store has them, spooled when it fails; stored exactly once either way', async () => {
    const path = spoolDir();
    const store = await flakyStore();
    const ledger = createRecordingLedger({ store, spool: { path } });
    const stored = await ledger.recordMany([CALL, CALL], { failOpen: false });
    expect(stored.outcome).toBe('stored');
    store.down = true;
    const spooled = await ledger.recordMany([CALL], { failOpen: false });
    expect(spooled.outcome).toBe('spooled');
    store.down = false;
    await ledger.flush();
    const ids = [...stored.events, ...spooled.events].map((event) => event.id).sort();
    expect(await storedIds(store)).toEqual(ids);
    // The drain runs on its own after durable writes too: the spool empties without a flush.
    const more = await ledger.recordMany([CALL], { failOpen: false });
    expect(more.outcome).toBe('stored');
    await ledger.recordMany([CALL], { failOpen: false });
    for (let i = 0; i < 100 && (ledger.stats().spool?.pending ?? 0) > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(ledger.stats().spool).toMatchObject({ pending: 0, bytes: 0 });
    // The drain did not insert again what the durable write had stored itself.
    expect(store.batches.reduce((sum, size) => sum + size, 0)).toBe(6);
    await ledger.close();
  });

  it('a durable write settles as spooled when the store does not answer in time', async () => {
    const store = await flakyStore();
    let open = (): void => undefined;
    store.gate = new Promise<void>((resolve) => (open = resolve));
    const ledger = createRecordingLedger({ store, spool: { path: spoolDir(), ackWaitMs: 20 } });
    const result = await ledger.recordMany([CALL], { failOpen: false });
    expect(result.outcome).toBe('spooled');
    open();
    store.gate = undefined;
    await ledger.flush();
    expect(await storedIds(store)).toEqual([result.events[0]!.id]);
    await ledger.close();
  });

  it("durableAt 'spool': a durable write settles spooled once on disk, without waiting for the store; the drain stores it once", async () => {
    const path = spoolDir();
    const store = await flakyStore();
    let open = (): void => undefined;
    store.gate = new Promise<void>((resolve) => (open = resolve));
    // The store would hold a durable write up to ackWaitMs; this one must not wait for it at all.
    const ledger = createRecordingLedger({ store, spool: { path, ackWaitMs: 60_000 } });
    const result = await ledger.recordMany([CALL, CALL], { failOpen: false, durableAt: 'spool' });
    expect(result.outcome).toBe('spooled');
    expect(store.insertCalls).toBe(0);
    expect(ledger.stats().spool).toMatchObject({ pending: 2 });
    const [segment] = segments(path);
    expect(readFileSync(join(path, segment!), 'utf8').trim().split('\n')).toHaveLength(2);
    open();
    store.gate = undefined;
    await ledger.flush();
    expect(await storedIds(store)).toEqual(result.events.map((event) => event.id).sort());
    expect(store.batches).toEqual([2]);
    await ledger.close();
  });

  it("durableAt 'spool' still rejects when the spool refuses the events: nothing was made durable", async () => {
    const store = await flakyStore();
    const ledger = createRecordingLedger({ store, spool: { path: spoolDir(), maxBytes: 10 } });
    await expect(ledger.recordMany([CALL], { failOpen: false, durableAt: 'spool' })).rejects.toBeInstanceOf(StoreError);
    expect(store.insertCalls).toBe(0);
    await ledger.close();
  });

  it('at close the spool keeps what the store did not take, for the next start', async () => {
    const path = spoolDir();
    const store = await flakyStore();
    const ledger = createRecordingLedger({ store, spool: { path } });
    store.down = true;
    const event = await ledger.record(CALL);
    await expect(ledger.close()).rejects.toThrow(/remain in the spool/);
    store.down = false;
    // Same pid: an earlier incarnation of this process, adopted.
    const next = createRecordingLedger({ store, spool: { path } });
    await next.flush();
    expect(await storedIds(store)).toEqual([event.id]);
    await next.close();
  });
});
