/**
 * Shapes of the pricing module: the price sheet a model resolves to, what `lookup` returns,
 * and the `Pricer` interface.
 *
 * @module
 */
import type { PriceOverride, PricePerMillion, PriceResult, Usage } from '../types/index.js';

/** A catalog price: flat, or tiered by the call's total input tokens. */
export type PriceValue = number | TieredPrice;

/**
 * Long-context pricing (Gemini 2.5 Pro, Claude Sonnet 4.5...): when a call's total input
 * tokens exceed `start` of a tier, that tier's price applies to ALL tokens of the part, as
 * the providers bill it and as genai-prices computes it (`input_tokens > tier.start`).
 */
export interface TieredPrice {
  base: number;
  tiers: ReadonlyArray<{ start: number; price: number }>;
}

/** USD per 1M tokens of each part, before tiers are resolved. Absent = not priced separately. */
export interface PriceSheet {
  input?: PriceValue;
  output?: PriceValue;
  cacheRead?: PriceValue;
  cacheWrite?: PriceValue;
  cacheWrite1h?: PriceValue;
  inputAudio?: PriceValue;
  outputAudio?: PriceValue;
  outputReasoning?: PriceValue;
}

/** Every part's price per 1M tokens with tiers resolved and fallbacks applied. */
export interface ResolvedPrices {
  input: number;
  output: number;
  /** Falls back to `input` when the model has no cache-read price. */
  cacheRead: number;
  /** Falls back to `input` (providers that bill cache writes as plain input, like OpenAI). */
  cacheWrite: number;
  /** Falls back to `cacheWrite`. */
  cacheWrite1h: number;
  /** Separate audio prices, when the model has them (else audio is priced as text). */
  inputAudio?: number;
  outputAudio?: number;
  /** Separate reasoning price (rare: Perplexity deep research), else reasoning is output. */
  outputReasoning?: number;
}

/** One long-context tier, for display. */
export interface PriceTier {
  /** The tier applies when the call's total input tokens are greater than this. */
  aboveInputTokens: number;
  prices: PricePerMillion;
}

/** Where a price came from. */
export type PriceSource = 'override' | 'catalog' | 'free';

/** The prices tokenledger would use for a model, as `lookup` and `listPrices` return them. */
export interface PriceLookup {
  /** Provider id: the catalog's (`openai`, `google`, `openrouter`...) or the override's. */
  provider: string | undefined;
  /** The matched model id: catalog model id, override model, or the free OpenRouter id. */
  modelId: string;
  /** Human name from the catalog, when it has one. */
  modelName?: string;
  /** The model's context window in tokens, from the catalog. */
  contextWindow?: number;
  source: PriceSource;
  /** USD per 1M tokens, tier resolved by `inputTokens` (base tier when not given). */
  prices: PricePerMillion;
  /** Audio and reasoning prices, when the catalog prices them apart from text. */
  extra?: { inputAudio?: number; outputAudio?: number; outputReasoning?: number };
  /** Long-context tiers, when the model has them. */
  tiers?: PriceTier[];
  /** Anything a reader should know (suffix mapped, vendor fallback, time-dependent prices). */
  note?: string;
}

/** Options of `createPricer`. */
export interface PricerOptions {
  /**
   * User prices per 1M tokens that win over the catalog (and over the built-in DeepSeek
   * override). The first match wins; overrides naming a provider are tried before generic ones.
   * @default []
   * @example [{ provider: 'openai', model: 'gpt-4o', input: 2, output: 8 }, { model: 'my-free-model', input: 0, output: 0 }]
   */
  overrides?: PriceOverride[];
  /**
   * Clock used when `price`/`lookup` get no `time`.
   * @default () => new Date()
   */
  now?: () => Date;
  /**
   * How many (provider, model) resolutions to keep; the cache is cleared when it fills, so a
   * flood of distinct bogus model names cannot grow memory without bound.
   * @default 10000
   */
  cacheSize?: number;
}

/** What `price` takes. */
export interface PriceInput {
  /** Provider id (`openai`, `anthropic`, `google`/`gemini`, `openrouter`, `deepseek`...). Inferred from the model when absent. */
  provider?: string;
  model: string;
  usage: Usage;
  /** The event's time: prices change over time (dated changes, DeepSeek's time-of-day prices). */
  time?: Date;
  /** The service tier the call was served at (`flex`, `priority`, `batch`); standard when absent (see service-tier.ts). */
  tier?: string;
}

/** What `lookup` takes. */
export interface LookupInput {
  provider?: string;
  model: string;
  time?: Date;
  /** Total input tokens of the call, to pick a long-context tier. */
  inputTokens?: number;
}

export interface Pricer {
  /** Usage -> cost on exclusive parts. Never throws: odd input gives `cost: null` and a reason. */
  price(input: PriceInput): PriceResult;
  /** The prices that would be used, or `undefined` when no price is known. */
  lookup(input: LookupInput): PriceLookup | undefined;
  /** Every catalog model of a provider (or of all providers), priced now, overrides applied. */
  listPrices(provider?: string): Promise<PriceLookup[]>;
}
