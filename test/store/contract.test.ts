import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, StoreError } from '#src/errors/index.js';
import { openStore } from '#src/store/index.js';
import { runStoreContract } from './contract.js';
import { generateEvents } from './generate.js';
import { adminQuery, dropSchemas, PG_URL, uniqueSchema } from './pg-admin.js';

function generateOne() {
  const [event] = generateEvents({ seed: 11, count: 1, startMs: Date.UTC(2026, 0, 5), spanMs: 1000 });
  return event!;
}

const dir = mkdtempSync(join(tmpdir(), 'store-contract-'));
const schemas: string[] = [];
let sqliteCount = 0;
let lastSqlite = '';
let lastSchema = '';

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(schemas);
});

runStoreContract('memory', { open: (options) => openStore('memory:', options) });

runStoreContract('sqlite', {
  open: (options) => {
    lastSqlite = join(dir, `contract-${++sqliteCount}.db`);
    return openStore(`sqlite:${lastSqlite}`, options);
  },
  reopen: () => openStore(`sqlite:${lastSqlite}`),
});

let lastWorkerSqlite = '';
runStoreContract('sqlite in a worker thread', {
  open: (options) => {
    lastWorkerSqlite = join(dir, `contract-${++sqliteCount}.db`);
    return openStore(`sqlite:${lastWorkerSqlite}`, { ...options, sqliteThread: 'worker' });
  },
  reopen: () => openStore(`sqlite:${lastWorkerSqlite}`, { sqliteThread: 'worker' }),
});

runStoreContract('postgres', {
  open: (options) => {
    lastSchema = uniqueSchema('tl_contract');
    schemas.push(lastSchema);
    return openStore(`${PG_URL}?schema=${lastSchema}`, options);
  },
  reopen: () => openStore(`${PG_URL}?schema=${lastSchema}`),
});

describe('openStore: bad input', () => {
  it('names an unknown scheme in a ConfigError', async () => {
    await expect(openStore('mysql://x/y')).rejects.toThrow(ConfigError);
    await expect(openStore('mysql://x/y')).rejects.toThrow(/"mysql"/);
  });

  it('opens sqlite::memory: and memory:', async () => {
    for (const url of ['sqlite::memory:', 'memory:']) {
      const store = await openStore(url);
      expect(await store.insert([])).toBe(0);
      await store.close();
    }
  });

  it('refuses a corrupt SQLite file with a clear, non-retryable error', async () => {
    const path = join(dir, 'corrupt.db');
    writeFileSync(path, 'this is not a database, just some text that is long enough'.repeat(100));
    const error = await openStore(`sqlite:${path}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toBe(`not a tokenledger SQLite database: ${path} (file is not a database)`);
    expect((error as StoreError).retryable).toBe(false);
  });

  it('reports a SQLite file locked beyond the timeout as a retryable StoreError', async () => {
    const path = join(dir, 'locked.db');
    const first = await openStore(`sqlite:${path}`);
    await first.close();
    const Database = (await import('better-sqlite3')).default;
    const holder = new Database(path);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const error = await openStore(`sqlite:${path}`, { busyTimeoutMs: 50 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).message).toMatch(/locked: .*locked\.db/);
      expect((error as StoreError).retryable).toBe(true);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('reports unreachable PostgreSQL at open, naming host:port and never the password', async () => {
    const error = await openStore('postgres://alice:s3cretPassw0rd@127.0.0.1:1/test', { connectTimeoutMs: 2000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    const message = (error as StoreError).message;
    expect(message).toMatch(/^cannot reach PostgreSQL at 127\.0\.0\.1:1\/test/);
    expect(message).not.toContain('s3cretPassw0rd');
    expect(JSON.stringify(error)).not.toContain('s3cretPassw0rd');
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(openStore(`${PG_URL}?schema=bad;drop`)).rejects.toThrow(ConfigError);
  });
});

describe('a store error caused by the data is told apart from a connection error', () => {
  const event = generateOne();

  it('SQLite: a constraint (a trigger refusing one event) is contentRejected, not retryable; a full database is retryable', async () => {
    const path = join(dir, 'content.db');
    const store = await openStore(`sqlite:${path}`);
    const Database = (await import('better-sqlite3')).default;
    const admin = new Database(path);
    try {
      admin.exec(
        "CREATE TRIGGER no_poison BEFORE INSERT ON events WHEN NEW.run = 'poison' BEGIN SELECT RAISE(ABORT, 'poison run refused'); END",
      );
      const error = await store.insert([{ ...event, id: 'c-1', run: 'poison' }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ contentRejected: true, retryable: false });
      expect((error as StoreError).message).toMatch(/refused the data .*poison run refused/);
      expect(await store.insert([{ ...event, id: 'c-2', run: 'fine' }])).toBe(1);
    } finally {
      admin.close();
      await store.close();
    }
  });

  it('PostgreSQL: a NUL in text (22021) and a CHECK constraint (23514) are contentRejected; an unreachable server is retryable', async () => {
    const schema = uniqueSchema('tl_content');
    schemas.push(schema);
    const store = await openStore(`${PG_URL}?schema=${schema}`);
    try {
      const nul = await store.insert([{ ...event, id: 'p-1', agent: 'a\u0000b' }]).catch((e: unknown) => e);
      expect(nul).toMatchObject({ contentRejected: true, retryable: false });
      expect((nul as StoreError).message).toMatch(/refused the data .*\[22021\]$/);
      await adminQuery(`ALTER TABLE ${schema}.events ADD CONSTRAINT no_poison CHECK (run IS DISTINCT FROM 'poison')`);
      const check = await store.insert([{ ...event, id: 'p-2', run: 'poison' }]).catch((e: unknown) => e);
      expect(check).toMatchObject({ contentRejected: true, retryable: false });
      expect((check as StoreError).message).toMatch(/no_poison.*\[23514\]$/);
      expect(await store.insert([{ ...event, id: 'p-3', run: 'fine' }])).toBe(1);
    } finally {
      await store.close();
    }
    const down = await openStore('postgres://127.0.0.1:1/test', { connectTimeoutMs: 500 }).catch((e: unknown) => e);
    expect(down).toMatchObject({ contentRejected: false, retryable: true });
  });
});

describe('rebuildRollups', () => {
  it('recomputes rollups that give the same answers (SQLite and PostgreSQL)', async () => {
    const { generateEvents } = await import('./generate.js');
    const { referenceAggregate } = await import('./reference.js');
    const { SqliteStore, PostgresStore } = await import('#src/store/index.js');
    const events = generateEvents({ seed: 3, count: 600, startMs: Date.UTC(2026, 0, 1, 5), spanMs: 60 * 3_600_000 });
    const schema = uniqueSchema('tl_rebuild');
    schemas.push(schema);
    for (const store of [
      SqliteStore.open({ path: join(dir, 'rebuild.db'), exactPercentileLimit: 10 }),
      await PostgresStore.open({ url: `${PG_URL}?schema=${schema}`, exactPercentileLimit: 10 }),
    ]) {
      try {
        await store.insert(events);
        const queries = [
          { filter: {}, groupBy: ['model' as const] },
          {
            filter: { from: new Date(Date.UTC(2026, 0, 1, 7, 30)) },
            groupBy: ['bucket' as const],
            interval: '1d' as const,
          },
          // Histograms from the latency cuts: all (hours), agent (days).
          { filter: {}, groupBy: ['bucket' as const], interval: '1h' as const },
          { filter: {}, groupBy: ['agent' as const] },
        ];
        const before = [];
        for (const query of queries) before.push(await store.aggregate(query));
        await store.rebuildRollups();
        for (const [i, query] of queries.entries()) {
          const after = await store.aggregate(query);
          expect(after).toEqual(before[i]);
          expect(after).toEqual(referenceAggregate(events, query, { exactPercentileLimit: 10 }));
        }
      } finally {
        await store.close();
      }
    }
  });
});
