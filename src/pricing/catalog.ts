/**
 * The price catalog: a thin, cached layer over `@pydantic/genai-prices` (pinned in
 * package.json). We use the package's provider and model matching and its data, but resolve
 * dated and time-of-day prices and compute the cost ourselves: calcPrice replaces its whole
 * catalog when handed `{ provider }`, so it cannot merge user overrides, and it sums floats.
 *
 * Built, the data and the matching come from the compact slices shipped beside the bundle
 * (catalog-data.ts, catalog-match.ts: the package's data and rules, without loading it); run
 * from source, from the package itself. A refreshed catalog installed in the ledger
 * (installed-state.ts) wins over both, matched the same way as the slices.
 *
 * @see https://github.com/pydantic/genai-prices
 * @module
 */
import type { ModelPrice } from '@pydantic/genai-prices';
import { loadPriceCatalog } from '../lazy/index.js';
import type { PricePerMillion } from '../types/index.js';
import { compactCatalog, shippedSlices, sourceOf, type CatalogModelInfo, type CatalogSource } from './catalog-data.js';
import { findCatalogModel, findCatalogProvider } from './catalog-match.js';
import { catalogGeneration, installedProviders } from './installed-state.js';
import type { PriceSheet, PriceTier, PriceValue, ResolvedPrices, TieredPrice } from './types.js';

/** A model the catalog knows, with its prices ready to resolve at any time. */
export interface CatalogModel {
  providerId: string;
  modelId: string;
  modelName: string | undefined;
  /** The model's context window in tokens, when the catalog knows it (bounds a call's input and output). */
  contextWindow: number | undefined;
  /** Price sheets, newest constraint last; `at(time)` picks one. */
  at(time: Date): PriceSheet;
  /** True when the price depends on the time (dated changes or time-of-day prices). */
  timeDependent: boolean;
}

/** Catalog price keys we bill (per 1M tokens) -> our sheet fields. */
const TOKEN_PRICE_KEYS: ReadonlyArray<readonly [string, keyof PriceSheet]> = [
  ['input_mtok', 'input'],
  ['output_mtok', 'output'],
  ['cache_read_mtok', 'cacheRead'],
  ['cache_write_mtok', 'cacheWrite'],
  ['cache_write_1h_mtok', 'cacheWrite1h'],
  ['input_audio_mtok', 'inputAudio'],
  ['output_audio_mtok', 'outputAudio'],
  ['output_reasoning_mtok', 'outputReasoning'],
];

function toPriceValue(value: unknown): PriceValue | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  const base: unknown = (value as { base?: unknown }).base;
  const tiers: unknown = (value as { tiers?: unknown }).tiers;
  if (typeof base !== 'number' || !Array.isArray(tiers)) return undefined;
  const clean: Array<{ start: number; price: number }> = [];
  for (const tier of tiers as unknown[]) {
    if (typeof tier !== 'object' || tier === null) return undefined;
    const { start, price } = tier as { start?: unknown; price?: unknown };
    if (typeof start !== 'number' || typeof price !== 'number') return undefined;
    clean.push({ start, price });
  }
  clean.sort((a, b) => a.start - b.start);
  return { base, tiers: clean } satisfies TieredPrice;
}

/** Catalog `ModelPrice` -> our sheet (token prices only; per-request and tool fees are not billed here). */
export function sheetFromModelPrice(price: ModelPrice): PriceSheet {
  const sheet: PriceSheet = {};
  for (const [key, field] of TOKEN_PRICE_KEYS) {
    const value = toPriceValue(price[key]);
    if (value !== undefined) sheet[field] = value;
  }
  return sheet;
}

/** True when the sheet has no token price at all (the catalog lists the model without prices). */
export function isEmptySheet(sheet: PriceSheet): boolean {
  return sheet.input === undefined && sheet.output === undefined;
}

/** `HH:MM:SS[.fff](Z|±HH:MM)` -> seconds after UTC midnight, as genai-prices parses it. */
function secondsOfDay(text: string): number | undefined {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (!m) return undefined;
  const local = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(`0.${m[4] ?? '0'}`);
  const offset = m[5] === 'Z' ? 0 : (m[6] === '+' ? 1 : -1) * (Number(m[7]) * 3600 + Number(m[8]) * 60);
  return (((local - offset) % 86400) + 86400) % 86400;
}

type TimeTest = (time: Date) => boolean;

/**
 * One condition of a `ConditionalPrice`. Semantics copied from genai-prices' engine
 * (`getActivePrices`): the LAST entry whose constraint holds wins; no constraint always holds;
 * `start_date` holds from that UTC date on; `time_of_date` holds inside [start, end) UTC,
 * wrapping past midnight. An unreadable constraint never holds.
 */
function constraintTest(constraint: unknown): TimeTest {
  if (constraint === undefined || constraint === null) return () => true;
  if (typeof constraint !== 'object') return () => false;
  const c = constraint as { start_date?: unknown; start_time?: unknown; end_time?: unknown };
  if (typeof c.start_date === 'string') {
    const from = new Date(`${c.start_date}T00:00:00Z`).getTime();
    return Number.isNaN(from) ? () => false : (time) => time.getTime() >= from;
  }
  if (typeof c.start_time === 'string' && typeof c.end_time === 'string') {
    const start = secondsOfDay(c.start_time);
    const end = secondsOfDay(c.end_time);
    if (start === undefined || end === undefined) return () => false;
    return (time) => {
      const s =
        time.getUTCHours() * 3600 + time.getUTCMinutes() * 60 + time.getUTCSeconds() + time.getUTCMilliseconds() / 1000;
      return end < start ? s >= start || s < end : s >= start && s < end;
    };
  }
  return () => false;
}

function catalogModel(providerId: string, model: CatalogModelInfo): CatalogModel {
  const base = {
    providerId,
    modelId: model.id,
    modelName: model.name,
    contextWindow: model.context_window,
  };
  if (!Array.isArray(model.prices)) {
    const sheet = sheetFromModelPrice(model.prices);
    return { ...base, at: () => sheet, timeDependent: false };
  }
  const entries = model.prices.map((entry) => ({
    holds: constraintTest(entry.constraint),
    sheet: sheetFromModelPrice(entry.prices),
  }));
  const first = entries[0]?.sheet ?? {};
  return {
    ...base,
    timeDependent: entries.length > 1,
    at(time) {
      for (let i = entries.length - 1; i >= 0; i--) {
        const entry = entries[i];
        if (entry?.holds(time)) return entry.sheet;
      }
      return first;
    },
  };
}

let installedSource: { generation: number; source: CatalogSource } | undefined;

/** The catalog our matching reads: an installed refreshed catalog, else the shipped slices (else the package answers). */
function matchingSource(): CatalogSource | undefined {
  const providers = installedProviders();
  if (providers === undefined) return shippedSlices();
  if (installedSource?.generation !== catalogGeneration())
    installedSource = { generation: catalogGeneration(), source: sourceOf(compactCatalog(providers, 'installed')) };
  return installedSource.source;
}

/**
 * Finds a model with the catalog's own matching: provider by id or alias (`gemini` -> google,
 * `xai` -> x-ai, `bedrock` -> aws), inferred from the model when `providerId` is absent;
 * model by the provider's match rules, date-suffix normalization and fallback providers.
 * Returns `undefined` when unknown; never throws.
 */
export function matchCatalogModel(providerId: string | undefined, modelId: string): CatalogModel | undefined {
  try {
    const slices = matchingSource();
    if (slices) {
      const found = findCatalogModel(slices, modelId, providerId);
      return found ? catalogModel(found.provider.id, found.model) : undefined;
    }
    // Empty usage: we only want the match; the time only affects the price it computes.
    const found = loadPriceCatalog().calcPrice({}, modelId, providerId === undefined ? {} : { providerId });
    return found ? catalogModel(found.provider.id, found.model) : undefined;
  } catch {
    return undefined;
  }
}

/** The catalog's provider id for a provider name or alias, or the provider inferred from a model. */
export function catalogProviderId(options: { providerId?: string; modelId?: string }): string | undefined {
  const query = options.providerId === undefined ? { modelId: options.modelId } : { providerId: options.providerId };
  try {
    const slices = matchingSource();
    return (slices ? findCatalogProvider(slices, query) : loadPriceCatalog().findProvider(query))?.id;
  } catch {
    return undefined;
  }
}

/** A catalog provider with its models: what listing the catalog walks. */
export interface CatalogProviderModels {
  id: string;
  models: readonly CatalogModelInfo[];
}

/** Every provider of the catalog in use (an installed refreshed one, else the bundled data). */
export async function catalogProviders(): Promise<readonly CatalogProviderModels[]> {
  const slices = matchingSource();
  if (slices) return slices.providers.map((provider) => ({ id: provider.id, models: slices.modelsOf(provider) }));
  return (await loadPriceCatalog().waitForUpdate()) ?? [];
}

/** A provider's catalog models as `CatalogModel`s. */
export function catalogModelsOf(provider: CatalogProviderModels): CatalogModel[] {
  return provider.models.map((model) => catalogModel(provider.id, model));
}

function pick(value: PriceValue | undefined, inputTokens: number): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  let price = value.base;
  for (const tier of value.tiers) if (inputTokens > tier.start) price = tier.price;
  return price;
}

/** Resolves tiers for a call with `inputTokens` total input and applies the fallbacks. */
export function resolveSheet(sheet: PriceSheet, inputTokens: number): ResolvedPrices {
  const input = pick(sheet.input, inputTokens) ?? 0;
  const cacheWrite = pick(sheet.cacheWrite, inputTokens) ?? input;
  const resolved: ResolvedPrices = {
    input,
    output: pick(sheet.output, inputTokens) ?? 0,
    cacheRead: pick(sheet.cacheRead, inputTokens) ?? input,
    cacheWrite,
    cacheWrite1h: pick(sheet.cacheWrite1h, inputTokens) ?? cacheWrite,
  };
  const inputAudio = pick(sheet.inputAudio, inputTokens);
  const outputAudio = pick(sheet.outputAudio, inputTokens);
  const outputReasoning = pick(sheet.outputReasoning, inputTokens);
  if (inputAudio !== undefined) resolved.inputAudio = inputAudio;
  if (outputAudio !== undefined) resolved.outputAudio = outputAudio;
  if (outputReasoning !== undefined) resolved.outputReasoning = outputReasoning;
  return resolved;
}

/** True when any part of the sheet is tiered. */
export function isTiered(sheet: PriceSheet): boolean {
  return Object.values(sheet).some((value) => typeof value === 'object');
}

/** Per-1M display prices of a resolved sheet. */
export function toPricePerMillion(prices: ResolvedPrices): PricePerMillion {
  return {
    input: prices.input,
    output: prices.output,
    cacheRead: prices.cacheRead,
    cacheWrite: prices.cacheWrite,
    cacheWrite1h: prices.cacheWrite1h,
  };
}

/** The long-context tiers of a sheet, each as full per-1M prices. */
export function describeTiers(sheet: PriceSheet): PriceTier[] | undefined {
  const starts = new Set<number>();
  for (const value of Object.values(sheet) as PriceValue[]) {
    if (typeof value === 'object') for (const tier of value.tiers) starts.add(tier.start);
  }
  if (starts.size === 0) return undefined;
  return [...starts]
    .sort((a, b) => a - b)
    .map((start) => ({ aboveInputTokens: start, prices: toPricePerMillion(resolveSheet(sheet, start + 1)) }));
}
