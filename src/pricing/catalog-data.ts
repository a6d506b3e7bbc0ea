/**
 * The catalog's data, compact and in slices. `@pydantic/genai-prices` ships its 43 providers and
 * ~1,700 models as one 480 kB script, and requiring it costs a process some 20-30 ms (compiling
 * it, building every object, collecting the garbage) before one call is priced: `tokenledger
 * usage FILE` paid more for that than for anything else. `npm run build` (scripts/bundle.mjs,
 * through scripts/write-price-catalog.ts) writes the package's own data, cut down to what we
 * match and price with, beside the bundle:
 *
 *   dist/src/price-catalog/index.json       the package and version, every provider's id and match rules
 *   dist/src/price-catalog/<provider>.json  that provider's models: id, name, match rules, context window, prices
 *
 * and a process reads the index and then only the slices its calls need (Anthropic's is 8 kB).
 * The catalog stays the one source of prices: the files are derived from it at build time
 * (`compactCatalog` below, the one derivation), never written by hand, and carry its version;
 * where they are missing or of another version (a checkout run from source with tsx, a stale
 * build), the package itself is loaded, as before.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelInfo, Provider } from '@pydantic/genai-prices';
import { BUNDLED_CATALOG } from './price-data.js';

/** What we keep of a catalog model. */
export type CatalogModelInfo = Pick<ModelInfo, 'id' | 'name' | 'match' | 'context_window' | 'prices'>;

/** What we keep of a catalog provider, its models aside (they are its slice). */
export type CatalogProviderInfo = Pick<Provider, 'id' | 'provider_match' | 'model_match' | 'fallback_model_providers'>;

/** `price-catalog/index.json`. */
export interface CatalogIndex {
  package: string;
  version: string;
  providers: CatalogProviderInfo[];
}

/** The compact catalog: the index and every provider's slice. */
export interface CompactCatalog {
  index: CatalogIndex;
  models: Map<string, CatalogModelInfo[]>;
}

/** The folder name of the slices, beside the bundle. */
export const CATALOG_DIR = 'price-catalog';

/** A provider id as a file name: the catalog's ids are plain (`x-ai`, `huggingface_novita`); anything else is refused at build. */
export function sliceFileName(providerId: string): string {
  if (!/^[a-z0-9][a-z0-9_.-]*$/.test(providerId))
    throw new Error(`catalog provider id unfit for a file name: ${providerId}`);
  return `${providerId}.json`;
}

/** Drops `undefined` fields, so that a slice holds exactly what JSON keeps. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/** The one derivation: the package's providers -> the compact catalog (descriptions, URLs and extractors dropped). */
export function compactCatalog(providers: readonly Provider[], version: string): CompactCatalog {
  const models = new Map<string, CatalogModelInfo[]>();
  const index: CatalogIndex = { package: BUNDLED_CATALOG.package, version, providers: [] };
  for (const provider of providers) {
    index.providers.push(
      defined({
        id: provider.id,
        provider_match: provider.provider_match,
        model_match: provider.model_match,
        fallback_model_providers: provider.fallback_model_providers,
      }),
    );
    models.set(
      provider.id,
      provider.models.map((model) =>
        defined({
          id: model.id,
          name: model.name,
          match: model.match,
          context_window: model.context_window,
          prices: model.prices,
        }),
      ),
    );
  }
  return { index, models };
}

/**
 * The slices' folder: beside this code, or one folder up. Bundled, this module is in
 * dist/src/chunks/ or an entry of dist/src/ (or dist/src/cli/), and the slices in
 * dist/src/price-catalog/; from source (src/pricing/) there are none.
 */
function slicesDir(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, path.dirname(here)]) {
    const candidate = path.join(dir, CATALOG_DIR);
    if (existsSync(path.join(candidate, 'index.json'))) return candidate;
  }
  return undefined;
}

/** What the matching reads: the providers (small), and a provider's models when it needs them. */
export interface CatalogSource {
  providers: readonly CatalogProviderInfo[];
  modelsOf(provider: CatalogProviderInfo): readonly CatalogModelInfo[];
}

/** A compact catalog held in memory as a source (the tests match over the package's data derived this way). */
export function sourceOf(catalog: CompactCatalog): CatalogSource {
  return { providers: catalog.index.providers, modelsOf: (provider) => catalog.models.get(provider.id) ?? [] };
}

/** The slices in `dir`, each read on its first use, when they are this catalog version's; else undefined. */
export function readSlices(dir: string): CatalogSource | undefined {
  let index: CatalogIndex;
  try {
    index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as CatalogIndex;
  } catch {
    return undefined;
  }
  if (index.package !== BUNDLED_CATALOG.package || index.version !== BUNDLED_CATALOG.version) return undefined;
  const loaded = new Map<string, readonly CatalogModelInfo[]>();
  return {
    providers: index.providers,
    modelsOf(provider) {
      let models = loaded.get(provider.id);
      if (models === undefined) {
        models = JSON.parse(readFileSync(path.join(dir, sliceFileName(provider.id)), 'utf8')) as CatalogModelInfo[];
        loaded.set(provider.id, models);
      }
      return models;
    },
  };
}

let shipped: CatalogSource | null | undefined;

/** The slices shipped beside the bundle, or undefined (run from source, or missing): then the package answers. */
export function shippedSlices(): CatalogSource | undefined {
  if (shipped === undefined) {
    const dir = slicesDir();
    shipped = (dir === undefined ? undefined : readSlices(dir)) ?? null;
  }
  return shipped ?? undefined;
}
