export { createClient } from './client.js';
export type { Client, ClientOptions } from './client.js';
export type {
  UsageRecorder,
  GenerateRequest,
  GenerateResult,
  TextStream,
  BatchOptions,
  BatchProgress,
  BatchItemResult,
  BatchResult,
} from './types.js';
export type { UsageSummary } from './usage-summary.js';
export { UsageSummaryBuilder } from './usage-summary.js';
export { runPool } from './batch.js';
export type { BatchSource, BatchPoolOptions } from './batch.js';
export { shouldRetry, retryAfterMs, retryDelayMs, backoffDelayMs, withRetry, sleep, RETRY_DEFAULTS } from './retry.js';
export type { RetryOptions, RetryLoopOptions } from './retry.js';
export { createRateLimiter, InProcessRateLimiter } from './rate-limiter.js';
export type {
  RateLimiter,
  RateLimiterOptions,
  LimitKey,
  Permit,
  ReleaseOutcome,
  RateLimitHint,
  AcquireOptions,
} from './rate-limiter.js';
export { KeyPool } from './keys.js';
export type { KeyLease, KeyPoolOptions } from './keys.js';
export type { ChatMessage, ProviderAdapter } from './providers/types.js';
export { fetchTransport, nodeTransport } from './transport.js';
export type {
  FetchFunction,
  ResponseHeaders,
  Transport,
  TransportRequest,
  TransportResponse,
  Cancellation,
} from './transport.js';
export { createRedisRateLimiter, RedisRateLimiter } from './redis-rate-limiter.js';
export type { RedisRateLimiterOptions } from './redis-rate-limiter.js';
