/**
 * PostgreSQL timeouts (issue 9, item 8): the pool's connections carry `statement_timeout` and
 * `idle_in_transaction_session_timeout`, a statement stuck on a lock is cancelled as a
 * retryable error, and a database that goes silent behind a loopback TCP proxy (no reset)
 * fails a query after the client-side timeout instead of hanging. Through `serve` (spool on),
 * ingest answers 202 spooled within 3 s while PostgreSQL is silent, and at once after the first
 * such answer; everything is stored once it answers again. The timeouts come from
 * `server.limits`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import { StoreError } from '#src/errors/index.js';
import { startServer } from '#src/server/index.js';
import { openStore, type Store } from '#src/store/index.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { generateEvents } from '../store/generate.js';
import { adminClient, dropSchemas, PG_URL, uniqueSchema } from '../store/pg-admin.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-pg-timeouts-'));
const schemas: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(schemas);
});

const events = generateEvents({ seed: 5, count: 20, startMs: Date.UTC(2026, 0, 5), spanMs: 60_000 });

/** The store's own pool (private): what its connections were started with. */
async function setting(store: Store, name: string): Promise<string> {
  const pool = (store as unknown as { pool: pg.Pool }).pool;
  return String((await pool.query(`SHOW ${name}`)).rows[0]?.[name]);
}

async function timed<T>(work: Promise<T>): Promise<{ value: T | StoreError; ms: number }> {
  const started = performance.now();
  const value = await work.catch((error: unknown) => error as StoreError);
  return { value, ms: performance.now() - started };
}

describe('the PostgreSQL store', () => {
  it('starts each connection with the timeouts; a statement stuck on a lock is cancelled, retryable', async () => {
    const schema = uniqueSchema('tl_timeouts');
    schemas.push(schema);
    const store = await openStore(`${PG_URL}?schema=${schema}`, {
      statementTimeoutMs: 400,
      idleInTransactionTimeoutMs: 700,
    });
    const holder = await adminClient();
    try {
      expect(await setting(store, 'statement_timeout')).toBe('400ms');
      expect(await setting(store, 'idle_in_transaction_session_timeout')).toBe('700ms');
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE ${schema}.events IN ACCESS EXCLUSIVE MODE`);
      const { value, ms } = await timed(store.insert(events.slice(0, 5)));
      expect(value).toBeInstanceOf(StoreError);
      expect(value).toMatchObject({ retryable: true, contentRejected: false });
      expect((value as StoreError).message).toMatch(/statement timeout/);
      expect(ms).toBeLessThan(3000);
      await holder.query('ROLLBACK');
      expect(await store.insert(events.slice(0, 5))).toBe(5);
    } finally {
      await holder.end();
      await store.close();
    }
  });

  it('a database gone silent (no reset) fails a query after the client-side timeout, and works again after', async () => {
    const schema = uniqueSchema('tl_silent');
    schemas.push(schema);
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const store = await openStore(`postgres://127.0.0.1:${proxy.port}/test?schema=${schema}`, {
      queryTimeoutMs: 800,
      connectTimeoutMs: 800,
    });
    try {
      expect(await store.insert(events.slice(0, 2))).toBe(2);
      proxy.stall();
      const insert = await timed(store.insert(events.slice(2, 4)));
      const ping = await timed(store.ping());
      expect(insert.value).toBeInstanceOf(StoreError);
      expect(insert.value).toMatchObject({ retryable: true });
      expect(ping.value).toMatchObject({ retryable: true });
      // Without the timeout these waited for as long as the database stayed silent.
      expect([insert.ms < 2500, ping.ms < 2500]).toEqual([true, true]);
      proxy.resume();
      // The timed-out insert was sent: PostgreSQL may run it once the held bytes flow, so the
      // retry may find its events there already. Either way each is stored once.
      await store.insert(events.slice(2, 4));
      expect((await store.events({ filter: {}, limit: 10 })).events.map((e) => e.id).sort()).toEqual(
        events
          .slice(0, 4)
          .map((e) => e.id)
          .sort(),
      );
    } finally {
      proxy.resume();
      await store.close();
      await proxy.close();
    }
  }, 30_000);
});

describe('serve on PostgreSQL gone silent', () => {
  it('ingest answers 202 spooled within 3 s, then at once; all stored once PostgreSQL answers again', async () => {
    const schema = uniqueSchema('tl_silent_serve');
    schemas.push(schema);
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const server = await startServer({
      port: 0,
      env: {},
      logger: pino({ level: 'silent' }),
      config: parseConfig(
        {
          store: `postgres://127.0.0.1:${proxy.port}/test?schema=${schema}`,
          server: {
            spool: { path: join(dir, 'spool') },
            limits: { postgresStatementTimeoutMs: 1500, postgresIdleInTransactionTimeoutMs: 2500 },
          },
        },
        'inline',
        {},
      ),
    });
    const ingest = (run: string) =>
      timed(
        fetch(`${server.url}/v1/usage`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            provider: 'openai',
            model: 'gpt-4o-mini',
            run,
            usage: { inputTokens: 3, outputTokens: 1 },
          }),
        }).then(async (response) => ({
          status: response.status,
          body: (await response.json()) as { spooled?: number },
        })),
      );
    try {
      expect(await setting(server.store, 'statement_timeout')).toBe('1500ms');
      expect(await setting(server.store, 'idle_in_transaction_session_timeout')).toBe('2500ms');
      expect((await ingest('before')).value).toMatchObject({ status: 200 });
      proxy.stall();
      const first = await ingest('silent-1');
      const second = await ingest('silent-2');
      expect(first.value).toMatchObject({ status: 202, body: { spooled: 1 } });
      expect(second.value).toMatchObject({ status: 202, body: { spooled: 1 } });
      expect(first.ms).toBeLessThan(3000);
      expect(second.ms).toBeLessThan(1000);
      proxy.resume();
      await server.ledger.flush();
      const runs = (await server.store.events({ filter: {}, limit: 10 })).events.map((event) => event.run).sort();
      expect(runs).toEqual(['before', 'silent-1', 'silent-2']);
    } finally {
      proxy.resume();
      await server.close();
      await proxy.close();
    }
  }, 30_000);
});
