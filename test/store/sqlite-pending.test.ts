/**
 * SQLite deferred rollups: an event of a small insert is acknowledged once it is in `events` and
 * `rollup_pending`; its rollups follow (a batch is rolled up in its insert's transaction). These tests build the state a crash leaves (events
 * committed, rollups never applied) with raw SQL and check that every later answer is exact,
 * that no pending event is counted twice (two stores on one file, delete, rebuild), and that
 * the scheduled apply runs on its timer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { SqliteStore, type AggregateQuery } from '#src/store/index.js';
import { ROLLUP_IN_INSERT_MIN } from '#src/store/sqlite-rollups.js';
import type { UsageEvent } from '#src/types/index.js';
import { generateEvents } from './generate.js';
import { matchesFilter, referenceAggregate } from './reference.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 3, 1, 5);
const dir = mkdtempSync(join(tmpdir(), 'store-pending-'));
let files = 0;

afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

const QUERIES: AggregateQuery[] = [
  { filter: {}, groupBy: [] },
  { filter: {}, groupBy: ['model'] },
  { filter: {}, groupBy: ['agent', 'status'] },
  { filter: {}, groupBy: ['bucket'], interval: '1h' },
  { filter: {}, groupBy: ['bucket'], interval: '1d' },
  { filter: { from: new Date(T0 + 2 * HOUR), to: new Date(T0 + 30 * HOUR) }, groupBy: ['provider'] },
  { filter: { agent: 'trader', from: new Date(T0 + HOUR + 17) }, groupBy: ['bucket'], interval: '1d' },
];

/** Inserts in inserts too small to be rolled up at once, so that every new event is left pending. */
async function insertPending(store: SqliteStore, events: readonly UsageEvent[]): Promise<number> {
  let added = 0;
  for (let at = 0; at < events.length; at += ROLLUP_IN_INSERT_MIN - 1)
    added += await store.insert(events.slice(at, at + ROLLUP_IN_INSERT_MIN - 1));
  return added;
}

async function expectExact(store: SqliteStore, events: readonly UsageEvent[]): Promise<void> {
  for (const query of QUERIES)
    expect(await store.aggregate(query), JSON.stringify(query)).toEqual(referenceAggregate(events, query));
}

function pendingCount(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM rollup_pending').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function rollupCalls(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT COALESCE(SUM(calls), 0) AS n FROM rollup_hourly').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * A store file holding `applied` with their rollups, and `crashed` committed the way insert()
 * commits them (events + rollup_pending) but whose rollups were never applied, as after a
 * kill -9 between the insert and the apply.
 */
async function crashedFile(applied: readonly UsageEvent[], crashed: readonly UsageEvent[]): Promise<string> {
  const path = join(dir, `pending-${++files}.db`);
  const scratch = join(dir, `scratch-${files}.db`);
  const store = SqliteStore.open({ path });
  await store.insert(applied);
  await store.close();
  const source = SqliteStore.open({ path: scratch });
  await source.insert(crashed);
  await source.close();
  const db = new Database(path);
  db.prepare('ATTACH DATABASE ? AS scratch').run(scratch);
  db.transaction(() => {
    db.exec('INSERT INTO events SELECT * FROM scratch.events');
    db.exec('INSERT INTO rollup_pending (id) SELECT id FROM scratch.events');
  }).immediate();
  db.exec('DETACH DATABASE scratch');
  db.close();
  return path;
}

describe('SQLite deferred rollups', () => {
  const events = generateEvents({ seed: 7, count: 1200, startMs: T0, spanMs: 50 * HOUR });
  const applied = events.slice(0, 700);
  const crashed = events.slice(700);

  it('counts events whose rollups were never applied (crash after insert), exactly once, after reopening', async () => {
    const path = await crashedFile(applied, crashed);
    expect(pendingCount(path)).toBe(crashed.length);
    expect(rollupCalls(path)).toBe(applied.length);
    const store = SqliteStore.open({ path });
    try {
      await expectExact(store, events);
      expect(pendingCount(path)).toBe(0);
      expect(rollupCalls(path)).toBe(events.length);
      // Asked again: nothing is applied twice.
      expect(await store.applyPendingRollups()).toBe(0);
      await expectExact(store, events);
    } finally {
      await store.close();
    }
    const reopened = SqliteStore.open({ path });
    try {
      await expectExact(reopened, events);
    } finally {
      await reopened.close();
    }
  });

  it('applies in batches: more pending events than one apply transaction takes', async () => {
    const many = generateEvents({ seed: 8, count: 12_000, startMs: T0, spanMs: 50 * HOUR });
    const path = await crashedFile([], many);
    const store = SqliteStore.open({ path });
    try {
      expect(await store.applyPendingRollups()).toBe(many.length);
      expect(pendingCount(path)).toBe(0);
      await expectExact(store, many);
    } finally {
      await store.close();
    }
  });

  it("two stores on one file: one applies the other's pending events, neither counts them twice", async () => {
    const path = join(dir, `shared-${++files}.db`);
    const a = SqliteStore.open({ path, rollupDelayMs: 60_000 });
    const b = SqliteStore.open({ path, rollupDelayMs: 60_000 });
    try {
      expect(await insertPending(a, events)).toBe(events.length);
      expect(pendingCount(path)).toBe(events.length);
      await expectExact(b, events);
      expect(await a.applyPendingRollups()).toBe(0);
      expect(await a.insert(events.slice(0, 50))).toBe(0);
      await expectExact(a, events);
      expect(rollupCalls(path)).toBe(events.length);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('delete with pending events: rebuilt rollups count each remaining event once', async () => {
    const path = await crashedFile(applied, crashed);
    const store = SqliteStore.open({ path });
    try {
      const filter = { model: 'gpt-4o', from: new Date(T0 + 3 * HOUR), to: new Date(T0 + 20 * HOUR) };
      const removed = events.filter((e) => matchesFilter(e, filter));
      expect(removed.length).toBeGreaterThan(10);
      expect(await store.delete(filter)).toBe(removed.length);
      expect(pendingCount(path)).toBe(0);
      await expectExact(
        store,
        events.filter((e) => !matchesFilter(e, filter)),
      );
    } finally {
      await store.close();
    }
  });

  it('rebuildRollups with pending events: counted once, pending cleared', async () => {
    const path = await crashedFile(applied, crashed);
    const store = SqliteStore.open({ path });
    try {
      await store.rebuildRollups();
      expect(pendingCount(path)).toBe(0);
      await expectExact(store, events);
    } finally {
      await store.close();
    }
  });

  it('drops a pending id whose event is gone instead of failing', async () => {
    const path = await crashedFile(applied, crashed);
    const db = new Database(path);
    db.prepare('INSERT INTO rollup_pending (id) VALUES (?)').run('no-such-event');
    db.close();
    const store = SqliteStore.open({ path });
    try {
      expect(await store.applyPendingRollups()).toBe(crashed.length + 1);
      expect(pendingCount(path)).toBe(0);
      await expectExact(store, events);
    } finally {
      await store.close();
    }
  });

  it('a scheduled apply that finds the file locked leaves the ids pending, and the next read applies them', async () => {
    vi.useFakeTimers();
    const path = join(dir, `locked-${++files}.db`);
    const store = SqliteStore.open({ path, rollupDelayMs: 5, busyTimeoutMs: 20 });
    const holder = new Database(path);
    try {
      await insertPending(store, events.slice(0, 100));
      holder.exec('BEGIN IMMEDIATE');
      expect(() => vi.advanceTimersByTime(5)).not.toThrow();
      holder.exec('ROLLBACK');
      expect(pendingCount(path)).toBe(100);
      await expectExact(store, events.slice(0, 100));
      expect(pendingCount(path)).toBe(0);
    } finally {
      holder.close();
      await store.close();
    }
  });

  it('applies rollups on its timer after an insert, and on close', async () => {
    vi.useFakeTimers();
    const path = join(dir, `timer-${++files}.db`);
    const store = SqliteStore.open({ path, rollupDelayMs: 5 });
    try {
      await insertPending(store, events.slice(0, 100));
      await insertPending(store, events.slice(100, 200));
      expect(pendingCount(path)).toBe(200);
      vi.advanceTimersByTime(4);
      expect(pendingCount(path)).toBe(200);
      vi.advanceTimersByTime(1);
      expect(pendingCount(path)).toBe(0);
      expect(rollupCalls(path)).toBe(200);
      await insertPending(store, events.slice(200, 300));
      expect(pendingCount(path)).toBe(100);
    } finally {
      await store.close();
    }
    expect(pendingCount(path)).toBe(0);
    expect(rollupCalls(path)).toBe(300);
  });

  it('rolls a batch up in its own transaction: nothing pending, exact, re-sent and mixed batches counted once', async () => {
    vi.useFakeTimers();
    const path = join(dir, `batch-${++files}.db`);
    const store = SqliteStore.open({ path, rollupDelayMs: 60_000 });
    try {
      expect(await store.insert(events.slice(0, 600))).toBe(600);
      expect(pendingCount(path)).toBe(0);
      expect(rollupCalls(path)).toBe(600);
      // Mostly re-sent: only the new ones count; fewer new events than a batch are left pending.
      expect(await store.insert(events.slice(590, 600 + ROLLUP_IN_INSERT_MIN - 1))).toBe(ROLLUP_IN_INSERT_MIN - 1);
      expect(pendingCount(path)).toBe(ROLLUP_IN_INSERT_MIN - 1);
      expect(await store.insert(events.slice(0, 1200))).toBe(1200 - 600 - (ROLLUP_IN_INSERT_MIN - 1));
      expect(pendingCount(path)).toBe(ROLLUP_IN_INSERT_MIN - 1);
      expect(rollupCalls(path)).toBe(1200 - (ROLLUP_IN_INSERT_MIN - 1));
      await expectExact(store, events);
      expect(pendingCount(path)).toBe(0);
    } finally {
      await store.close();
    }
    const reopened = SqliteStore.open({ path });
    try {
      await expectExact(reopened, events);
    } finally {
      await reopened.close();
    }
  });
});
