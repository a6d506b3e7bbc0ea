/**
 * Migrations over a ledger written by an older version: a database is built with the schema as
 * it stood at version N (the applied migrations are frozen, so replaying them is that schema),
 * filled with rows of that time, then opened by today's store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations, SCHEMA_MIGRATIONS_DDL } from '#src/store/migrations/schema.js';
import { openStore, type Store } from '#src/store/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { dropSchemas, PG_URL, uniqueSchema } from './pg-admin.js';

const dir = mkdtempSync(join(tmpdir(), 'store-migrations-'));
const schemas: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(schemas);
});

type Dialect = 'sqlite' | 'postgres';
type Run = (sql: string) => Promise<void>;

const T = Date.UTC(2026, 2, 3, 10, 15);
const HOUR = 3_600_000;

/** One event as version 4 stored it: no warnings column; its rollup row written beside it. */
async function seedVersion4(dialect: Dialect, run: Run): Promise<void> {
  await run(SCHEMA_MIGRATIONS_DDL(dialect));
  for (const migration of migrations(dialect).filter((m) => m.version <= 4)) {
    for (const statement of migration.statements) await run(statement);
    await run(`INSERT INTO schema_migrations (version, name) VALUES (${migration.version}, '${migration.name}')`);
  }
  const tags = dialect === 'postgres' ? `'{}'::jsonb` : `'{}'`;
  await run(`INSERT INTO events (id, time_ms, provider, model, tags, input_tokens, output_tokens, total_tokens,
    cost_total_nanos, cost_input_nanos, cost_output_nanos, status, attempts, estimated)
    VALUES ('old-1', ${T}, 'openai', 'gpt-4o-mini', ${tags}, 100, 20, 120, 27000, 15000, 12000, 'ok', 1, 0)`);
  for (const [table, column, start] of [
    ['rollup_hourly', 'hour_ms', T - (T % HOUR)],
    ['rollup_daily', 'day_ms', T - (T % (24 * HOUR))],
  ] as const) {
    await run(`INSERT INTO ${table} (${column}, provider, model, agent, status, calls, successes, input_tokens,
      output_tokens, total_tokens, cost_nanos, cost_input_nanos, cost_output_nanos, min_time_ms, max_time_ms)
      VALUES (${start}, 'openai', 'gpt-4o-mini', '', 'ok', 1, 1, 100, 20, 120, 27000, 15000, 12000, ${T}, ${T})`);
  }
}

function event(id: string, warnings?: string[]): UsageEvent {
  const e: UsageEvent = {
    id,
    time: new Date(T + 1000).toISOString(),
    provider: 'openai',
    model: 'gpt-4o-mini',
    tags: {},
    usage: {
      inputTokens: 10,
      outputTokens: 2,
      totalTokens: 12,
      cacheReadTokens: 0,
      cacheWriteTokens: undefined,
      reasoningTokens: 0,
    },
    cost: null,
    costUnavailableReason: 'no price',
    status: 'ok',
    attempts: 1,
    estimated: false,
  };
  if (warnings !== undefined) e.warnings = warnings;
  return e;
}

async function checkWarningsUpgrade(store: Store): Promise<void> {
  const before = await store.aggregate({ filter: {}, groupBy: [] });
  expect(before.map((r) => [r.calls, r.totalTokens, r.costNanos, r.warningCalls])).toEqual([[1, 120, 27000, 0]]);
  expect(
    await store.insert([event('new-1', ['cacheReadTokens dropped: larger than inputTokens']), event('new-2')]),
  ).toBe(2);
  const page = await store.events({ filter: {}, limit: 10 });
  const byId = new Map(page.events.map((e) => [e.id, e]));
  expect(byId.get('old-1')?.warnings).toBeUndefined();
  expect(byId.get('new-1')?.warnings).toEqual(['cacheReadTokens dropped: larger than inputTokens']);
  expect(byId.get('new-2')).not.toHaveProperty('warnings');
  // Whole hours from the rollups, and the raw edge of a partial range: both count the warning.
  for (const filter of [{}, { from: new Date(T), to: new Date(T + 5000) }]) {
    const [row] = await store.aggregate({ filter, groupBy: [] });
    expect([row?.calls, row?.warningCalls]).toEqual([3, 1]);
  }
}

describe('migration 5 (event warnings) over a version-4 ledger', () => {
  it('sqlite: old rows read back without warnings; new ones keep and count theirs', async () => {
    const path = join(dir, 'v4.db');
    const db = new Database(path);
    await seedVersion4('sqlite', async (sql) => {
      db.exec(sql);
    });
    db.close();
    const store = await openStore(`sqlite:${path}`);
    try {
      await checkWarningsUpgrade(store);
    } finally {
      await store.close();
    }
  });

  it('postgres: the same', async () => {
    const schema = uniqueSchema('tl_migrate');
    schemas.push(schema);
    const url = new URL(PG_URL);
    url.username = process.env['PGUSER'] ?? userInfo().username;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA "${schema}"`);
      await client.query(`SET search_path TO "${schema}"`);
      await seedVersion4('postgres', async (sql) => {
        await client.query(sql);
      });
    } finally {
      await client.end();
    }
    const store = await openStore(`${PG_URL}?schema=${schema}`);
    try {
      await checkWarningsUpgrade(store);
    } finally {
      await store.close();
    }
  });
});
