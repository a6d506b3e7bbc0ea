export type { Count, JsonValue, Usage, UsageFormat, UsageResult, FormatHint } from './usage.js';
export type { Cost, PricePerMillion, PriceOverride, PriceResult } from './cost.js';
export type { Attribution, EventError, EventStatus, RecordInput, UsageEvent } from './event.js';
export type { Filter, Interval } from './filter.js';
