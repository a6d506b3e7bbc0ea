/**
 * The heavy dependencies, each loaded on its first use and only then. Loading one costs tens of
 * milliseconds (zod's ~95 files, the price catalog's bundled data, gpt-tokenizer's encodings,
 * the SQLite binding, the PostgreSQL and Redis drivers), and most processes need few of them or
 * none: `import 'tokenledger'`, `tokenledger --version` and `tokenledger usage FILE` pay only for
 * what they use (built, pricing reads the compact catalog shipped beside the bundle and loads
 * the catalog package only when that is missing: src/pricing/catalog-data.ts). Each is loaded
 * synchronously through its CommonJS build, so the code that uses it stays synchronous; its
 * types come from `import type`, which costs nothing at run time.
 *
 * This is the one place that loads them: a lint rule (.dependency-cruiser.cjs) refuses a value
 * import of any of them elsewhere in src/, and test/lazy/ checks in a fresh process that
 * `import 'tokenledger'` loads none of them.
 *
 * @module
 */
import type * as GenaiPrices from '@pydantic/genai-prices';
import type BetterSqlite3 from 'better-sqlite3';
import type * as O200k from 'gpt-tokenizer/encoding/o200k_base';
import type * as IORedis from 'ioredis';
import type pg from 'pg';
import type * as EventsourceParser from 'eventsource-parser';
import type * as Ulid from 'ulid';
import type * as Zod from 'zod';
import { onFirstUse } from './on-first-use.js';

/** The package names loaded here, for the tests that check none of them loads too early. */
export const HEAVY_PACKAGES = ['zod', '@pydantic/genai-prices', 'gpt-tokenizer', 'better-sqlite3', 'pg', 'ioredis'];

/** A gpt-tokenizer encoding module (both have the same shape). */
type TokenizerEncoding = typeof O200k;

export const loadZod: () => typeof Zod = onFirstUse('zod');
export const loadPriceCatalog: () => typeof GenaiPrices = onFirstUse('@pydantic/genai-prices');
export const loadSqlite: () => typeof BetterSqlite3 = onFirstUse('better-sqlite3');
export const loadPg: () => typeof pg = onFirstUse('pg');
export const loadIoredis: () => typeof IORedis = onFirstUse('ioredis');
// Light, but each package costs a fresh process some 7 ms to resolve and load: the ids of
// recorded events, and the parser of server-sent events (streams), load when first needed.
export const loadUlid: () => typeof Ulid = onFirstUse('ulid');
export const loadEventsourceParser: () => typeof EventsourceParser = onFirstUse('eventsource-parser');
export const loadTokenizer = {
  o200k_base: onFirstUse<TokenizerEncoding>('gpt-tokenizer/encoding/o200k_base'),
  cl100k_base: onFirstUse<TokenizerEncoding>('gpt-tokenizer/encoding/cl100k_base'),
};
