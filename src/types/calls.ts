/**
 * The calls list and one call's detail (GET /analytics/calls, /analytics/calls/:id): every call
 * as one flat row, the same fields in JSON, NDJSON and CSV (so a download is what was shown).
 *
 * @module
 */
import type { Cost, PricePerMillion } from './cost.js';
import type { EventStatus, UsageEvent } from './event.js';

/** How a calls list is sorted, largest first (`time`: newest first); ties newest first. */
export type CallSort = 'time' | 'cost' | 'latency' | 'tokens';

/** One call, flat. A figure the call did not report is `null`, never 0. */
export interface CallRow {
  id: string;
  /** ISO start time. */
  time: string;
  provider: string;
  model: string;
  requestedModel: string | null;
  agent: string | null;
  run: string | null;
  tags: Record<string, string>;
  status: EventStatus;
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  cacheReadTokens: number | null;
  cacheWriteTokens: number | null;
  reasoningTokens: number | null;
  /** Our cost, USD; `null` when unpriced. */
  costUsd: number | null;
  durationMs: number | null;
  /** Streams only. */
  timeToFirstTokenMs: number | null;
  errorType: string | null;
  errorStatus: number | null;
  attempts: number;
  estimated: boolean;
  /** Reader and recording notes; empty when none. */
  warnings: string[];
}

export interface CallsPage {
  sort: CallSort;
  limit: number;
  calls: CallRow[];
  /** Pass as `cursor` for the next page; `null` on the last one. */
  nextCursor: string | null;
}

/** How today's prices price the call: the source and the prices per 1M tokens, and what they give. */
export interface CallPricing {
  /** Where the price comes from (`catalog`, `override`, `free`), or `null` when no price is known now. */
  source: 'catalog' | 'override' | 'free' | null;
  /** The priced model id, as the catalog or override names it. */
  modelId: string | null;
  /** USD per 1M tokens (the tier the call's input falls in). */
  prices: PricePerMillion | null;
  /** The call priced now; `null` with `reason` when it cannot be. */
  cost: Cost | null;
  reason: string | null;
  /** True when the call priced now costs what was stored when it was recorded (to the nano-dollar). */
  sameAsStored: boolean;
}

export interface CallDetail {
  /** The stored event, whole: raw usage, cost breakdown, provider cost, trace, warnings. */
  event: UsageEvent;
  call: CallRow;
  pricing: CallPricing;
  /**
   * The calls recorded under the same trace span (a gateway call's caller span, an OTLP span),
   * oldest first, this one included: the attempts of one request when its retries were linked
   * that way. Just this call when it carries no trace.
   */
  attempts: CallRow[];
}
