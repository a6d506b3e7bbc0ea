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
import type * as Deferred from './deferred.js';
import type { RunningServer as ServerInternals, StartServerOptions } from './server/index.js';

/**
 * `name` of src/deferred.ts, as a function that imports that module on its first call. The
 * asynchronous parts of the API (opening a store or budget counters, reading a config file, the
 * analytics over a store) are reached through it: their modules, and the Node built-ins they use
 * (worker threads, fs/promises), would otherwise cost every `import 'tokenledger'` tens of
 * milliseconds, also in a process that only meters or calls providers. Each of them returns a
 * promise already, so loading first changes nothing a caller sees.
 */
function onFirstCall<K extends keyof typeof Deferred>(name: K): (typeof Deferred)[K] {
  const call = async (...args: unknown[]): Promise<unknown> => {
    const implementation = (await import('./deferred.js'))[name] as (...args: unknown[]) => unknown;
    return implementation(...args);
  };
  // Named as the function it stands for, for stack traces and `.name`.
  return Object.defineProperty(call, 'name', { value: name }) as unknown as (typeof Deferred)[K];
}

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
export const openBudgetCounters: typeof Deferred.openBudgetCounters = onFirstCall('openBudgetCounters');
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

export const openStore: typeof Deferred.openStore = onFirstCall('openStore');
export type { Store, EventPage, EventPageQuery, OpenStoreOptions } from './store/index.js';

export { parseConfig } from './config/index.js';
export const loadConfig: typeof Deferred.loadConfig = onFirstCall('loadConfig');
export type {
  Config,
  ProviderConfig,
  AgentConfig,
  RateLimitConfig,
  RetryConfig,
  ServerConfig,
} from './config/index.js';

export const summarizeUsage: typeof Deferred.summarizeUsage = onFirstCall('summarizeUsage');
export const usageByModel: typeof Deferred.usageByModel = onFirstCall('usageByModel');
export const usageByAgent: typeof Deferred.usageByAgent = onFirstCall('usageByAgent');
export const usageByAgentModel: typeof Deferred.usageByAgentModel = onFirstCall('usageByAgentModel');
export const usageByRun: typeof Deferred.usageByRun = onFirstCall('usageByRun');
export const usageOverview: typeof Deferred.usageOverview = onFirstCall('usageOverview');
export const compareModels: typeof Deferred.compareModels = onFirstCall('compareModels');
export const usageTimeseries: typeof Deferred.usageTimeseries = onFirstCall('usageTimeseries');
export const deleteEvents: typeof Deferred.deleteEvents = onFirstCall('deleteEvents');
export const loadRunReport: typeof Deferred.loadRunReport = onFirstCall('loadRunReport');
export { renderRunReport } from './analytics/index.js';
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
