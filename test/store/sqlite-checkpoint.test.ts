/**
 * SqliteStore.checkpoint(): the write-ahead log is copied into the database file at once (not
 * only at close), and a store handed out before it is open (storeWhenOpen) passes it on.
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore, storeWhenOpen } from '#src/store/index.js';
import { generateEvents } from './generate.js';

const T0 = Date.UTC(2026, 3, 1, 5);
const dir = mkdtempSync(join(tmpdir(), 'store-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** How many events another connection reads from the database file alone (its log ignored). */
function eventsInFileAlone(path: string): number {
  // Another connection of the file would read the log too; a copy of the file alone does not.
  const copy = `${path}.copy`;
  copyFileSync(path, copy);
  const db = new Database(copy);
  try {
    const exists = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'events'").get() as { n: number };
    if (exists.n === 0) return 0;
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
    rmSync(copy, { force: true });
  }
}

describe('SqliteStore.checkpoint', () => {
  it('copies the log into the database file while the store stays open', async () => {
    const path = join(dir, 'direct.db');
    const store = SqliteStore.open({ path });
    await store.insert(generateEvents({ seed: 1, count: 200, startMs: T0, spanMs: 60_000 }));
    const before = statSync(path).size;
    expect(eventsInFileAlone(path)).toBe(0); // all of it is in the log so far
    await store.checkpoint();
    expect(statSync(path).size).toBeGreaterThan(before);
    expect(eventsInFileAlone(path)).toBe(200);
    // Writes go on after it, and close still copies them.
    await store.insert(generateEvents({ seed: 2, count: 10, startMs: T0, spanMs: 60_000, idPrefix: 'later-' }));
    await store.close();
    expect(eventsInFileAlone(path)).toBe(210);
  });

  it('is passed on by a store handed out before it is open', async () => {
    const path = join(dir, 'when-open.db');
    const opened = SqliteStore.open({ path });
    const store = storeWhenOpen('sqlite', Promise.resolve(opened));
    await store.insert(generateEvents({ seed: 3, count: 50, startMs: T0, spanMs: 60_000 }));
    await store.checkpoint?.();
    expect(eventsInFileAlone(path)).toBe(50);
    await store.close();
  });
});
