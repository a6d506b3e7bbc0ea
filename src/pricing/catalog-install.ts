/**
 * Installing a refreshed catalog in this process: the checks against the bundle and the data in
 * use (catalog-check.ts), then the swap (installed-state.ts). The package's own hook
 * (`updatePrices`, whose `setProviderData` swaps the data its `calcPrice`/`findProvider` read) is
 * given the same providers, so the package agrees with our matching (catalog.ts matches an
 * installed catalog itself, as it does the built package's compact slices).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Provider } from '@pydantic/genai-prices';
import { loadFsPromises, loadPriceCatalog } from '../lazy/index.js';
import { checkCatalog, type CatalogCheck } from './catalog-check.js';
import {
  clearInstalledCatalog,
  installedProviders,
  setInstalledCatalog,
  type InstalledCatalog,
} from './installed-state.js';

let bundled: readonly Provider[] | undefined;

/** The data the package bundles (read before any install replaces it in the package). */
export async function bundledProviders(): Promise<readonly Provider[]> {
  bundled ??= (await loadPriceCatalog().waitForUpdate()) ?? [];
  return bundled;
}

/** The data in use now. */
export async function activeProviders(): Promise<readonly Provider[]> {
  return installedProviders() ?? (await bundledProviders());
}

export function sha256Of(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Checks a file against the bundle and the data in use. */
export async function checkCatalogText(text: string, options: { acceptMoves?: boolean } = {}): Promise<CatalogCheck> {
  const base = await bundledProviders();
  return checkCatalog(text, { bundled: base, current: await activeProviders(), ...options });
}

/**
 * Makes checked providers the data this process prices with. Throws when the package's own
 * validation refuses them (a price constraint it cannot read); the data in use stays.
 */
export async function installCatalog(providers: Provider[], info: InstalledCatalog): Promise<void> {
  await bundledProviders();
  loadPriceCatalog().updatePrices(({ setProviderData }) => setProviderData(providers));
  setInstalledCatalog((await loadPriceCatalog().waitForUpdate()) ?? providers, info);
}

/**
 * Prices with the bundled data again, as a fresh process does. The test suite's unit tier shares
 * one process between test files and calls it after each file, so that a file that installed a
 * catalog does not change the prices the next one sees.
 */
export async function restoreBundledCatalog(): Promise<void> {
  if (installedProviders() === undefined) return;
  const providers = [...(await bundledProviders())];
  loadPriceCatalog().updatePrices(({ setProviderData }) => setProviderData(providers));
  await loadPriceCatalog().waitForUpdate();
  clearInstalledCatalog();
}

/** The package's published data file (the default of `prices update`). */
export function defaultCatalogUrl(): string {
  return loadPriceCatalog().REMOTE_DATA_JSON_URL;
}

/** Largest catalog file read (the published one is ~0.4 MB). */
export const MAX_CATALOG_BYTES = 32 * 1024 * 1024;

/** A catalog file's text from an http(s) URL or a file path. Throws an Error with a one-line message. */
export async function readCatalogSource(from: string, timeoutMs = 30_000): Promise<string> {
  if (!/^https?:\/\//i.test(from)) {
    const text = await loadFsPromises().readFile(from, 'utf8');
    if (text.length > MAX_CATALOG_BYTES) throw new Error(`${from} is larger than ${MAX_CATALOG_BYTES} bytes`);
    return text;
  }
  const response = await fetch(from, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_CATALOG_BYTES) throw new Error(`larger than ${MAX_CATALOG_BYTES} bytes`);
  const text = await response.text();
  if (text.length > MAX_CATALOG_BYTES) throw new Error(`larger than ${MAX_CATALOG_BYTES} bytes`);
  return text;
}
