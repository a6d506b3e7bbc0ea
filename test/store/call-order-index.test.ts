/**
 * The calls list sorted by cost, latency or tokens reads a range of its index (schema version
 * 15), on SQLite and PostgreSQL, instead of sorting every matching event: the plan of the page
 * query names the index and no sort step.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, SqliteStore } from '#src/store/index.js';
import { eventsPageSql } from '#src/store/sql-query.js';
import { generateEvents } from './generate.js';
import { adminClient, dropSchemas, PG_URL } from './pg-admin.js';

const dir = mkdtempSync(join(tmpdir(), 'call-order-index-'));
const schema = `tl_call_order_index_${process.pid}`;
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas([schema]);
});

const events = generateEvents({ seed: 3, count: 400, startMs: Date.UTC(2026, 0, 1), spanMs: 86_400_000 });
const INDEX = { cost: 'events_by_cost', latency: 'events_by_latency', tokens: 'events_by_tokens' } as const;

describe('call order indexes', () => {
  it('SQLite: a page by cost, latency or tokens scans its index, with no sort', async () => {
    const path = join(dir, 'plan.db');
    const store = SqliteStore.open({ path });
    await store.insert(events);
    const first = await store.events({ filter: {}, limit: 5, orderBy: 'cost' });
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      for (const [order, index] of Object.entries(INDEX)) {
        for (const cursor of [undefined, first.nextCursor]) {
          if (order !== 'cost' && cursor !== undefined) continue;
          const page = eventsPageSql(
            { filter: {}, orderBy: order as keyof typeof INDEX, ...(cursor === undefined ? {} : { cursor }) },
            50,
            'sqlite',
          );
          const plan = (db.prepare(`EXPLAIN QUERY PLAN ${page.sql}`).all(...page.params) as { detail: string }[])
            .map((row) => row.detail)
            .join('\n');
          expect(plan).toMatch(new RegExp(`SCAN events USING INDEX ${index}\\b`));
          expect(plan).not.toMatch(/TEMP B-TREE/);
        }
      }
    } finally {
      db.close();
    }
  });

  it('PostgreSQL: a page by cost, latency or tokens is an index scan, with no sort', async () => {
    const store = await openStore(`${PG_URL}?schema=${schema}`);
    await store.insert(events);
    await store.close();
    const client = await adminClient();
    try {
      await client.query(`SET search_path = ${schema}`);
      await client.query('ANALYZE events');
      // 400 rows: left to itself the planner would rather sort them; forbidding the sort shows
      // whether the index gives the order at all.
      await client.query('SET enable_sort = off');
      for (const [order, index] of Object.entries(INDEX)) {
        const page = eventsPageSql({ filter: {}, orderBy: order as keyof typeof INDEX }, 50, 'postgres');
        let n = 0;
        const sql = page.sql.replace(/\?/g, () => `$${++n}`);
        const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, page.params)).rows
          .map((row) => row['QUERY PLAN'])
          .join('\n');
        expect(plan).toMatch(new RegExp(`Index Scan using ${index} on events`));
        expect(plan).not.toMatch(/Sort/);
      }
    } finally {
      await client.end();
    }
  });
});
