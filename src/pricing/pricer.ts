/**
 * `createPricer()`: the one entry point that turns (provider, model, usage, time) into a cost.
 * Runs once per event, so the (provider, model) resolution is cached and the per-call work is
 * a few multiplications (see bench/pricing.ts).
 *
 * @example
 * const pricer = createPricer({ overrides: [{ model: 'my-model', input: 1, output: 2 }] });
 * const { cost } = pricer.price({ provider: 'openai', model: 'gpt-4o', usage, time: new Date(event.time) });
 *
 * @module
 */
import { ValidationError } from '../errors/index.js';
import type { Cost, PriceOverride, PriceResult, UsageIteration } from '../types/index.js';
import {
  catalogModelsOf,
  catalogProviderId,
  catalogProviders,
  describeTiers,
  isTiered,
  resolveSheet,
  toPricePerMillion,
} from './catalog.js';
import { catalogGeneration } from './installed-state.js';
import { computeCost, unpriceableReason } from './cost.js';
import { DEEPSEEK_PRICES } from './deepseek.js';
import { addCosts, parseIsoTime } from '../units/index.js';
import { sheetFromOverride } from './overrides.js';
import { activeAt, catalogSheetAt, resolvePrice, type Resolution } from './resolve.js';
import { scalePrices, serviceTierName, tierPricing } from './service-tier.js';
import type {
  LookupInput,
  PriceInput,
  PriceLookup,
  PriceSheet,
  PriceSource,
  Pricer,
  PricerOptions,
  ResolvedPrices,
} from './types.js';

const DEFAULT_CACHE_SIZE = 10_000;

function validateOverrides(overrides: unknown): PriceOverride[] {
  if (overrides === undefined) return [];
  if (!Array.isArray(overrides)) throw new ValidationError('overrides must be an array', { field: 'overrides' });
  return overrides.map((override: unknown, index) => {
    const field = `overrides[${index}]`;
    if (typeof override !== 'object' || override === null)
      throw new ValidationError(`${field} must be an object`, { field });
    const candidate = override as Partial<PriceOverride>;
    if (typeof candidate.model !== 'string' || candidate.model.trim() === '') {
      throw new ValidationError(`${field}.model must be a non-empty string`, { field: `${field}.model` });
    }
    if (candidate.provider !== undefined && typeof candidate.provider !== 'string') {
      throw new ValidationError(`${field}.provider must be a string`, { field: `${field}.provider` });
    }
    for (const key of ['input', 'output', 'cacheRead', 'cacheWrite', 'cacheWrite1h'] as const) {
      const value: unknown = candidate[key];
      const required = key === 'input' || key === 'output';
      if (value === undefined && !required) continue;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new ValidationError(`${field}.${key} must be a price per 1M tokens >= 0, got ${String(value)}`, {
          field: `${field}.${key}`,
        });
      }
    }
    if (
      candidate.from !== undefined &&
      (typeof candidate.from !== 'string' || parseIsoTime(candidate.from) === undefined)
    ) {
      throw new ValidationError(
        `${field}.from must be an ISO date or date-time that exists (2026-09-01, 2026-09-01T00:00:00Z), got ${JSON.stringify(candidate.from)}`,
        { field: `${field}.from` },
      );
    }
    return { ...(candidate as PriceOverride) };
  });
}

/** A resolution with its time-independent work done once. */
interface Entry {
  resolution: Resolution;
  /** Prices when neither time nor prompt size matter (the common case). */
  fixed?: ResolvedPrices;
  source?: PriceSource;
  /**
   * `lookup` at the base tier, for a resolution whose prices do not depend on the time: built
   * once (frozen, shared by every caller) instead of on every call, as the budget guard's
   * admission asks for each call.
   */
  baseLookup?: Readonly<PriceLookup>;
}

function sheetOf(resolution: Resolution, time: Date): PriceSheet | string {
  switch (resolution.kind) {
    case 'override':
      return resolution.sheet;
    case 'free':
      return { input: 0, output: 0 };
    case 'catalog':
      return catalogSheetAt(resolution, time);
    case 'unknown':
      return resolution.reason;
  }
}

/** True when the price depends on the event time (dated or time-of-day prices). */
function isTimeDependent(resolution: Resolution): boolean {
  return (
    (resolution.kind === 'catalog' && resolution.model.timeDependent) ||
    (resolution.kind === 'override' && resolution.since !== undefined)
  );
}

function sourceOf(resolution: Resolution, sheet: PriceSheet): PriceSource {
  if (resolution.kind === 'override') return 'override';
  if (resolution.kind === 'free') return 'free';
  const free = resolution.kind === 'catalog' && resolution.freeVariant;
  return free && sheet.input === 0 && sheet.output === 0 ? 'free' : 'catalog';
}

/**
 * A call billed in steps (usage.iterations): each step priced at its own model (an advisor's,
 * a fallback's, else the call's) and its own long-context tier, the parts summed in nanos. A
 * step without a price makes the call's cost unknown, never a partial sum.
 */
function priceInSteps(
  input: PriceInput,
  iterations: readonly UsageIteration[],
  priceOne: (input: PriceInput) => PriceResult,
): PriceResult {
  let total: Cost | undefined;
  // The price source named for the call: its own model's (else the first step's).
  let own: PriceResult | undefined;
  let ownIsCallModel = false;
  for (const [index, iteration] of iterations.entries()) {
    const model = iteration.model ?? input.model;
    const priced = priceOne({ ...input, model, usage: iteration.usage });
    if (priced.cost === null) {
      const step = `${iteration.type}${iteration.model === undefined ? '' : ` on ${iteration.model}`}`;
      return { cost: null, reason: `usage.iterations[${index}] (${step}): ${priced.reason}` };
    }
    total = total === undefined ? priced.cost : addCosts(total, priced.cost);
    if (own === undefined || (!ownIsCallModel && model === input.model)) {
      own = priced;
      ownIsCallModel = model === input.model;
    }
  }
  if (total === undefined || own === undefined || own.cost === null) return priceOne(input);
  return { cost: total, source: own.source, modelId: own.modelId };
}

/** `value` and everything in it frozen: a lookup shared by every caller cannot be changed by one. */
function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
  return Object.freeze(value);
}

/** Creates a pricer. Throws `ValidationError` on a malformed override (never later, while pricing). */
export function createPricer(options: PricerOptions = {}): Pricer {
  const userOverrides = validateOverrides(options.overrides);
  const now = options.now ?? (() => new Date());
  const cacheSize = Math.max(1, options.cacheSize ?? DEFAULT_CACHE_SIZE);
  const cache = new Map<string, Entry>();
  let generation = catalogGeneration();

  function entryFor(provider: string | undefined, model: string): Entry {
    // New catalog data installed (prices update, serve's refresh): resolve everything again.
    if (generation !== catalogGeneration()) {
      cache.clear();
      generation = catalogGeneration();
    }
    const key = `${provider ?? ''}\u0000${model}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const resolution = resolvePrice({ provider, model, userOverrides, builtinOverrides: DEEPSEEK_PRICES });
    const entry: Entry = { resolution };
    if (!isTimeDependent(resolution)) {
      const sheet = sheetOf(resolution, new Date(0));
      if (typeof sheet !== 'string' && !isTiered(sheet)) {
        entry.fixed = resolveSheet(sheet, 0);
        entry.source = sourceOf(resolution, sheet);
      }
    }
    if (cache.size >= cacheSize) cache.clear();
    cache.set(key, entry);
    return entry;
  }

  function price(input: PriceInput): PriceResult {
    const iterations = input?.usage?.iterations;
    if (Array.isArray(iterations) && iterations.length > 0 && typeof input.model === 'string') {
      try {
        return priceInSteps(input, iterations, priceOne);
      } catch (error) {
        return { cost: null, reason: `pricing failed: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
    return priceOne(input);
  }

  function priceOne(input: PriceInput): PriceResult {
    try {
      if (typeof input?.model !== 'string') return { cost: null, reason: 'no price known: model is missing' };
      if (input.provider !== undefined && typeof input.provider !== 'string')
        return { cost: null, reason: 'no price known: provider is not a string' };
      const entry = entryFor(input.provider, input.model);
      const { resolution } = entry;
      if (resolution.kind === 'unknown') return { cost: null, reason: resolution.reason };
      const problem = unpriceableReason(input.usage);
      if (problem !== undefined) return { cost: null, reason: problem };
      let prices = entry.fixed;
      let source = entry.source;
      let active: Resolution = resolution;
      if (prices === undefined || source === undefined) {
        const time = input.time instanceof Date && !Number.isNaN(input.time.getTime()) ? input.time : now();
        active = activeAt(resolution, time);
        const sheet = sheetOf(active, time);
        if (typeof sheet === 'string') return { cost: null, reason: sheet };
        prices = resolveSheet(sheet, input.usage.inputTokens as number);
        source = sourceOf(active, sheet);
      }
      if (active.kind === 'unknown') return { cost: null, reason: active.reason };
      const tier = serviceTierName(input.tier);
      if (tier !== undefined) prices = scalePrices(prices, tierPricing(tier).factor);
      const outcome = computeCost(input.usage, prices);
      if (outcome.cost === null) return outcome;
      return { cost: outcome.cost, source, modelId: active.modelId };
    } catch (error) {
      // Defensive: pricing is fail-open and must never break recording.
      return { cost: null, reason: `pricing failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  function lookupOf(entryResolution: Resolution, time: Date, inputTokens: number): PriceLookup | undefined {
    const resolution = activeAt(entryResolution, time);
    if (resolution.kind === 'unknown') return undefined;
    const sheet = sheetOf(resolution, time);
    if (typeof sheet === 'string') return undefined;
    const resolved = resolveSheet(sheet, inputTokens);
    const found: PriceLookup = {
      provider: resolution.provider,
      modelId: resolution.modelId,
      source: sourceOf(resolution, sheet),
      prices: toPricePerMillion(resolved),
    };
    if (resolution.kind === 'catalog' && resolution.model.modelName !== undefined)
      found.modelName = resolution.model.modelName;
    if (resolution.kind === 'catalog' && resolution.model.contextWindow !== undefined)
      found.contextWindow = resolution.model.contextWindow;
    const { inputAudio, outputAudio, outputReasoning } = resolved;
    if (inputAudio !== undefined || outputAudio !== undefined || outputReasoning !== undefined) {
      found.extra = {
        ...(inputAudio === undefined ? {} : { inputAudio }),
        ...(outputAudio === undefined ? {} : { outputAudio }),
        ...(outputReasoning === undefined ? {} : { outputReasoning }),
      };
    }
    const tiers = describeTiers(sheet);
    if (tiers) found.tiers = tiers;
    const notes: string[] = [];
    if (resolution.note !== undefined) notes.push(resolution.note);
    if (isTimeDependent(entryResolution)) notes.push(`price depends on the time; shown for ${time.toISOString()}`);
    if (notes.length > 0) found.note = notes.join('; ');
    return found;
  }

  function lookup(input: LookupInput): PriceLookup | undefined {
    try {
      if (typeof input?.model !== 'string') return undefined;
      const entry = entryFor(input.provider, input.model);
      const { resolution } = entry;
      const time = input.time instanceof Date && !Number.isNaN(input.time.getTime()) ? input.time : now();
      const inputTokens =
        typeof input.inputTokens === 'number' && Number.isFinite(input.inputTokens) ? input.inputTokens : 0;
      if (inputTokens !== 0 || isTimeDependent(resolution)) return lookupOf(resolution, time, inputTokens);
      if (entry.baseLookup === undefined) {
        const found = lookupOf(resolution, time, 0);
        if (found === undefined) return undefined;
        entry.baseLookup = deepFreeze(found);
      }
      return entry.baseLookup as PriceLookup;
    } catch {
      return undefined;
    }
  }

  async function listPrices(provider?: string): Promise<PriceLookup[]> {
    const time = now();
    const alias = provider?.trim().toLowerCase();
    const wanted = alias === undefined ? undefined : (catalogProviderId({ providerId: alias }) ?? alias);
    const out: PriceLookup[] = [];
    for (const catalogProvider of await catalogProviders()) {
      if (wanted !== undefined && catalogProvider.id.toLowerCase() !== wanted) continue;
      for (const model of catalogModelsOf(catalogProvider)) {
        // Built from the catalog entry itself (not re-matched by id), overrides applied first.
        const resolution = resolvePrice({
          provider: catalogProvider.id,
          model: model.modelId,
          userOverrides,
          builtinOverrides: DEEPSEEK_PRICES,
          catalogMatch: model,
        });
        const found = lookupOf(resolution, time, 0);
        if (found) out.push(found);
      }
    }
    // User overrides for models the catalog lacks are prices we would use too.
    for (const override of userOverrides) {
      if (wanted !== undefined && ![wanted, alias].includes(override.provider?.toLowerCase())) continue;
      if (out.some((row) => row.source === 'override' && row.modelId === override.model)) continue;
      const sheet = sheetFromOverride(override);
      if (sheet)
        out.push({
          provider: override.provider,
          modelId: override.model,
          source: 'override',
          prices: toPricePerMillion(resolveSheet(sheet, 0)),
        });
    }
    return out;
  }

  return { price, lookup, listPrices };
}
