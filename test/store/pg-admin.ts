/** A direct PostgreSQL client for test setup/teardown (drops the schemas tests create, adds constraints). */
import { userInfo } from 'node:os';
import pg from 'pg';

export const PG_URL = 'postgres://127.0.0.1:5432/test';

/** A connected client outside any store (end it). */
export async function adminClient(): Promise<pg.Client> {
  // pg lets the connection string's (absent) user override a `user` option, so put it in the URL.
  const url = new URL(PG_URL);
  url.username = process.env['PGUSER'] ?? userInfo().username;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return client;
}

/** Runs statements on a direct connection (outside any store), in order. */
export async function adminQuery(...statements: string[]): Promise<void> {
  const client = await adminClient();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  await adminQuery(...schemas.map((schema) => `DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

/** A schema name unique to this process and call. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
}
