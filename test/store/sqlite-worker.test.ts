/**
 * The SQLite store in a worker thread (openStore(..., { sqliteThread: 'worker' })), beside the
 * contract suite it also passes: while another connection holds the write lock, a write waits
 * in the worker (this thread's event loop keeps turning, reads and ping answer before it) and
 * lands once the lock is gone, or fails past `busyTimeoutMs` as the retryable StoreError the
 * main-thread store gives; an unclosed store does not keep the process alive.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from '#src/errors/index.js';
import { openStore, type Store } from '#src/store/index.js';
import { generateEvents } from './generate.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'store-worker-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const events = generateEvents({ seed: 9, count: 50, startMs: Date.UTC(2026, 5, 1), spanMs: 3_600_000 });

async function freshFile(): Promise<string> {
  const path = join(dir, `worker-${++files}.db`);
  await (await openStore(`sqlite:${path}`)).close();
  return path;
}

/** Another connection takes the write lock, as `tokenledger import` does; `release()` commits. */
function holdLock(path: string): { release: () => void } {
  const holder = new Database(path);
  holder.exec('BEGIN IMMEDIATE');
  return {
    release: () => {
      holder.exec('COMMIT');
      holder.close();
    },
  };
}

/** The longest this thread's event loop went without running a 5 ms timer, until `stop()`. */
function loopGaps(): { stop: () => number } {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  return {
    stop: () => {
      clearInterval(timer);
      return longest;
    },
  };
}

describe('SQLite store in a worker thread', () => {
  it('waits out a held lock in the worker: this thread keeps turning, reads and ping answer first, the write lands after', async () => {
    const path = await freshFile();
    const store = await openStore(`sqlite:${path}`, { sqliteThread: 'worker', busyTimeoutMs: 10_000 });
    try {
      expect(await store.insert(events.slice(0, 10))).toBe(10);
      const lock = holdLock(path);
      const gaps = loopGaps();
      const order: string[] = [];
      const inserted = store.insert(events.slice(10)).then((n) => {
        order.push('insert');
        return n;
      });
      const read = store.events({ filter: {}, limit: 100 }).then((page) => {
        order.push('events');
        return page.events.length;
      });
      const pinged = store.ping().then(() => order.push('ping'));
      await Promise.all([read, pinged]);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(order.sort()).toEqual(['events', 'ping']); // the insert still waits for the lock
      lock.release();
      expect(await inserted).toBe(40);
      expect(order).toEqual(['events', 'ping', 'insert']);
      expect(await read).toBe(10);
      // A main-thread store would have stopped this loop for the whole 1.5 s.
      expect(gaps.stop()).toBeLessThan(500);
      const [total] = await store.aggregate({ filter: {}, groupBy: [] });
      expect(total?.calls).toBe(50);
    } finally {
      await store.close();
    }
  });

  it('past busyTimeoutMs, fails as the retryable StoreError naming the lock, and stores nothing of the batch', async () => {
    const path = await freshFile();
    const store = await openStore(`sqlite:${path}`, { sqliteThread: 'worker', busyTimeoutMs: 300 });
    const lock = holdLock(path);
    try {
      const started = performance.now();
      const error = await store.insert(events).catch((e: unknown) => e);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).retryable).toBe(true);
      expect((error as StoreError).message).toBe(
        `SQLite database is locked: ${path} (insert; another process holds the write lock)`,
      );
    } finally {
      lock.release();
    }
    try {
      expect((await store.events({ filter: {}, limit: 100 })).events).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('opens while the lock is held once it is released, or fails past busyTimeoutMs as retryable', async () => {
    const path = await freshFile();
    let lock = holdLock(path);
    const error = await openStore(`sqlite:${path}`, { sqliteThread: 'worker', busyTimeoutMs: 50 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).retryable).toBe(true);
    expect((error as StoreError).message).toMatch(/^SQLite database is locked: .*worker-\d+\.db \(open;/);
    lock.release();

    lock = holdLock(path);
    const opening = openStore(`sqlite:${path}`, { sqliteThread: 'worker', busyTimeoutMs: 10_000 });
    setTimeout(() => lock.release(), 500);
    const store = await opening;
    try {
      expect(await store.insert(events.slice(0, 1))).toBe(1);
    } finally {
      await store.close();
    }
  });

  it("forwards the store's own methods beyond Store, and refuses calls once closed", async () => {
    const path = await freshFile();
    const store = (await openStore(`sqlite:${path}`, { sqliteThread: 'worker' })) as Store & {
      applyPendingRollups(): Promise<number>;
    };
    expect(store.kind).toBe('sqlite');
    expect(await store.insert(events)).toBe(50);
    expect(await store.applyPendingRollups()).toBeLessThanOrEqual(50);
    expect(await store.applyPendingRollups()).toBe(0);
    await store.close();
    await store.close(); // twice is fine, as on every store
    const error = await store.ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).retryable).toBe(false);
  });

  it('answers traceSpans on this thread while the worker is busy inserting, and sees every committed event', async () => {
    const path = await freshFile();
    const store = await openStore(`sqlite:${path}`, { sqliteThread: 'worker' });
    try {
      await store.insert(events);
      const traced = events.filter((event) => event.trace !== undefined);
      const traceIds = [...new Set(traced.map((event) => event.trace!.traceId))];
      expect(traceIds.length).toBeGreaterThan(3);
      // A large insert keeps the worker busy; the lookup must not queue behind it (the OTLP
      // receiver asks it on every export).
      const many = generateEvents({ seed: 10, count: 20_000, startMs: Date.UTC(2026, 6, 1), spanMs: 3_600_000 }).map(
        ({ trace: _trace, ...event }) => event,
      );
      const order: string[] = [];
      const inserting = store.insert(many).then(() => order.push('insert'));
      const rows = await store.traceSpans(traceIds).then((found) => {
        order.push('traceSpans');
        return found;
      });
      await inserting;
      expect(order).toEqual(['traceSpans', 'insert']);
      expect(rows.map((row) => row.id).sort()).toEqual(traced.map((event) => event.id).sort());
    } finally {
      await store.close();
    }
  });

  it('does not keep the process alive when never closed', async () => {
    const path = await freshFile();
    const script = `import { openStore } from './src/store/index.ts';
const store = await openStore(${JSON.stringify(`sqlite:${path}`)}, { sqliteThread: 'worker' });
console.log('inserted', await store.insert([${JSON.stringify(events[0])}]));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(out.trim()).toBe('inserted 1');
    expect(code).toBe(0);
  });
});
