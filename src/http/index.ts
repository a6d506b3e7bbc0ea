export { createTrackingFetch, networkErrorType } from './tracking-fetch.js';
export type { TrackingFetch, TrackingFetchOptions, TrackingStats, TrackOptions, UsageRecorder } from './tracking-fetch.js';
export { isStreamContentType, unavailable } from './meter.js';
export type { UsageMeter, CreateUsageMeter } from './meter.js';
export { createDefaultMeter, MAX_METERED_JSON_BYTES } from './default-meter.js';
export { requestInfo } from './request-info.js';
export type { RequestInfo } from './request-info.js';
