export { createTrackingFetch, mergeAttribution } from './tracking-fetch.js';
export type { TrackingFetch, TrackingFetchOptions, TrackOptions } from './tracking-fetch.js';
export { createExchangeTracker, networkErrorType, errorMessage } from './exchange.js';
export type {
  Exchange,
  ExchangeStart,
  ExchangeTracker,
  ExchangeTrackerOptions,
  TrackingStats,
  UsageRecorder,
} from './exchange.js';
export { isStreamContentType, unavailable } from './meter.js';
export type { UsageMeter, CreateUsageMeter } from './meter.js';
export { createDefaultMeter, MAX_METERED_JSON_BYTES } from './default-meter.js';
export { requestInfo } from './request-info.js';
export {
  DEFAULT_STREAM_USAGE_MODE,
  createRefusalNotice,
  isChatCompletionsUrl,
  streamUsageOnRequest,
  withStreamUsageAsked,
} from './stream-usage.js';
export type { StreamUsageMode } from './stream-usage.js';
export type { RequestInfo } from './request-info.js';
export { createAiSdkMiddleware } from './ai-sdk-middleware.js';
export type {
  AiSdkMiddleware,
  AiSdkMiddlewareOptions,
  AiSdkModelInfo,
  AiSdkGenerateResultShape,
  AiSdkStreamPartShape,
  AiSdkWrapOptions,
} from './ai-sdk-middleware.js';
export { createLedger } from './ledger.js';
export type { Ledger, LedgerFetchOptions, LedgerAiSdkMiddlewareOptions } from './ledger.js';
