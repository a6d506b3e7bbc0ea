/**
 * `client.batch()`: the worker pool over the client's calls, results in input order, progress,
 * and the batch's own usage summary.
 *
 * @module
 */
import { BudgetExceededError } from '../errors/index.js';
import { runPool, type BatchSource } from './batch.js';
import { errorOf, mergeSignals } from './call-helpers.js';
import type { BatchItemResult, BatchOptions, BatchResult, GenerateRequest, GenerateResult } from './types.js';
import { UsageSummaryBuilder } from './usage-summary.js';

/** What a call tells the batch while it runs. */
export interface CallTracker {
  /** Attempts made so far, so that a failure still says how many. */
  attempts: number;
  /** Called once the provider's answer is in and only recording it remains. */
  answered?: () => void;
}

export async function runClientBatch(input: {
  items: BatchSource<GenerateRequest>;
  options: BatchOptions;
  /** One call, counting its attempts in `tracker` and saying when it has its answer. */
  call: (request: GenerateRequest, tracker: CallTracker) => Promise<GenerateResult>;
  /** Writes the records held back for a group commit (UsageRecorder.flush). */
  flush?: () => Promise<void>;
  now: () => number;
}): Promise<BatchResult> {
  const { items, options: batchOptions, call, now } = input;
  const concurrency = batchOptions.concurrency ?? 8;
  const startedAt = now();
  const summary = new UsageSummaryBuilder(startedAt);
  const collect = batchOptions.collect ?? true;
  const results: BatchItemResult[] = [];
  const total = Array.isArray(items) ? items.length : undefined;
  let inFlight = 0;
  let done = 0;
  let failed = 0;
  let refused = 0;
  // In-flight calls follow the batch signal, so cancelling settles them promptly (each joins
  // the signal's one listener while it runs: abort-listeners.ts).
  const batchSignal = batchOptions.signal;
  /**
   * Items whose call has its answer and whose event is being recorded. An item's slot frees
   * once its answer is in: its record (which may wait for a group commit) goes on while the
   * next call is sent, so `concurrency` counts calls at the provider. At most `concurrency`
   * items wait for their record so (a slow store slows the batch, not its memory).
   */
  const recording = new Set<Promise<void>>();
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
      let answered = (): void => undefined;
      const answer = new Promise<void>((resolve) => {
        answered = resolve;
      });
      const tracker: CallTracker = { attempts: 0, answered };
      const settled = runItem(signal === undefined ? request : { ...request, signal }, index, tracker);
      await Promise.race([answer, settled]);
      if (recording.size >= concurrency) {
        await settled;
        return;
      }
      // A callback that throws is the caller's bug: it never fails the batch (as before the slot freed early).
      const recorded = settled.then(
        () => undefined,
        () => undefined,
      );
      recording.add(recorded);
      void recorded.then(() => recording.delete(recorded));
    },
    () => undefined,
    {
      concurrency,
      ...(batchSignal === undefined ? {} : { signal: batchSignal }),
    },
  );
  if (recording.size > 0) {
    // Every call has its answer: what waits for a group commit need not wait longer. The last
    // answers' records begin after the turn that read them (client.ts), so the window is ended
    // after that turn; ended before, those records would open a new one and wait it out.
    await new Promise<void>((resolve) => setImmediate(resolve));
    input.flush?.().catch(() => undefined);
    while (recording.size > 0) await Promise.all([...recording]);
  }
  return {
    results: collect ? results : [],
    summary: summary.build(now()),
    cancelled: batchSignal?.aborted === true && (total === undefined || started < total || failed > 0),
  };

  async function runItem(request: GenerateRequest, index: number, tracker: CallTracker): Promise<void> {
    try {
      const value = await call(request, tracker);
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
  }
}
