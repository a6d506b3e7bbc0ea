/**
 * The usage summary of a set of calls (a batch): requests, successes, failures, tokens, cost,
 * success rate, as the seed's `get_usage_stats()` reports them.
 *
 * @module
 */
import type { Usage } from '../types/index.js';

export interface UsageSummary {
  /** Items processed. */
  total: number;
  successful: number;
  failed: number;
  /** Percent of items that succeeded, 0..100 (0 when none ran). */
  successRate: number;
  /** HTTP attempts made, retries included. */
  attempts: number;
  /** Sums over calls that reported them; `undefined` when none did (unknown is not zero). */
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  totalTokens: number | undefined;
  /** Known cost, USD. */
  costUsd: number;
  /** Calls whose cost is unknown (no price for the model, or no usage). */
  unpricedCalls: number;
  durationMs: number;
  /** Items per second over `durationMs`. */
  itemsPerSecond: number;
}

const add = (sum: number | undefined, value: number | undefined): number | undefined =>
  value === undefined ? sum : (sum ?? 0) + value;

/** Accumulates a summary call by call (costs summed in integer nano-dollars, so no drift). */
export class UsageSummaryBuilder {
  private total = 0;
  private successful = 0;
  private attempts = 0;
  private inputTokens: number | undefined;
  private outputTokens: number | undefined;
  private totalTokens: number | undefined;
  private costNanos = 0;
  private unpriced = 0;

  constructor(private readonly startedAt: number) {}

  add(item: { ok: boolean; attempts: number; usage: Usage | undefined; costNanos: number | undefined }): void {
    this.total++;
    if (item.ok) this.successful++;
    this.attempts += item.attempts;
    this.inputTokens = add(this.inputTokens, item.usage?.inputTokens);
    this.outputTokens = add(this.outputTokens, item.usage?.outputTokens);
    this.totalTokens = add(this.totalTokens, item.usage?.totalTokens);
    if (item.costNanos === undefined) {
      if (item.ok) this.unpriced++;
    } else this.costNanos += item.costNanos;
  }

  build(now: number): UsageSummary {
    const durationMs = Math.max(0, now - this.startedAt);
    return {
      total: this.total,
      successful: this.successful,
      failed: this.total - this.successful,
      successRate: this.total === 0 ? 0 : Math.round((this.successful / this.total) * 10_000) / 100,
      attempts: this.attempts,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      totalTokens: this.totalTokens,
      costUsd: this.costNanos / 1e9,
      unpricedCalls: this.unpriced,
      durationMs,
      itemsPerSecond: durationMs === 0 ? 0 : Math.round((this.total / durationMs) * 1000 * 10) / 10,
    };
  }
}
