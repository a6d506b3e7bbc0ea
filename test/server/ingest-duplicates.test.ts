/**
 * Ingest reports stored vs duplicate counts exactly (issue 9, item 9): `POST /v1/usage` with a
 * batch where some ids are already in the ledger and some repeat within the batch answers
 * `recorded` (new events) and `duplicates` (the others) exactly, on memory, SQLite and
 * PostgreSQL, through the ledger's in-memory writer and through the spool (as `serve` runs it).
 * Concurrent durable writes through the in-memory writer each get their own exact counts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRecordingLedger } from '#src/ledger/index.js';
import { openStore, type Store } from '#src/store/index.js';
import { dropSchemas, PG_URL, uniqueSchema } from '../store/pg-admin.js';
import { jsonPost, makeApp } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-ingest-dups-'));
const schemas: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(schemas);
});

let opened = 0;
const STORES: [string, () => Promise<Store>][] = [
  ['memory', () => openStore('memory:')],
  ['SQLite', () => openStore(`sqlite:${join(dir, `dups-${++opened}.db`)}`)],
  [
    'PostgreSQL',
    () => {
      const schema = uniqueSchema('tl_dups');
      schemas.push(schema);
      return openStore(`${PG_URL}?schema=${schema}`);
    },
  ],
];

const event = (id: string) => ({
  id,
  provider: 'openai',
  model: 'gpt-4o-mini',
  usage: { inputTokens: 7, outputTokens: 3 },
});
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe.each(STORES)('ingest duplicate counts on %s', (_name, open) => {
  for (const path of ['the in-memory writer', 'the spool']) {
    it(`through ${path}: a batch with 4 stored ids, 4 new ones and 3 repeats within it`, async () => {
      const store = await open();
      const spool = path === 'the spool' ? { path: join(dir, `spool-${++opened}`) } : undefined;
      const app = await makeApp({ store, ...(spool === undefined ? {} : { spool }) });
      try {
        const first = await app.request('/v1/usage', jsonPost(ids('old', 6).map(event)));
        expect(await first.json()).toMatchObject({ recorded: 6, duplicates: 0, deadLettered: [] });
        // old-0..3 stored before; new-0..3 new; new-1 twice more and old-0 once more within the batch.
        const batch = [...ids('old', 4), 'new-0', 'new-1', 'new-1', 'new-2', 'old-0', 'new-3', 'new-1'].map(event);
        const response = await app.request('/v1/usage', jsonPost(batch));
        expect(response.status).toBe(200);
        const body = (await response.json()) as { ids: string[]; recorded: number; duplicates: number };
        expect(body).toEqual({ ids: batch.map((e) => e.id), recorded: 4, duplicates: 7, deadLettered: [] });
        const again = await app.request('/v1/usage', jsonPost(batch));
        expect(await again.json()).toMatchObject({ recorded: 0, duplicates: 11 });
        const stored = await store.events({ filter: {}, limit: 100 });
        expect(stored.events.map((e) => e.id).sort()).toEqual([...ids('new', 4), ...ids('old', 6)].sort());
        await app.ledger.close();
      } finally {
        await store.close();
      }
    });
  }

  it('concurrent durable writes through the in-memory writer each get their own exact counts', async () => {
    const store = await open();
    const ledger = createRecordingLedger({ store });
    try {
      const a = ids('c', 10).map(event);
      const b = [...ids('c', 10).slice(5), ...ids('d', 5)].map(event);
      const [first, second, third] = await Promise.all([
        ledger.recordMany(a, { failOpen: false }),
        ledger.recordMany(b, { failOpen: false }),
        ledger.recordMany([...a.slice(0, 2), ...a.slice(0, 2)], { failOpen: false }),
      ]);
      // Written in the order they were asked: a first, then b (5 of a's ids), then a's first two twice.
      expect([first.duplicates, second.duplicates, third.duplicates]).toEqual([0, 5, 4]);
      expect((await store.events({ filter: {}, limit: 100 })).events).toHaveLength(15);
      await ledger.close();
    } finally {
      await store.close();
    }
  });
});
