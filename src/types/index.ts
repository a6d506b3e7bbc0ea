export type { Count, JsonValue, Usage, UsageFormat, UsageIteration, UsageResult, FormatHint } from './usage.js';
export type { Cost, PricePerMillion, PriceOverride, PriceResult } from './cost.js';
export type {
  Attribution,
  EventError,
  EventStatus,
  ProviderCostMismatch,
  RecordInput,
  TraceContext,
  UsageEvent,
  UsageRecorder,
} from './event.js';
export type { Filter, FilterExclusions, FilterValues, Interval } from './filter.js';
export type { CallDetail, CallPricing, CallRow, CallSort, CallsPage } from './calls.js';
export type { Logger, LogContext } from './logger.js';
export type {
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
} from './analytics.js';
export type {
  BudgetAlertSpec,
  BudgetFailureMode,
  BudgetMode,
  BudgetScope,
  BudgetSpec,
  BudgetUnit,
  BudgetWindow,
} from './budget.js';
export type { PriceDataEntry, PriceDataRecord, PriceDataState } from './price-data.js';
export type { ModelSwap, WhatIfFigures, WhatIfModelLine, WhatIfReport } from './whatif.js';
