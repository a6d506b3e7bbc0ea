/**
 * `client.batch()`: the worker pool over the client's calls, results in input order, progress,
 * and the batch's own usage summary.
 *
 * @module
 */
import { setMaxListeners } from 'node:events';
import { BudgetExceededError } from '../errors/index.js';
import { runPool, type BatchSource } from './batch.js';
import { errorOf, mergeSignals } from './call-helpers.js';
import type { BatchItemResult, BatchOptions, BatchResult, GenerateRequest, GenerateResult } from './types.js';
import { UsageSummaryBuilder } from './usage-summary.js';

export async function runClientBatch(input: {
  items: BatchSource<GenerateRequest>;
  options: BatchOptions;
  /** One call, counting its attempts in `tracker` (so a failure still says how many). */
  call: (request: GenerateRequest, tracker: { attempts: number }) => Promise<GenerateResult>;
  now: () => number;
}): Promise<BatchResult> {
  const { items, options: batchOptions, call, now } = input;
  const startedAt = now();
  const summary = new UsageSummaryBuilder(startedAt);
  const collect = batchOptions.collect ?? true;
  const results: BatchItemResult[] = [];
  const total = Array.isArray(items) ? items.length : undefined;
  let inFlight = 0;
  let done = 0;
  let failed = 0;
  let refused = 0;
  // In-flight calls follow the batch signal, so cancelling settles them promptly. Each call in
  // flight listens to it (attempt, limiter, retry wait) and removes its listeners when done, so
  // many listeners at once are expected, not a leak.
  const batchSignal = batchOptions.signal;
  if (batchSignal !== undefined) setMaxListeners(Math.max(10, (batchOptions.concurrency ?? 8) * 4), batchSignal);
  const settle = (result: BatchItemResult, costNanos: number | undefined): void => {
    inFlight--;
    done++;
    if (result.status === 'error') failed++;
    // A refused item never reached the provider: it is no call in the summary.
    if (result.status === 'refused') refused++;
    else summary.add({ ok: result.status === 'ok', attempts: result.attempts, usage: result.usage, costNanos });
    if (collect) results[result.index] = result;
    batchOptions.onResult?.(result);
    if (batchOptions.onProgress !== undefined) {
      const soFar = summary.build(now());
      batchOptions.onProgress({
        done,
        failed,
        refused,
        inFlight,
        total,
        elapsedMs: soFar.durationMs,
        totalTokens: soFar.totalTokens,
        costUsd: soFar.costUsd,
      });
    }
  };
  const started = await runPool(
    items,
    async (request, index): Promise<void> => {
      inFlight++;
      const signal = mergeSignals(request.signal, batchSignal);
      const tracker = { attempts: 0 };
      try {
        const value = await call(signal === undefined ? request : { ...request, signal }, tracker);
        settle(
          {
            index,
            status: 'ok',
            text: value.text,
            usage: value.usage,
            cost: value.cost?.total ?? null,
            attempts: value.attempts,
            ...(value.event === undefined ? {} : { eventId: value.event.id }),
          },
          value.cost?.totalNanos,
        );
      } catch (error) {
        settle(
          {
            index,
            status: error instanceof BudgetExceededError ? 'refused' : 'error',
            text: undefined,
            usage: undefined,
            cost: null,
            attempts: tracker.attempts,
            error: errorOf(error),
          },
          undefined,
        );
      }
    },
    () => undefined,
    {
      ...(batchOptions.concurrency === undefined ? {} : { concurrency: batchOptions.concurrency }),
      ...(batchSignal === undefined ? {} : { signal: batchSignal }),
    },
  );
  return {
    results: collect ? results : [],
    summary: summary.build(now()),
    cancelled: batchSignal?.aborted === true && (total === undefined || started < total || failed > 0),
  };
}
