/**
 * tokenledger's public API. Every export is named here; nothing else is public.
 *
 * @example
 * import { createLedger, openStore } from 'tokenledger';
 * import OpenAI from 'openai';
 *
 * const ledger = createLedger({ store: await openStore('sqlite:./tokenledger.db') });
 * const openai = new OpenAI({ fetch: ledger.fetch({ agent: 'triage', run: 'nightly' }) });
 *
 * @module
 */
import { createLedger as createCoreLedger } from './ledger/index.js';
import type { Ledger, LedgerOptions } from './ledger/index.js';
import { createAiSdkMiddleware, createTrackingFetch } from './http/index.js';
import type { AiSdkMiddleware, AiSdkMiddlewareOptions, TrackingFetch, TrackingFetchOptions } from './http/index.js';
import type { Attribution } from './types/index.js';

/** Options of {@link TrackedLedger.fetch} beyond attribution. */
export type LedgerFetchOptions = Omit<TrackingFetchOptions, 'recorder' | 'attribution'>;

/** Options of {@link TrackedLedger.aiSdkMiddleware} beyond attribution. */
export type LedgerAiSdkMiddlewareOptions = Omit<AiSdkMiddlewareOptions, 'recorder' | 'attribution'>;

/** A ledger with a tracking `fetch`: DESIGN.md's `ledger.fetch({ agent, run, tags })`. */
export interface TrackedLedger extends Omit<Ledger, 'scope'> {
  /**
   * A standard `fetch` that records every LLM exchange it carries into this ledger. Pass it
   * as the `fetch` option of the official `openai` / `@anthropic-ai/sdk` clients.
   */
  fetch(attribution?: Attribution, options?: LedgerFetchOptions): TrackingFetch;
  /**
   * A Vercel AI SDK middleware that records every `generateText` / `streamText` call into this
   * ledger: `wrapLanguageModel({ model, middleware: ledger.aiSdkMiddleware({ agent: 'x' }) })`.
   */
  aiSdkMiddleware(attribution?: Attribution, options?: LedgerAiSdkMiddlewareOptions): AiSdkMiddleware;
  /** A ledger that stamps `attribution` on every event, its `fetch` and `aiSdkMiddleware` included. */
  scope(attribution: Attribution): TrackedLedger;
}

function withFetch(ledger: Ledger): TrackedLedger {
  return Object.assign(Object.create(ledger) as Ledger, {
    fetch: (attribution: Attribution = {}, options: LedgerFetchOptions = {}): TrackingFetch =>
      createTrackingFetch({ ...options, recorder: ledger, attribution }),
    aiSdkMiddleware: (attribution: Attribution = {}, options: LedgerAiSdkMiddlewareOptions = {}): AiSdkMiddleware =>
      createAiSdkMiddleware({ ...options, recorder: ledger, attribution }),
    scope: (attribution: Attribution): TrackedLedger => withFetch(ledger.scope(attribution)),
  });
}

/**
 * Creates a ledger over a store: `record()`, `scope()`, `fetch()`, `flush()`, `stats()`.
 * Tracking is fail-open: a store outage never breaks the caller's LLM call.
 */
export function createLedger(options: LedgerOptions): TrackedLedger {
  return withFetch(createCoreLedger(options));
}

export type { Ledger, LedgerOptions, LedgerStats, RecordOptions, RecordManyResult } from './ledger/index.js';
export { validateRecordInput } from './ledger/index.js';

export type {
  Count,
  JsonValue,
  Usage,
  UsageFormat,
  UsageResult,
  FormatHint,
  Cost,
  PricePerMillion,
  PriceOverride,
  PriceResult,
  Attribution,
  EventError,
  EventStatus,
  RecordInput,
  TraceContext,
  UsageEvent,
  Filter,
  Interval,
  Logger,
  LogContext,
  TokenSums,
  CostSums,
  LatencyStats,
  UsageStats,
  Summary,
  ModelStats,
  AgentStats,
  AgentModelStats,
  RunStats,
  Overview,
  ModelComparison,
  Comparison,
  TimeseriesBucket,
  Timeseries,
} from './types/index.js';

export {
  TokenledgerError,
  ValidationError,
  InvalidUsageError,
  ConfigError,
  StoreError,
  ProviderError,
  RateLimitError,
  AuthenticationError,
  TimeoutError,
  ConnectionError,
  AbortError,
  redactSecrets,
} from './errors/index.js';

export {
  normalizeAiSdkUsage,
  normalizeResponse,
  createStreamMeter,
  meterStreamText,
  createStreamAccumulator,
  detectFormat,
  detectProvider,
  providerFromHint,
  addCounts,
  estimateUsage,
} from './usage/index.js';
export type {
  StreamMeter,
  StreamMeterOptions,
  StreamAccumulator,
  StreamEventInput,
  AiSdkUsage,
  AiSdkUsageContext,
} from './usage/index.js';

export {
  createPricer,
  addCosts,
  zeroCost,
  nanosToUsd,
  usdToNanos,
  tokensToNanos,
  DEEPSEEK_PRICES,
} from './pricing/index.js';
export type {
  Pricer,
  PricerOptions,
  PriceInput,
  LookupInput,
  PriceLookup,
  PriceTier,
  PriceSource,
  DatedPriceOverride,
} from './pricing/index.js';

export { openStore } from './store/index.js';
export type {
  Store,
  AggregateQuery,
  AggregateRow,
  GroupKey,
  Percentiles,
  EventPage,
  EventPageQuery,
  OpenStoreOptions,
} from './store/index.js';

export { loadConfig, parseConfig } from './config/index.js';
export type {
  Config,
  ProviderConfig,
  AgentConfig,
  RateLimitConfig,
  RetryConfig,
  ServerConfig,
} from './config/index.js';

export {
  summary,
  byModel,
  byAgent,
  agentModel,
  byRun,
  overview,
  compare,
  timeseries,
  reset,
  runReport,
  renderRunReport,
} from './analytics/index.js';
export type { RunReportData, RunReportOptions } from './analytics/index.js';

export {
  createClient,
  createRateLimiter,
  createRedisRateLimiter,
  shouldRetry,
  retryDelayMs,
  withRetry,
} from './client/index.js';
export type {
  Client,
  ClientOptions,
  GenerateRequest,
  GenerateResult,
  TextStream,
  BatchOptions,
  BatchProgress,
  BatchItemResult,
  BatchResult,
  UsageSummary,
  RateLimiter,
  RateLimiterOptions,
  RetryOptions,
} from './client/index.js';

export { createTrackingFetch, createAiSdkMiddleware } from './http/index.js';
export type { TrackingFetch, TrackingFetchOptions, AiSdkMiddleware, AiSdkMiddlewareOptions } from './http/index.js';

export { createApp, startServer } from './server/index.js';
export type { StartServerOptions, RunningServer } from './server/index.js';
