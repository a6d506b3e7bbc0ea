/**
 * Where the prices come from and how old they are: the catalog package's bundled data, or a
 * refreshed catalog installed in the ledger (`tokenledger prices update`), dated by its fetch
 * time. The package carries no date for its bundled data, so that date is its release's, pinned here beside its version (the registry's publish
 * time of @pydantic/genai-prices 0.1.8); a test fails when the installed version is another,
 * so an upgrade cannot keep a stale date.
 *
 * Data older than `STALE_AFTER_DAYS` is stale: list prices change several times a month, and
 * costs drift from the bills without anyone noticing.
 *
 * @module
 */
export const BUNDLED_CATALOG = {
  package: '@pydantic/genai-prices',
  version: '0.1.8',
  releasedAt: '2026-09-23T10:11:04Z',
} as const;

import { installedCatalog } from './installed-state.js';

export const STALE_AFTER_DAYS = 30;

const DAY_MS = 86_400_000;

export interface PriceDataStatus {
  /** What the prices are read from: `bundled @pydantic/genai-prices 0.1.8`, `catalog sha256:1a2b3c4d5e6f from URL`. */
  source: string;
  /** When the data was made (ISO time). */
  dataTime: string;
  /** Whole days since then. */
  ageDays: number;
  /** Older than `STALE_AFTER_DAYS`. */
  stale: boolean;
}

/** How a source is named: the bundle by version, a refreshed catalog by the start of its sha256. */
export function bundledSourceName(): string {
  return `bundled ${BUNDLED_CATALOG.package} ${BUNDLED_CATALOG.version}`;
}

export function refreshedSourceName(sha256: string, source: string): string {
  return `catalog sha256:${sha256.slice(0, 12)} from ${source}`;
}

/** An event's `priceSource` for a price of `source`, with the catalog data in use now. */
export function eventPriceSource(source: 'override' | 'catalog' | 'free'): string {
  if (source !== 'catalog') return source;
  const refreshed = installedCatalog();
  return refreshed === undefined ? `bundled ${BUNDLED_CATALOG.version}` : `catalog ${refreshed.sha256.slice(0, 12)}`;
}

export function priceDataStatus(now: Date = new Date()): PriceDataStatus {
  const refreshed = installedCatalog();
  const dataMs = Date.parse(refreshed?.fetchedAt ?? BUNDLED_CATALOG.releasedAt);
  const ageDays = Math.max(0, Math.floor((now.getTime() - dataMs) / DAY_MS));
  return {
    source: refreshed === undefined ? bundledSourceName() : refreshedSourceName(refreshed.sha256, refreshed.source),
    dataTime: new Date(dataMs).toISOString(),
    ageDays,
    stale: ageDays > STALE_AFTER_DAYS,
  };
}
