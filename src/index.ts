/**
 * tokenledger's public API: what an application needs to record, price, read and serve its
 * LLM usage. Every export is named here; nothing else is public (internals may change in any
 * release). CHANGELOG.md lists what was trimmed or renamed and what to use instead.
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
import type { RunningServer as ServerInternals, StartServerOptions } from './server/index.js';

// The ledger: one type, with its ways in (tracking fetch, AI SDK middleware).
export { createLedger } from './http/index.js';
export type {
  Ledger,
  LedgerFetchOptions,
  LedgerAiSdkMiddlewareOptions,
  TrackingFetch,
  TrackingStats,
  AiSdkMiddleware,
} from './http/index.js';
export type {
  LedgerOptions,
  LedgerStats,
  RecordOptions,
  RecordManyResult,
  SpoolOptions,
  SpoolStats,
  SpoolState,
  WriteOutcome,
} from './ledger/index.js';

// The shapes: usage, cost, events, filters, analytics answers.
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
  FilterExclusions,
  FilterValues,
  Interval,
  Logger,
  LogContext,
  TokenSums,
  CostSums,
  CostShare,
  Breakdown,
  BreakdownEntry,
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
  BudgetExceededError,
  BudgetUnavailableError,
} from './errors/index.js';
export type { BudgetRefusalFacts } from './errors/index.js';
export { openBudgetCounters } from './budgets/index.js';
export type { BudgetCounters, OpenBudgetCountersOptions } from './budgets/index.js';
export type { BudgetSpec, BudgetScope, BudgetWindow } from './types/index.js';

// Reading usage from what you already have: a saved response, a raw stream, text to estimate.
export { normalizeResponse, createStreamMeter, meterStream, meterStreamText, estimateUsage } from './usage/index.js';
export type { StreamMeter, StreamMeterOptions } from './usage/index.js';

export { createPricer } from './pricing/index.js';
export type {
  Pricer,
  PricerOptions,
  PriceInput,
  LookupInput,
  PriceLookup,
  PriceTier,
  PriceSource,
} from './pricing/index.js';

export { openStore } from './store/index.js';
export type { Store, EventPage, EventPageQuery, OpenStoreOptions } from './store/index.js';

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
  summarizeUsage,
  usageByModel,
  usageByAgent,
  usageByAgentModel,
  usageByRun,
  usageOverview,
  compareModels,
  usageTimeseries,
  deleteEvents,
  loadRunReport,
  renderRunReport,
} from './analytics/index.js';
export type { RunReportData, RunReportOptions, TimeseriesOptions } from './analytics/index.js';

export { createClient, createRateLimiter } from './client/index.js';
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

export type { StartServerOptions } from './server/index.js';

/** A running `tokenledger serve`: where it listens, its store and ledger, and a graceful `close()`. */
export type RunningServer = Omit<ServerInternals, 'app'>;

/**
 * Starts what `tokenledger serve` runs (API, ingest, gateway, metrics, dashboard) in this
 * process. The server's modules load on this first call, not when `tokenledger` is imported.
 *
 * @example
 * const server = await startServer({ port: 0, db: 'sqlite:./tokenledger.db' });
 * console.log(server.url);
 * await server.close();
 */
export async function startServer(options?: StartServerOptions): Promise<RunningServer> {
  const server = await import('./server/index.js');
  return server.startServer(options);
}
