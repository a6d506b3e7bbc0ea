export { createTrackingFetch, networkErrorType } from './tracking-fetch.js';
export type { TrackingFetch, TrackingFetchOptions, TrackingStats, UsageRecorder } from './tracking-fetch.js';
export { isStreamContentType, unavailable } from './meter.js';
export type { UsageMeter, CreateUsageMeter } from './meter.js';
export { requestInfo } from './request-info.js';
export type { RequestInfo } from './request-info.js';
