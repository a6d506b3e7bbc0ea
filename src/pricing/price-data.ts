/**
 * Where the prices come from and how old they are. Today the only source is the catalog
 * package's bundled data (tokenledger fetches no prices). The package carries no date for its
 * data, so the date is its release's, pinned here beside its version (the registry's publish
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

export const STALE_AFTER_DAYS = 30;

const DAY_MS = 86_400_000;

export interface PriceDataStatus {
  /** What the prices are read from, e.g. `bundled @pydantic/genai-prices 0.1.8`. */
  source: string;
  /** When the data was made (ISO time). */
  dataTime: string;
  /** Whole days since then. */
  ageDays: number;
  /** Older than `STALE_AFTER_DAYS`. */
  stale: boolean;
}

export function priceDataStatus(now: Date = new Date()): PriceDataStatus {
  const dataMs = Date.parse(BUNDLED_CATALOG.releasedAt);
  const ageDays = Math.max(0, Math.floor((now.getTime() - dataMs) / DAY_MS));
  return {
    source: `bundled ${BUNDLED_CATALOG.package} ${BUNDLED_CATALOG.version}`,
    dataTime: new Date(dataMs).toISOString(),
    ageDays,
    stale: ageDays > STALE_AFTER_DAYS,
  };
}
