/**
 * Dead letters (issue 9): an event the store refuses for good (here a real constraint on
 * SQLite and PostgreSQL, a wrapper's permanent StoreError on the memory store) in the middle of
 * a batch is dead-lettered with the store's reason and the rest of the batch stored, through
 * both paths to the store: the in-memory writer (library, `tokenledger import`) and the spool's
 * drain (`tokenledger serve`). A connection error is never dead-lettered: it is retried.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from '#src/errors/index.js';
import { createRecordingLedger } from '#src/ledger/index.js';
import { openStore, type Store } from '#src/store/index.js';
import type { RecordInput } from '#src/types/index.js';
import { adminQuery, dropSchemas, PG_URL, uniqueSchema } from '../store/pg-admin.js';
import { flakyStore, storedIds, type FlakyStore } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-dead-'));
const schemas: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(schemas);
});

let opened = 0;

async function poisonedSqlite(thread: 'main' | 'worker'): Promise<FlakyStore> {
  const path = join(dir, `dead-${++opened}.db`);
  const store = await openStore(`sqlite:${path}`, { sqliteThread: thread });
  const Database = (await import('better-sqlite3')).default;
  const admin = new Database(path);
  admin.exec(
    "CREATE TRIGGER no_poison BEFORE INSERT ON events WHEN NEW.id LIKE 'poison%' BEGIN SELECT RAISE(ABORT, 'no_poison: poisoned event'); END",
  );
  admin.close();
  return flakyStore(store);
}
/** A store that refuses every event whose id starts with `poison`, as each store can. */
const STORES: [string, () => Promise<FlakyStore>][] = [
  [
    'memory (a wrapper throwing a permanent StoreError)',
    async () => {
      const store = await flakyStore();
      const has = store.poison.has.bind(store.poison);
      store.poison.has = (id: string) => id.startsWith('poison') || has(id);
      return store;
    },
  ],
  ['SQLite (a trigger raising ABORT)', () => poisonedSqlite('main')],
  // What serve runs: the error crosses the thread with its contentRejected field.
  ['SQLite in a worker thread (the same trigger)', () => poisonedSqlite('worker')],
  [
    'PostgreSQL (a CHECK constraint)',
    async () => {
      const schema = uniqueSchema('tl_dead');
      schemas.push(schema);
      const store = await openStore(`${PG_URL}?schema=${schema}`);
      await adminQuery(`ALTER TABLE ${schema}.events ADD CONSTRAINT no_poison CHECK (id NOT LIKE 'poison%')`);
      return flakyStore(store);
    },
  ],
];

const input = (id: string): RecordInput => ({
  id,
  provider: 'openai',
  model: 'gpt-4o-mini',
  usage: { inputTokens: 100, outputTokens: 20 },
});
/** 100 good inputs with a poison one in the middle (index 50). */
const batch = (prefix: string): RecordInput[] => {
  const inputs = Array.from({ length: 100 }, (_, i) => input(`${prefix}-${String(i).padStart(3, '0')}`));
  inputs.splice(50, 0, input(`poison-${prefix}`));
  return inputs;
};
const REASON = /no_poison/;

async function close(store: Store): Promise<void> {
  await store.close();
}

describe.each(STORES)('dead letters on %s', (_name, open) => {
  it('the in-memory writer: the poison event is dead-lettered with its reason, the 100 others stored', async () => {
    const store = await open();
    try {
      const ledger = createRecordingLedger({ store });
      const result = await ledger.recordMany(batch('w'), { failOpen: false });
      expect(result.outcome).toBe('stored');
      expect(result.deadLettered.map((letter) => letter.id)).toEqual(['poison-w']);
      expect(result.deadLettered[0]?.reason).toMatch(REASON);
      expect(await storedIds(store)).toEqual(batch('w').flatMap((i) => (i.id?.startsWith('w') ? [i.id] : [])));
      expect(await store.countDeadLetters()).toBe(1);
      const [letter] = await store.deadLetters({ limit: 10 });
      expect(letter).toMatchObject({ id: 'poison-w', event: { id: 'poison-w', model: 'gpt-4o-mini' } });
      expect(letter?.reason).toMatch(REASON);
      expect(ledger.stats()).toMatchObject({ recorded: 100, deadLettered: 1, storeFailures: 0, buffered: 0 });
      // One batch, then halves down to the poison: about 2·log2(101) inserts, not 101.
      expect(store.insertCalls).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(101)) + 1);
      // A durable record() of a poison event says so.
      const error = await ledger.record(input('poison-single'), { failOpen: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ contentRejected: true });
      expect(await store.countDeadLetters()).toBe(2);
      await ledger.close();
    } finally {
      await close(store);
    }
  });

  it('the spool drain: a poison event in the middle of a batch is dead-lettered, the rest stored, the spool emptied', async () => {
    const store = await open();
    try {
      const ledger = createRecordingLedger({ store, spool: { path: join(dir, `spool-${++opened}`) } });
      // Recorded in one tick: the drain writes them as one batch.
      await Promise.all(batch('s').map((item) => ledger.record(item)));
      await ledger.flush();
      expect(store.batches[0]).toBe(101);
      expect(await storedIds(store)).toHaveLength(100);
      expect((await store.deadLetters({ limit: 10 })).map((letter) => letter.id)).toEqual(['poison-s']);
      expect(ledger.stats()).toMatchObject({ recorded: 100, deadLettered: 1 });
      expect(ledger.stats().spool).toMatchObject({ pending: 0, storeFailing: false });
      // Later events go through untouched.
      await ledger.record(input('s-later'));
      await ledger.flush();
      expect(await storedIds(store)).toContain('s-later');
      await ledger.close();
    } finally {
      await close(store);
    }
  });
});

describe('a connection error is not a dead letter', () => {
  it('keeps the events for a retry (in memory and in the spool) and stores them once the store is back', async () => {
    for (const spool of [undefined, { path: join(dir, 'spool-down') }]) {
      const store = await flakyStore();
      const ledger = createRecordingLedger({ store, ...(spool === undefined ? {} : { spool }) });
      store.down = true;
      await ledger.recordMany([input('d-1'), input('d-2')]);
      await expect(ledger.flush()).rejects.toBeInstanceOf(StoreError);
      expect(await store.countDeadLetters()).toBe(0);
      store.down = false;
      await ledger.flush();
      expect(await storedIds(store)).toEqual(['d-1', 'd-2']);
      expect(ledger.stats().deadLettered).toBe(0);
      await ledger.close();
    }
  });
});
