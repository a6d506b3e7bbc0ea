/**
 * The JSON the analytics API answers (src/server/routes/analytics.ts). Types only: the
 * dashboard shares the server's shapes but never its code.
 */
import type {
  AgentStats,
  Breakdown,
  Comparison,
  ModelStats,
  Overview,
  RunStats,
  Summary,
  Timeseries,
  UsageEvent,
  CallDetail,
  CallsPage,
  WhatIfReport,
} from '../../src/types/index.js';

export type {
  WhatIfModelLine,
  CallDetail,
  CallRow,
  CallSort,
  AgentModelStats,
  AgentStats,
  BreakdownEntry,
  CostShare,
  ModelComparison,
  ModelStats,
  RunStats,
  Summary,
  TimeseriesBucket,
  UsageEvent,
  UsageStats,
} from '../../src/types/index.js';

/** The filter echoed back by every endpoint (dates as ISO strings). */
export type FilterEcho = Record<string, unknown>;

export type TokensResponse = Overview & { filter: FilterEcho };
export interface RunsResponse {
  filter: FilterEcho;
  /** At most this many runs, ranked by `sort` over every matching run. */
  limit: number;
  offset: number;
  sort: 'recent' | 'cost' | 'tokens' | 'calls' | 'latency';
  /** How many runs match in all. */
  total: number;
  runs: RunStats[];
}
export interface RunReportResponse {
  filter: FilterEcho;
  run: string;
  summary: Summary;
  models: ModelStats[];
  agents: AgentStats[];
  /** The plain-text run report (as `tokenledger report` prints it). */
  text: string;
}
export type TimeseriesResponse = Timeseries & { filter: FilterEcho };
export type CompareResponse = Comparison & { filter: FilterEcho };
/** `POST /analytics/tokens/whatif`. */
export type WhatIfResponse = WhatIfReport & { filter: FilterEcho };
export interface EventsResponse {
  filter: FilterEcho;
  events: UsageEvent[];
  nextCursor: string | null;
}
export interface ResetResponse {
  removed: number;
  filter: FilterEcho;
}
export interface ModelsResponse {
  filter: FilterEcho;
  models: ModelStats[];
}
export type BreakdownResponse = Breakdown & { filter: FilterEcho; limit: number };
export type CallsResponse = CallsPage & { filter: FilterEcho };
export type CallDetailResponse = CallDetail;

/** One budget in its current window, as GET /v1/budgets answers (src/budgets/status-view.ts). */
export interface BudgetRow {
  name: string;
  source: 'config' | 'api';
  unit: 'usd' | 'tokens';
  window: string;
  paused: boolean;
  cap: number;
  spent: number;
  held: number;
  remaining: number;
  refused: number;
  alertsSent: number[];
  resetsAt: string | null;
  forecast: { projected: number; runsOutAt: string | null } | null;
}

export interface BudgetsResponse {
  budgets: BudgetRow[];
}
