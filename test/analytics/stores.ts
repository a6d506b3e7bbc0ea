/**
 * The three stores the analytics must answer identically on: memory, SQLite (a temp file)
 * and PostgreSQL (a schema of its own in the shared `test` database, dropped afterwards).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '#src/store/index.js';

export const PG_URL = process.env.TOKENLEDGER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore {
  kind: 'memory' | 'sqlite' | 'postgres';
  open(): Promise<Store>;
  /** Removes what open() created. */
  cleanup(): Promise<void>;
}

export function testStores(prefix: string): TestStore[] {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const schema = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
    .replace(/[^a-z0-9_]/gi, '_')
    .toLowerCase();
  let n = 0;
  return [
    { kind: 'memory', open: () => openStore('memory:'), cleanup: async () => undefined },
    {
      kind: 'sqlite',
      open: () => openStore(`sqlite:${join(dir, `ledger-${++n}.db`)}`),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    },
    {
      kind: 'postgres',
      open: () => openStore(`${PG_URL}?schema=${schema}_${++n}`),
      cleanup: async () => {
        const client = new pg.Client(PG_URL);
        await client.connect();
        try {
          const { rows } = await client.query<{ nspname: string }>(
            'select nspname from pg_namespace where nspname like $1',
            [`${schema}_%`],
          );
          for (const row of rows) await client.query(`drop schema if exists "${row.nspname}" cascade`);
        } finally {
          await client.end();
        }
      },
    },
  ];
}
