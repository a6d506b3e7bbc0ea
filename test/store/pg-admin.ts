/** A direct PostgreSQL client for test setup/teardown (drops the schemas tests create). */
import { userInfo } from 'node:os';
import pg from 'pg';

export const PG_URL = 'postgres://127.0.0.1:5432/test';

export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  // pg lets the connection string's (absent) user override a `user` option, so put it in the URL.
  const url = new URL(PG_URL);
  url.username = process.env['PGUSER'] ?? userInfo().username;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A schema name unique to this process and call. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
}
