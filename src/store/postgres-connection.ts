/**
 * What every PostgreSQL part of tokenledger (the store, the budget counters) does the same way
 * before its first query: read the `postgres://...?schema=NAME` URL, open a `pg` pool whose
 * connections live in that schema, and create its tables once, even when several processes start
 * together.
 *
 * @module
 */
import type pg from 'pg';
import { ConfigError } from '../errors/index.js';
import { loadOs, loadPg } from '../lazy/index.js';

export interface PostgresTarget {
  /** The URL pg connects with: `schema` removed, a user filled in. */
  url: URL;
  /** Where every table lives; undefined means the user's default search_path. */
  schema: string | undefined;
  /** host:port/db, for messages (never the password). */
  where: string;
  /** The password as written and decoded, for redacting driver messages. */
  secrets: string[];
}

/** Parses the URL; a bad URL or schema name is a ConfigError on `field`. */
export function postgresTarget(raw: string, label: string, field = 'store'): PostgresTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${label}: not a valid postgres:// URL`, { field });
  }
  const schema = url.searchParams.get('schema') ?? undefined;
  // Lower case only: search_path in the startup options is not quoted, so it folds case.
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError(`schema must be a lower-case identifier (a-z, 0-9, _), got ${JSON.stringify(schema)}`, {
      field,
    });
  }
  url.searchParams.delete('schema');
  // libpq falls back to the OS user when the URL names none; pg only reads $USER, which may be unset.
  if (url.username === '') url.username = process.env['PGUSER'] ?? process.env['USER'] ?? loadOs().userInfo().username;
  const password = decodeURIComponent(url.password);
  return {
    url,
    schema,
    where: `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname}`,
    secrets: password === '' ? [] : [password, url.password],
  };
}

export interface PostgresPoolOptions {
  poolSize: number;
  /** How long to wait for a connection: to connect, or for a pooled one to be free. */
  connectTimeoutMs: number;
  /**
   * Client side: a query without any answer for this long fails (pg's `query_timeout`) and its
   * connection is dropped; what a database that went silent (no reset) gets. None when absent.
   */
  queryTimeoutMs?: number;
  /** Session settings (`name` → value) every connection starts with, beside the schema's search_path. */
  settings?: Record<string, string | number>;
}

/** A pool in the target's schema. pg loads here, on first use (src/lazy): a SQLite-only process never pays for it. */
export function openPostgresPool(target: PostgresTarget, options: PostgresPoolOptions): pg.Pool {
  const { Pool } = loadPg();
  const settings = {
    ...(target.schema === undefined ? {} : { search_path: target.schema }),
    ...options.settings,
  };
  const startup = Object.entries(settings)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
  const pool = new Pool({
    connectionString: target.url.toString(),
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    ...(options.queryTimeoutMs === undefined ? {} : { query_timeout: options.queryTimeoutMs }),
    ...(startup === '' ? {} : { options: startup }),
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs `work` in one transaction inside the target's schema (created if missing), holding the
 * schema's one setup lock: processes opening together queue here, and each finds the work of
 * the first one done. The ledger's store and the budget counters take the same lock, since both
 * create the schema: under two locks, two `CREATE SCHEMA IF NOT EXISTS` racing on a new schema
 * fail with a duplicate key in `pg_namespace`.
 */
export async function inSchemaSetup(
  pool: pg.Pool,
  schema: string | undefined,
  work: (client: pg.PoolClient) => Promise<void>,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tokenledger.setup.${schema ?? 'public'}`]);
    if (schema !== undefined) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(`SET LOCAL search_path TO "${schema}"`);
    }
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
