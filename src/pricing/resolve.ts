/**
 * (provider, model) -> where its price comes from: a user override, the built-in DeepSeek
 * override, the catalog, OpenRouter's free variant, or nothing. The pricer caches the answer
 * per (provider, model); the time and the prompt size are applied per call.
 *
 * Order: user overrides, built-in overrides, catalog (exact id), OpenRouter `:free` -> 0,
 * OpenRouter variant suffix -> base id, `vendor/model` -> the vendor's own price.
 *
 * @module
 */
import type { PriceOverride } from '../types/index.js';
import { parseIsoTime } from '../units/index.js';
import type { DatedPriceOverride } from './deepseek.js';
import { catalogProviderId, isEmptySheet, matchCatalogModel, type CatalogModel } from './catalog.js';
import { findOverride, sheetFromOverride } from './overrides.js';
import { isOpenRouter, splitOpenRouterVariant, splitVendor } from './openrouter.js';
import type { PriceSheet } from './types.js';

export type Resolution =
  | {
      kind: 'override';
      provider: string | undefined;
      modelId: string;
      sheet: PriceSheet;
      note?: string;
      /** Dated prices (built-in, or user overrides with `from`): in force from this epoch ms; `before` applies earlier. */
      since?: number;
      before?: Resolution;
    }
  | { kind: 'free'; provider: string | undefined; modelId: string; note: string }
  | { kind: 'catalog'; provider: string; modelId: string; model: CatalogModel; freeVariant: boolean; note?: string }
  | { kind: 'unknown'; reason: string };

const MAX_NAME_IN_REASON = 200;

function quoted(text: string): string {
  return JSON.stringify(text.length > MAX_NAME_IN_REASON ? `${text.slice(0, MAX_NAME_IN_REASON)}...` : text);
}

/** The reason given for a model without a known price. */
export function unknownReason(provider: string | undefined, model: string): string {
  return `no price known for model ${quoted(model)} (provider ${provider === undefined ? 'unknown' : quoted(provider)})`;
}

function fromCatalog(model: CatalogModel, freeVariant: boolean, note?: string): Resolution {
  return {
    kind: 'catalog',
    provider: model.providerId,
    modelId: model.modelId,
    model,
    freeVariant,
    ...(note === undefined ? {} : { note }),
  };
}

/** Tries the catalog for `model` as `provider`'s, then (no provider) as an OpenRouter or vendor-prefixed id. */
function catalogCandidates(
  provider: string | undefined,
  model: string,
): { found: CatalogModel; note?: string } | undefined {
  const direct = matchCatalogModel(provider, model);
  if (direct) return { found: direct };
  const vendor = splitVendor(model);
  if (provider !== undefined && !isOpenRouter(provider)) {
    // `openai/gpt-4o` recorded under provider `openai`: the prefix repeats the provider.
    const sameVendor =
      vendor !== undefined &&
      catalogProviderId({ providerId: vendor.vendor }) === catalogProviderId({ providerId: provider });
    const unprefixed = sameVendor ? matchCatalogModel(provider, vendor.model) : undefined;
    return unprefixed ? { found: unprefixed } : undefined;
  }
  if (provider === undefined && vendor) {
    const viaOpenRouter = matchCatalogModel('openrouter', model);
    if (viaOpenRouter) return { found: viaOpenRouter };
  }
  if (vendor) {
    const viaVendor = matchCatalogModel(vendor.vendor, vendor.model);
    if (viaVendor) {
      // OpenRouter passes provider list prices through (https://openrouter.ai/docs/faq#pricing).
      return {
        found: viaVendor,
        note: `not in the OpenRouter catalog; priced at ${viaVendor.providerId}'s list price`,
      };
    }
  }
  return undefined;
}

export interface ResolveInput {
  provider: string | undefined;
  model: string;
  userOverrides: readonly PriceOverride[];
  /** Shipped corrections of stale catalog data, each in force from its `since`. */
  builtinOverrides: readonly DatedPriceOverride[];
  /** A catalog entry already in hand (listing the catalog): skips matching by id. */
  catalogMatch?: CatalogModel;
}

/** Resolves where a (provider, model) gets its price. Never throws. */
export function resolvePrice({
  provider,
  model: rawModel,
  userOverrides,
  builtinOverrides,
  catalogMatch,
}: ResolveInput): Resolution {
  const model = rawModel.trim();
  if (model === '') return { kind: 'unknown', reason: 'no price known: model is empty' };
  const { base, variant } = splitOpenRouterVariant(model);
  const exact = catalogMatch ? { found: catalogMatch } : catalogCandidates(provider, model);

  // The names this call is known by, for provider-specific overrides.
  const catalogId =
    exact?.found.providerId ??
    catalogProviderId(provider === undefined ? { modelId: model } : { providerId: provider });
  const providerIds = [provider, catalogId]
    .filter((id): id is string => id !== undefined)
    .map((id) => id.toLowerCase());
  const modelIds = variant !== undefined && variant !== 'free' ? [model, base] : [model];
  const undated = userOverrides.filter((override) => override.from === undefined);
  const user = findOverride(undated, providerIds, modelIds);
  const userSheet = user === undefined ? undefined : sheetFromOverride(user);
  const applies = (override: PriceOverride) => findOverride([override], providerIds, modelIds) !== undefined;
  const withoutDatedUser: Resolution =
    user && userSheet
      ? { kind: 'override', provider: user.provider ?? provider ?? catalogId, modelId: user.model, sheet: userSheet }
      : schedule(
          builtinOverrides.filter(applies).map((override) => ({
            override,
            since: Date.parse(override.since),
            note: `${override.source}; in force since`,
          })),
          catalogResolution(provider, model, exact, base, variant),
          catalogId,
        );
  return schedule(
    userOverrides
      .filter((override) => override.from !== undefined && applies(override))
      .map((override) => ({
        override,
        since: parseIsoTime(override.from ?? '') ?? Number.NaN,
        note: 'price override in force since',
      })),
    withoutDatedUser,
    catalogId,
  );
}

interface Dated {
  override: PriceOverride;
  /** Epoch ms it is in force from. */
  since: number;
  /** Said before the date in the lookup's note. */
  note: string;
}

/**
 * Dated prices over what applied before them, oldest first: each one falls back to the one
 * before it for calls made earlier (activeAt). On one date, the first listed wins.
 */
function schedule(dated: readonly Dated[], before: Resolution, catalogId: string | undefined): Resolution {
  return dated
    .map((entry, index) => ({ ...entry, index, sheet: sheetFromOverride(entry.override) }))
    .filter(
      (entry): entry is typeof entry & { sheet: PriceSheet } => entry.sheet !== undefined && !Number.isNaN(entry.since),
    )
    .sort((a, b) => a.since - b.since || b.index - a.index)
    .reduce<Resolution>(
      (earlier, { override, since, sheet, note }) => ({
        kind: 'override',
        provider: override.provider ?? catalogId,
        modelId: override.model,
        sheet,
        since,
        before: earlier,
        note: `${note} ${new Date(since).toISOString()}`,
      }),
      before,
    );
}

function catalogResolution(
  provider: string | undefined,
  model: string,
  exact: ReturnType<typeof catalogCandidates>,
  base: string,
  variant: string | undefined,
): Resolution {
  if (exact) return fromCatalog(exact.found, variant === 'free', exact.note);
  if (variant === 'free') {
    return {
      kind: 'free',
      provider: provider ?? 'openrouter',
      modelId: model,
      // OpenRouter bills `:free` variants at $0 (https://openrouter.ai/docs/faq#what-free-tier-options-exist).
      note: 'OpenRouter :free variant (not in the catalog); priced at 0',
    };
  }
  if (variant !== undefined) {
    const baseMatch = catalogCandidates(provider, base);
    if (baseMatch) {
      const note = `:${variant} variant priced as ${base}${baseMatch.note === undefined ? '' : `; ${baseMatch.note}`}`;
      return fromCatalog(baseMatch.found, false, note);
    }
  }
  return { kind: 'unknown', reason: unknownReason(provider, model) };
}

/** The resolution in force at `time` (unwraps dated built-in prices). */
export function activeAt(resolution: Resolution, time: Date): Resolution {
  let active = resolution;
  while (active.kind === 'override' && active.since !== undefined && time.getTime() < active.since) {
    active = active.before ?? { kind: 'unknown', reason: 'no price known before the first dated price' };
  }
  return active;
}

/**
 * The sheet of a catalog resolution at a time, or a reason when the catalog lists the model
 * without token prices. A `:free` variant listed without prices is free.
 */
export function catalogSheetAt(resolution: Extract<Resolution, { kind: 'catalog' }>, time: Date): PriceSheet | string {
  const sheet = resolution.model.at(time);
  if (!isEmptySheet(sheet)) return sheet;
  if (resolution.freeVariant || resolution.modelId.toLowerCase().endsWith(':free')) return { input: 0, output: 0 };
  return `no token price known for model ${quoted(resolution.modelId)} (provider ${quoted(resolution.provider)}): the catalog lists it without prices`;
}
