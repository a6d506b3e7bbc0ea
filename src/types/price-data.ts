/**
 * Price data installed in a ledger (`tokenledger prices update`, `serve`'s scheduled refresh):
 * a catalog file in the format @pydantic/genai-prices bundles, kept in the store so every
 * process on one ledger prices alike. Refused updates are kept too (without their data), so
 * `prices status` and `/metrics` can say why the prices did not change.
 *
 * @module
 */

/** One update attempt, installed or refused. */
export interface PriceDataRecord {
  /** Increasing with every attempt on one ledger (newest wins). */
  id: number;
  status: 'installed' | 'refused';
  /** sha256 of the file's bytes, hex; absent when nothing was read (a fetch that failed). */
  sha256: string | undefined;
  /** Where it came from: a URL or a file path. */
  source: string;
  /** ISO time it was fetched. */
  fetchedAt: string;
  /** Why it was refused (one line). */
  reason: string | undefined;
  /** What the checks noted without refusing (one line each). */
  warnings: string[];
  /** Providers and models it holds, when it could be read. */
  providers: number | undefined;
  models: number | undefined;
}

/** What a store keeps of an attempt: the record and, for an installed one, the file's text. */
export type PriceDataEntry = Omit<PriceDataRecord, 'id'> & { data?: string };

/** The ledger's price data: the newest installed file, and a refusal newer than it. */
export interface PriceDataState {
  installed: PriceDataRecord | undefined;
  /** The newest refused attempt after `installed` (or ever, when none is installed). */
  refused: PriceDataRecord | undefined;
}
