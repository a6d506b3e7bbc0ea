/**
 * Refreshed prices, between the catalog checks (src/pricing) and the ledger that keeps them
 * (src/store): `updatePriceData` reads a catalog file, checks it and, when it passes, installs
 * it in this process and in the store; `syncPriceData` makes this process price with the newest
 * file installed in the store by any process (what `serve` polls). A refused file changes
 * nothing but the record of the refusal, which says why in one line.
 *
 * @module
 */
import {
  checkCatalogText,
  installCatalog,
  installedCatalog,
  readCatalogSource,
  sha256Of,
  type CatalogCounts,
} from '../pricing/index.js';
import type { Store } from '../store/index.js';
import type { PriceDataRecord } from '../types/index.js';

export interface PriceUpdateOptions {
  /** A URL (http, https) or a file path. */
  from: string;
  /** Install even when prices moved more than 10x (they are listed in the warnings). @default false */
  acceptMoves?: boolean;
  /** Clock for the fetch time. @default () => new Date() */
  now?: () => Date;
  timeoutMs?: number;
}

export type PriceUpdateOutcome =
  | { installed: true; record: PriceDataRecord; counts: CatalogCounts; unchanged: boolean }
  | { installed: false; record: PriceDataRecord };

/** A source as recorded and shown: a URL without credentials, query or fragment (they may hold tokens). */
export function sourceName(from: string): string {
  if (!/^https?:\/\//i.test(from)) return from;
  try {
    const url = new URL(from);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '(unreadable URL)';
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Reads, checks and (when it passes) installs a catalog file, here and in the store. */
export async function updatePriceData(store: Store, options: PriceUpdateOptions): Promise<PriceUpdateOutcome> {
  const source = sourceName(options.from);
  const fetchedAt = (options.now?.() ?? new Date()).toISOString();
  let text: string;
  try {
    text = await readCatalogSource(options.from, options.timeoutMs);
  } catch (error) {
    const reason = `could not read ${source}: ${oneLine(error instanceof Error ? error.message : String(error))}`;
    return { installed: false, record: await store.addPriceData(refusal(source, fetchedAt, undefined, reason)) };
  }
  const sha256 = sha256Of(text);
  const check = await checkCatalogText(text, { acceptMoves: options.acceptMoves === true });
  if (!check.ok) {
    const entry = { ...refusal(source, fetchedAt, sha256, oneLine(check.reason)), warnings: check.warnings };
    return { installed: false, record: await store.addPriceData({ ...entry, ...counted(check.counts) }) };
  }
  const unchanged = installedCatalog()?.sha256 === sha256;
  try {
    await installCatalog(check.providers, { sha256, source, fetchedAt });
  } catch (error) {
    const reason = `the catalog package refused it: ${oneLine(error instanceof Error ? error.message : String(error))}`;
    const entry = { ...refusal(source, fetchedAt, sha256, reason), ...counted(check.counts) };
    return { installed: false, record: await store.addPriceData(entry) };
  }
  const record = await store.addPriceData({
    status: 'installed',
    sha256,
    source,
    fetchedAt,
    reason: undefined,
    warnings: check.warnings,
    ...counted(check.counts),
    data: text,
  });
  return { installed: true, record, counts: check.counts, unchanged };
}

function refusal(source: string, fetchedAt: string, sha256: string | undefined, reason: string) {
  return {
    status: 'refused' as const,
    sha256,
    source,
    fetchedAt,
    reason,
    warnings: [],
    providers: undefined,
    models: undefined,
  };
}

function counted(counts: CatalogCounts | undefined): { providers: number | undefined; models: number | undefined } {
  return { providers: counts?.providers, models: counts?.models };
}

export type PriceSyncOutcome =
  | { changed: false }
  | { changed: true; record: PriceDataRecord }
  | { changed: false; error: string; record: PriceDataRecord };

/**
 * Makes this process price with the newest catalog installed in the store, when it is not the
 * one in use. The file is checked again (it was when installed; a hand-edited row is not
 * trusted), moves accepted: they were when it was installed.
 */
export async function syncPriceData(store: Store): Promise<PriceSyncOutcome> {
  const { installed } = await store.priceDataState();
  if (installed === undefined || installed.sha256 === undefined) return { changed: false };
  if (installedCatalog()?.sha256 === installed.sha256) return { changed: false };
  const text = await store.priceDataText(installed.id);
  if (text === undefined) return { changed: false, error: 'its text is no longer kept', record: installed };
  if (sha256Of(text) !== installed.sha256)
    return { changed: false, error: 'its text does not match its sha256', record: installed };
  const check = await checkCatalogText(text, { acceptMoves: true });
  if (!check.ok) return { changed: false, error: check.reason, record: installed };
  await installCatalog(check.providers, {
    sha256: installed.sha256,
    source: installed.source,
    fetchedAt: installed.fetchedAt,
  });
  return { changed: true, record: installed };
}
