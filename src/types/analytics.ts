/**
 * The answers the analytics give: plain JSON-able objects, the same from the library, the
 * REST API and `tokenledger report --format json`.
 *
 * Conventions:
 * - USD amounts are numbers derived from integer nano-dollar sums (`nanos / 1e9`); the exact
 *   integer total is kept beside them as `totalNanos`.
 * - Rates are fractions in 0..1 (`successRate: 0.875`), never percents.
 * - A figure that cannot be computed (an average over zero calls, a percentile with no timing)
 *   is `null`, never 0, and never left out, so JSON keeps every key.
 * - Token sums add known counts only; `usageUnavailableCalls` says how many calls had none.
 *
 * @module
 */
import type { Interval } from './filter.js';

/** Token sums over a group of calls. */
export interface TokenSums {
  input: number;
  output: number;
  /** `input + output`. */
  total: number;
  /** Part of `input` served from cache. */
  cacheRead: number;
  /** Part of `input` written to cache. */
  cacheWrite: number;
  /** Part of `output` spent on reasoning. */
  reasoning: number;
}

/** Cost sums over the priced calls of a group, USD. */
export interface CostSums {
  total: number;
  /** Uncached input. */
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  /** What reading from cache saved versus paying the uncached input price. */
  cacheSavings: number;
  /** Sum of the costs providers reported themselves (OpenRouter), kept beside ours. */
  providerReported: number;
  /**
   * Part of `total` spent on calls that failed (status `error`, yet billed: a stream cut after
   * its usage, an answer refused after generation): money that bought no answer.
   */
  failed: number;
  /** `total` as an exact integer of nano-dollars. */
  totalNanos: number;
}

/** Latency figures in milliseconds. Percentiles are nearest-rank, as the store computes them. */
export interface LatencyStats {
  /** How many calls reported this timing. */
  count: number;
  avgMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /**
   * True when the percentiles come from the store's latency histogram (a query over more values
   * than its exact limit, 50,000 by default): each is within 4.5% of the exact one (the histogram's
   * documented error, HISTOGRAM_RELATIVE_ERROR) and shown as approximate (`~1,420ms`). False when exact.
   */
  percentilesApproximate: boolean;
  /** `null` for time to first token (stores keep no maximum for it). */
  maxMs: number | null;
}

/** The figures every group carries. */
export interface UsageStats {
  calls: number;
  successes: number;
  failures: number;
  /** `successes / calls` in 0..1; `null` when there were no calls. */
  successRate: number | null;
  tokens: TokenSums;
  /** `tokens.total / calls`; `null` when there were no calls. */
  avgTokensPerCall: number | null;
  cost: CostSums;
  /** Calls whose model had no known price (not included in `cost`). */
  unpricedCalls: number;
  /** Calls whose tokens were counted by a local tokenizer. */
  estimatedCalls: number;
  /** Calls with no usage at all (not included in `tokens`). */
  usageUnavailableCalls: number;
  /** Calls whose event carries warnings (a reader dropped a part, attribution was cut...). */
  warningCalls: number;
  /**
   * Calls whose provider reported its own cost and ours differs by more than 1%, with our total
   * and the provider's over those calls (USD): how many disagree, and by how much.
   */
  providerCostMismatch: { calls: number; ours: number; provider: number };
  latency: LatencyStats;
  timeToFirstToken: LatencyStats;
  /** ISO start time of the first and last call. */
  firstTime: string | null;
  lastTime: string | null;
}

/** The totals for a filter. */
export interface Summary extends UsageStats {
  /**
   * Wall-clock span: from the first call's start to the end of the last-started call
   * (its start plus its duration). `null` when there were no calls.
   */
  wallTimeMs: number | null;
}

/** Where a group stands in the money of its breakdown. */
export interface CostShare {
  /**
   * This group's `cost.total` over the breakdown's total (every group matching the filter, not
   * only the ones listed), 0..1; `null` when that total is 0.
   */
  costShare: number | null;
}

export interface ModelStats extends UsageStats, CostShare {
  model: string;
  /** Agents that used the model, in order of first use; calls without an agent are left out. */
  agents: string[];
}

export interface AgentStats extends UsageStats, CostShare {
  /** `null` groups the calls recorded without an agent. */
  agent: string | null;
  /** Models the agent used, in order of first use. */
  models: string[];
}

export interface AgentModelStats extends UsageStats, CostShare {
  agent: string | null;
  model: string;
}

export interface RunStats extends UsageStats, CostShare {
  /** `null` groups the calls recorded without a run. */
  run: string | null;
  wallTimeMs: number | null;
}

/** Totals plus every breakdown: what `GET /analytics/tokens` and the run report show. */
export interface Overview {
  summary: Summary;
  models: ModelStats[];
  agents: AgentStats[];
  agentModels: AgentModelStats[];
}

/** One model's column in a side-by-side comparison. */
export interface ModelComparison {
  model: string;
  calls: number;
  successRate: number | null;
  avgInputTokensPerCall: number | null;
  avgOutputTokensPerCall: number | null;
  avgTokensPerCall: number | null;
  /** Mean cost of the priced calls, USD; `null` when none was priced. */
  avgCostPerCall: number | null;
  /** Cost of the priced calls per 1,000 of their output tokens, USD. */
  costPer1kOutputTokens: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** The latency percentiles come from the histogram (see LatencyStats.percentilesApproximate). */
  latencyApproximate: boolean;
  unpricedCalls: number;
  /** `avgTokensPerCall` divided by the first model's (1 for the first model). */
  tokensPerCallVsFirst: number | null;
  /** `avgCostPerCall` divided by the first model's (1 for the first model). */
  costPerCallVsFirst: number | null;
}

export interface Comparison {
  /** In the order asked for; a model with no calls is still listed, with `calls: 0`. */
  models: ModelComparison[];
}

export interface TimeseriesBucket extends UsageStats, CostShare {
  /** ISO start of the bucket (UTC). */
  start: string;
  /** `failures / calls` in 0..1: the error rate over time; `null` in a bucket without calls. */
  errorRate: number | null;
}

export interface Timeseries {
  interval: Interval;
  /** Consecutive buckets from the first to the last one with calls; empty buckets are filled with zeros. */
  buckets: TimeseriesBucket[];
}

/** One group of a breakdown by any dimensions: its key (dimension -> value, `null`: none) and figures. */
export interface BreakdownEntry extends UsageStats, CostShare {
  /** E.g. `{ "tag:team": "search", "model": "gpt-4o" }`. */
  key: Record<string, string | null>;
}

export interface Breakdown {
  /** The dimensions, as asked. */
  by: string[];
  /** What the groups are ranked by, largest first (`latency`: mean latency). */
  sort: 'cost' | 'tokens' | 'calls' | 'latency';
  /** How many groups match in all. */
  total: number;
  /** Groups skipped before this page. */
  offset: number;
  groups: BreakdownEntry[];
}
