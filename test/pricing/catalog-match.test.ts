/**
 * The compact catalog and our copy of its matching (src/pricing/catalog-data.ts,
 * catalog-match.ts) against the package itself: for every model of the catalog, under its id and
 * the names its match rules name, in several spellings, asked for under every provider, under
 * none and through `litellm`, the model found (and the provider it is reported under) is the one
 * `calcPrice` finds, with the same prices; every provider lookup is `findProvider`'s.
 */
import { calcPrice, findProvider, type MatchLogic, type Provider, waitForUpdate } from '@pydantic/genai-prices';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CATALOG_DIR,
  compactCatalog,
  readSlices,
  sliceFileName,
  sourceOf,
  type CatalogSource,
} from '#src/pricing/catalog-data.js';
import { findCatalogModel, findCatalogProvider } from '#src/pricing/catalog-match.js';
import { BUNDLED_CATALOG } from '#src/pricing/index.js';

let providers: readonly Provider[];
let source: CatalogSource;

beforeAll(async () => {
  providers = (await waitForUpdate()) ?? [];
  source = sourceOf(compactCatalog(providers, BUNDLED_CATALOG.version));
});

/** The literal names a rule mentions (`claude-3-5-haiku` of `{ starts_with: 'claude-3-5-haiku' }`). */
function literals(rule: MatchLogic | undefined): string[] {
  if (rule === undefined) return [];
  if ('or' in rule) return rule.or.flatMap(literals);
  if ('and' in rule) return rule.and.flatMap(literals);
  if ('regex' in rule) return [];
  return Object.values(rule) as string[];
}

/** The package's answer, as `provider/model` (or null). */
function packageMatch(name: string, providerId: string | undefined): string | null {
  const found = calcPrice({}, name, providerId === undefined ? {} : { providerId });
  return found ? `${found.provider.id}/${found.model.id}` : null;
}

function ourMatch(name: string, providerId: string | undefined): string | null {
  const found = findCatalogModel(source, name, providerId);
  return found ? `${found.provider.id}/${found.model.id}` : null;
}

/** Counts the (name, provider) pairs on which ours and the package differ, each one named. */
function differencesOn(asks: ReadonlyArray<readonly [string, string | undefined]>): string[] {
  return asks
    .map(
      ([name, providerId]) => [name, providerId, ourMatch(name, providerId), packageMatch(name, providerId)] as const,
    )
    .filter(([, , ours, theirs]) => ours !== theirs)
    .map(
      ([name, providerId, ours, theirs]) => `${providerId ?? '(none)'} ${JSON.stringify(name)}: ${ours} != ${theirs}`,
    );
}

describe('the compact catalog is the package data', () => {
  it('keeps every provider and model, with their match rules, context windows and prices', () => {
    expect(source.providers.map((provider) => provider.id)).toEqual(providers.map((provider) => provider.id));
    for (const provider of providers) {
      const compact = source.providers.find((candidate) => candidate.id === provider.id);
      expect(compact).toEqual(
        JSON.parse(
          JSON.stringify({
            id: provider.id,
            provider_match: provider.provider_match,
            model_match: provider.model_match,
            fallback_model_providers: provider.fallback_model_providers,
          }),
        ),
      );
      expect(source.modelsOf(provider)).toEqual(
        provider.models.map((model) =>
          JSON.parse(
            JSON.stringify({
              id: model.id,
              name: model.name,
              match: model.match,
              context_window: model.context_window,
              prices: model.prices,
            }),
          ),
        ),
      );
    }
    expect(providers.reduce((sum, provider) => sum + provider.models.length, 0)).toBe(1694);
  });
});

describe('matching equals the package', () => {
  // Each model is asked for in several ways; the package is slow to ask (~0.3 ms a name,
  // linear over the catalog), so the ways are chosen, not crossed with every provider.
  it('every model by its id: under its provider and under none', () => {
    const asks = providers.flatMap((provider) =>
      provider.models.flatMap((model) => [[model.id, provider.id] as const, [model.id, undefined] as const]),
    );
    expect(asks.length).toBe(2 * 1694);
    expect(differencesOn(asks)).toEqual([]);
  });

  it('every model in other spellings: upper case, padded, dated (valid and not), under its provider', () => {
    const asks = providers.flatMap((provider) =>
      provider.models.flatMap((model) =>
        [model.id.toUpperCase(), ` ${model.id} `, `${model.id}-20250929`, `${model.id}-20250231`].map(
          (name) => [name, provider.id] as const,
        ),
      ),
    );
    expect(differencesOn(asks)).toEqual([]);
  });

  it('every name a match rule spells out, under its provider and under none', () => {
    const asks = providers.flatMap((provider) =>
      provider.models.flatMap((model) =>
        literals(model.match)
          .filter((name) => name !== model.id)
          .flatMap((name) => [[name, provider.id] as const, [name, undefined] as const]),
      ),
    );
    expect(asks.length).toBeGreaterThan(1000);
    expect(differencesOn(asks)).toEqual([]);
  });

  it("fallback providers: every model of azure's and google's fallbacks, asked for under them", () => {
    const asks = providers
      .filter((provider) => provider.fallback_model_providers !== undefined)
      .flatMap((provider) =>
        (provider.fallback_model_providers ?? []).flatMap((id) =>
          (providers.find((candidate) => candidate.id === id)?.models ?? []).map(
            (model) => [`${model.id}-20250929`, provider.id] as const,
          ),
        ),
      );
    expect(asks.length).toBeGreaterThan(100);
    expect(differencesOn(asks)).toEqual([]);
  });

  it('litellm with vendor/model, unknown vendors, and the empty provider id', () => {
    const asks: Array<readonly [string, string | undefined]> = providers.flatMap((provider) =>
      provider.models.map((model) => [`${provider.id}/${model.id}`, 'LiteLLM'] as const),
    );
    asks.push(['nope/gpt-4o', 'litellm'], ['gpt-4o', 'litellm'], ['gpt-4o', ''], ['/gpt-4o', 'litellm']);
    expect(differencesOn(asks)).toEqual([]);
  });

  it("provider aliases (each provider's match rule names), with the provider's first models", () => {
    const asks = providers.flatMap((provider) =>
      [provider.id.toUpperCase(), ...literals(provider.provider_match)].flatMap((alias) =>
        provider.models.slice(0, 3).map((model) => [model.id, alias] as const),
      ),
    );
    expect(differencesOn(asks)).toEqual([]);
  });

  it('the model found carries the package model prices', () => {
    for (const provider of providers) {
      for (const model of provider.models) {
        const theirs = calcPrice({}, model.id, { providerId: provider.id });
        const ours = findCatalogModel(source, model.id, provider.id);
        expect(ours?.model.prices).toEqual(theirs?.model.prices);
        expect(ours?.model.context_window).toEqual(theirs?.model.context_window);
      }
    }
  });

  it('findProvider: by id, alias or model name, as given', () => {
    const queries: Array<{ providerId?: string; modelId?: string }> = [{}, { providerId: '' }, { modelId: '' }];
    for (const provider of providers) {
      for (const alias of [
        provider.id,
        ` ${provider.id.toUpperCase()} `,
        'litellm',
        ...literals(provider.provider_match),
      ])
        queries.push({ providerId: alias });
      for (const model of provider.models) {
        queries.push({ modelId: model.id }, { modelId: model.id.toUpperCase() });
        for (const name of literals(model.match)) queries.push({ modelId: name });
      }
      queries.push({ providerId: 'litellm', modelId: provider.models[0]?.id ?? '' });
    }
    const differences = queries
      .map((query) => [JSON.stringify(query), findCatalogProvider(source, query)?.id, findProvider(query)?.id] as const)
      .filter(([, ours, theirs]) => ours !== theirs);
    expect(differences).toEqual([]);
  });
});

describe('slices on disk', () => {
  /** Writes the compact catalog as the build does, with `version` in its index. */
  function writeSlices(version: string): string {
    const root = mkdtempSync(path.join(os.tmpdir(), 'tl-catalog-'));
    const dir = path.join(root, CATALOG_DIR);
    mkdirSync(dir);
    const { index, models } = compactCatalog(providers, version);
    writeFileSync(path.join(dir, 'index.json'), JSON.stringify(index));
    for (const [id, slice] of models) writeFileSync(path.join(dir, sliceFileName(id)), JSON.stringify(slice));
    return dir;
  }

  it("are read back as the catalog, each provider's slice when asked for", () => {
    const dir = writeSlices(BUNDLED_CATALOG.version);
    try {
      const slices = readSlices(dir);
      expect(slices?.providers).toEqual(source.providers);
      const anthropic = slices?.providers.find((provider) => provider.id === 'anthropic');
      expect(anthropic && slices?.modelsOf(anthropic)).toEqual(anthropic && source.modelsOf(anthropic));
      expect(slices && findCatalogModel(slices, 'claude-sonnet-4-5-20250929', 'anthropic')?.model.id).toBe(
        'claude-sonnet-4-5',
      );
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });

  it('of another catalog version are not used (the package is loaded instead)', () => {
    const dir = writeSlices('0.0.1');
    try {
      expect(readSlices(dir)).toBeUndefined();
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });

  it('refuses a provider id unfit for a file name', () => {
    expect(() => sliceFileName('../x')).toThrow('unfit for a file name');
  });
});
