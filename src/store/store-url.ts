/**
 * What a store URL says without opening it: its kind, its SQLite file, the default one. Apart
 * from open.ts, which loads every store's code: `tokenledger batch` reads the kind before its
 * first calls and loads the stores only once they are on the wire.
 *
 * @module
 */
import type { Store } from './store.js';

/** The ledger every command and `serve` use when neither a flag, the config nor TOKENLEDGER_DB names one. */
export const DEFAULT_DB = 'sqlite:./tokenledger.db';

/** The URL with any password removed, for messages and logs. */
export function redactStoreUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, (_, scheme: string) => `${scheme}`);
}

/**
 * The file a `sqlite:`/`file:` URL names, as written (`sqlite:./tokenledger.db` ->
 * `./tokenledger.db`); `undefined` for other stores and for SQLite in memory. Lets a reader
 * tell "no ledger here yet" apart before opening would create one.
 */
export function sqliteFilePath(url: string): string | undefined {
  const path = sqlitePath(url.trim());
  return path === undefined || path === '' || path === ':memory:' ? undefined : path;
}

/** The scheme of `url`, lower-case (`sqlite`, `postgres`, ...); `undefined` when it has none. */
export function schemeOf(url: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
}

/** What follows `sqlite:` or `file:` (`:memory:` included); `undefined` for other schemes. */
export function sqlitePath(url: string): string | undefined {
  const scheme = schemeOf(url);
  if (scheme !== 'sqlite' && scheme !== 'file') return undefined;
  const path = url.slice(scheme.length + 1);
  return path.startsWith('//') ? path.slice(2) : path; // sqlite:///abs/path and file:///abs/path
}

/**
 * The kind of store `url` names, without opening it: `undefined` for a scheme `openStore`
 * refuses (it says why).
 */
export function storeKindOf(url: string): Store['kind'] | undefined {
  const scheme = schemeOf(url.trim());
  if (scheme === 'memory') return 'memory';
  if (scheme === 'sqlite' || scheme === 'file') return 'sqlite';
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  return undefined;
}
