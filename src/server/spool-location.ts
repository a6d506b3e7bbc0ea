/**
 * Where `tokenledger serve` keeps its spool: `server.spool.path` when given; else next to the
 * SQLite file (`./tokenledger.db` → `./tokenledger.db.spool/`), so that the ledger and what is
 * on its way there live on one disk and move together; else (PostgreSQL)
 * `./tokenledger.spool/<store>/` in the working directory, one folder per database and schema
 * (a hash of the URL without its password), so that what one ledger left is never replayed into
 * another. A store that keeps nothing (`memory:`, `sqlite::memory:`) gets no
 * spool unless one is configured: its events would not outlive the process anyway.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ServerConfig } from '../config/index.js';
import type { SpoolOptions } from '../ledger/index.js';
import { redactStoreUrl } from '../store/index.js';

export const DEFAULT_PG_SPOOL_PATH = './tokenledger.spool';

export function spoolOptionsFor(db: string, config: ServerConfig['spool']): SpoolOptions | undefined {
  const maxBytes = config.maxBytes === undefined ? {} : { maxBytes: config.maxBytes };
  if (config.path !== undefined) return { path: config.path, ...maxBytes };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(db.trim())?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const store = createHash('sha256').update(redactStoreUrl(db.trim())).digest('hex').slice(0, 16);
    return { path: join(DEFAULT_PG_SPOOL_PATH, `postgres-${store}`), ...maxBytes };
  }
  const file = sqliteFileOf(db);
  return file === undefined ? undefined : { path: `${file}.spool`, ...maxBytes };
}

/** The SQLite file a `sqlite:`/`file:` URL names (as openStore reads it); none for `:memory:` and other stores. */
function sqliteFileOf(url: string): string | undefined {
  const match = /^(?:sqlite|file):(?:\/\/)?(.*)$/i.exec(url.trim());
  const path = match?.[1] ?? '';
  return path === '' || path === ':memory:' ? undefined : path;
}
