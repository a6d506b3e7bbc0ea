/**
 * Which catalog data this process prices with: the bundled data until a refreshed catalog is
 * installed (catalog-install.ts), then that one. One per process, so every pricer of a process
 * (the gateway's, the budgets', the CLI's) prices alike. Each install bumps
 * `catalogGeneration()`, which every pricer compares before using its cache of resolutions.
 *
 * @module
 */
import type { Provider } from '@pydantic/genai-prices';

/** A refreshed catalog in use: its hash, where it came from and when it was fetched. */
export interface InstalledCatalog {
  sha256: string;
  source: string;
  fetchedAt: string;
}

let installed: { info: InstalledCatalog; providers: readonly Provider[] } | undefined;
let generation = 0;

/** The refreshed catalog in use, or `undefined` while the bundled data is. */
export function installedCatalog(): InstalledCatalog | undefined {
  return installed?.info;
}

/** The refreshed catalog's providers, or `undefined` while the bundled data is in use. */
export function installedProviders(): readonly Provider[] | undefined {
  return installed?.providers;
}

/** Changes with every install: a pricer seeing another value drops its cached resolutions. */
export function catalogGeneration(): number {
  return generation;
}

/** Makes `providers` the data in use (checked before: catalog-install.ts). */
export function setInstalledCatalog(providers: readonly Provider[], info: InstalledCatalog): void {
  installed = { info: { ...info }, providers };
  generation += 1;
}

/** Makes the bundled data the data in use again (catalog-install.ts restores the package's too). */
export function clearInstalledCatalog(): void {
  if (installed === undefined) return;
  installed = undefined;
  generation += 1;
}
