/**
 * The catalog's provider and model matching, over the compact catalog (catalog-data.ts), so that
 * pricing one call never loads the whole package. A copy of `@pydantic/genai-prices` 0.1.8's own
 * rules (`findProvider`, and the matching half of `calcPrice`: `dist/index.cjs`, functions `S`,
 * `fe`, `f`, `ye`, `C`, `ve`, `Pe`), kept to the letter, quirks included: a regex is tested on
 * the name as given, every other rule case-blind; an empty provider id counts as none. A test
 * (test/pricing/catalog-match.test.ts) compares it with the package's matching for every model
 * of the catalog under many names, so a package upgrade that changes a rule fails there.
 *
 * @module
 */
import type { MatchLogic } from '@pydantic/genai-prices';
import type { CatalogModelInfo, CatalogProviderInfo, CatalogSource } from './catalog-data.js';

const regexes = new Map<string, RegExp>();

/** The package's `f`: does `name` satisfy the rule? (`lower` is `name` lower-cased, done once per name.) */
export function matches(rule: MatchLogic, name: string, lower: string = name.toLowerCase()): boolean {
  if ('or' in rule) return rule.or.some((inner) => matches(inner, name, lower));
  if ('and' in rule) return rule.and.every((inner) => matches(inner, name, lower));
  if ('equals' in rule) return lower === rule.equals.toLowerCase();
  if ('starts_with' in rule) return lower.startsWith(rule.starts_with.toLowerCase());
  if ('ends_with' in rule) return lower.endsWith(rule.ends_with.toLowerCase());
  if ('contains' in rule) return lower.includes(rule.contains.toLowerCase());
  if ('regex' in rule) {
    let regex = regexes.get(rule.regex);
    if (regex === undefined) {
      regex = new RegExp(rule.regex);
      regexes.set(rule.regex, regex);
    }
    return regex.test(name);
  }
  return false;
}

/** The package's `fe`: a provider by id, else by its `provider_match`. */
function providerById(source: CatalogSource, providerId: string): CatalogProviderInfo | undefined {
  const id = providerId.toLowerCase().trim();
  return (
    source.providers.find((provider) => provider.id === id) ??
    source.providers.find((provider) => provider.provider_match !== undefined && matches(provider.provider_match, id))
  );
}

/**
 * The package's `findProvider` (`S`): by provider id when one is given (only `litellm`, unknown,
 * goes on to the model), else by the model's name. We never pass an API URL.
 */
export function findCatalogProvider(
  source: CatalogSource,
  options: { providerId?: string | undefined; modelId?: string | undefined },
): CatalogProviderInfo | undefined {
  const { providerId, modelId } = options;
  if (providerId) {
    const found = providerById(source, providerId);
    if (found || providerId.toLowerCase() !== 'litellm') return found;
  }
  if (modelId)
    return source.providers.find(
      (provider) => provider.model_match !== undefined && matches(provider.model_match, modelId),
    );
  return undefined;
}

/** The package's `C`: the provider's first model that matches, else (one level) its fallback providers'. */
function modelIn(
  source: CatalogSource,
  provider: CatalogProviderInfo,
  name: string,
  withFallbacks: boolean,
): CatalogModelInfo | undefined {
  const lower = name.toLowerCase();
  const own = source.modelsOf(provider).find((model) => matches(model.match, name, lower));
  if (own || !withFallbacks) return own;
  for (const id of provider.fallback_model_providers ?? []) {
    const fallback = source.providers.find((candidate) => candidate.id === id);
    const found = fallback && modelIn(source, fallback, name, false);
    if (found) return found;
  }
  return undefined;
}

const COMPACT_DATE = /(-)(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-|:|$)/g;

/** The package's `ve`: `-20250929` -> `-2025-09-29` where that date exists. */
function dashedDates(name: string): string {
  return name.replace(COMPACT_DATE, (whole: string, dash: string, year: string, month: string, day: string) => {
    const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
    const exists =
      date.getUTCFullYear() === Number(year) &&
      date.getUTCMonth() === Number(month) - 1 &&
      date.getUTCDate() === Number(day);
    return exists ? `${dash}${year}-${month}-${day}` : whole;
  });
}

/**
 * The model `calcPrice(usage, modelId, { providerId })` prices, with the provider it was found
 * under (a fallback provider's model keeps the provider asked for, as the package reports it).
 */
export function findCatalogModel(
  source: CatalogSource,
  modelId: string,
  providerId: string | undefined,
): { provider: CatalogProviderInfo; model: CatalogModelInfo } | undefined {
  let name = modelId.toLowerCase().trim();
  let asked = providerId;
  // `litellm` with `vendor/model`: the vendor is the provider when the catalog knows it.
  if (asked && asked.toLowerCase() === 'litellm' && name.includes('/')) {
    const slash = name.indexOf('/');
    const vendor = name.slice(0, slash);
    const rest = name.slice(slash + 1);
    if (vendor && rest && findCatalogProvider(source, { providerId: vendor })) {
      asked = vendor;
      name = rest;
    }
  }
  const provider = findCatalogProvider(source, { modelId: name, providerId: asked });
  if (!provider) return undefined;
  let model = modelIn(source, provider, name, true);
  if (!model) {
    const dashed = dashedDates(name);
    if (dashed !== name) model = modelIn(source, provider, dashed, true);
  }
  return model ? { provider, model } : undefined;
}
