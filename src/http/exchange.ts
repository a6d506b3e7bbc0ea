/**
 * The recording core of the tracking fetch, usable by any HTTP path (the fetch wrapper, the
 * server's gateway): one `Exchange` per call is told what happened (failed before a response,
 * answered with a status, body chunks, body end) and records exactly one event: usage from the
 * meter, duration, time to first token, attribution, failure details. Recording never throws
 * to the caller: failures are counted and passed to `onError`.
 *
 * @module
 */
import { providerErrorFromStatus, redactSecrets } from '../errors/index.js';
import type {
  Attribution,
  EventError,
  FormatHint,
  RecordInput,
  TraceContext,
  UsageEvent,
  UsageRecorder,
  UsageResult,
} from '../types/index.js';
import { withMeteredResult } from '../ledger/index.js';
import { cancelledCallOf, estimateCancelledUsage, estimateStreamUsage } from '../usage/index.js';
import { createDefaultMeter } from './default-meter.js';
import { isStreamContentType, unavailable, type CreateUsageMeter, type UsageMeter } from './meter.js';

export type { UsageRecorder } from '../types/index.js';

export interface ExchangeTrackerOptions {
  /** Receives one `RecordInput` per call (usually `ledger`). */
  recorder: UsageRecorder;
  /** Reads usage from bodies. @default createDefaultMeter (src/usage's stream meter and normalizer) */
  createMeter?: CreateUsageMeter;
  /** Monotonic clock in ms, for durations. @default performance.now */
  clock?: () => number;
  /** Wall clock in epoch ms, for event times. @default Date.now */
  now?: () => number;
  /** Told about every recording failure (after it was counted). Must not throw. */
  onError?: (error: unknown) => void;
}

export interface TrackingStats {
  /** Events handed to the recorder and stored. */
  recorded: number;
  /** Recording attempts that failed (swallowed). */
  recordFailures: number;
  /** Recordings still in flight. */
  pending: number;
}

/** What is known when a call starts. */
export interface ExchangeStart {
  url: string;
  /** The model requested, when known. */
  model: string | undefined;
  provider: string | undefined;
  attribution: Attribution | undefined;
  /** The caller's trace context (the gateway reads the request's `traceparent`). */
  trace?: TraceContext;
  /**
   * The caller's request body, when its stream may end without usage (not asked for it): a
   * chat stream that does, although the whole answer was seen, is estimated with the tokenizer.
   */
  estimateFrom?: Uint8Array;
  /**
   * The caller's request body, when a stream the caller cancels must be counted (a budget
   * settles it): its input plus the answer streamed so far, estimated with the tokenizer where
   * the provider's count never came. Without it such a stream stays "usage unavailable".
   * Keeping the answer text costs a parse per event, so only when asked.
   */
  countCancelledFrom?: Uint8Array;
  /** The event's id, when the caller names it before the call (the gateway tells its client). */
  id?: string;
  /**
   * Told once the call's event is stored (`undefined` when recording failed), and whether the
   * provider answered at all: budgets settle from it.
   */
  onRecorded?: (event: UsageEvent | undefined, answered: boolean) => void;
  /** Notes about the call known before it starts (unreadable attribution headers), kept on its event. */
  warnings?: readonly string[];
}

/** One call in progress. Each method is cheap and never throws; the first terminal one wins. */
export interface Exchange {
  /** No response at all (network error, timeout, abort): records a failed event. */
  fail(error: unknown): void;
  /**
   * Response headers arrived. A non-2xx status records a failed event at once (its body is
   * not metered); returns whether the body should be fed to `chunk()`/`end()`.
   */
  respond(status: number, statusText: string, contentType: string): boolean;
  /** One body chunk, after it was handed on to the caller. */
  chunk(bytes: Uint8Array): void;
  /**
   * The body ended (`done`), broke (`cut`) or the caller stopped reading (`cancelled`).
   * Returns what it handed to the recorder (undefined when the call had already ended), so that
   * the caller can say what the call cost before the answer's last byte leaves.
   */
  end(outcome: 'done' | 'cut' | 'cancelled', reason?: unknown): RecordInput | undefined;
  /** The call is being retried: the recorded event will count one more attempt. */
  retry(): void;
  /** Sets `estimateFrom` later (the call is sent again without the usage option). */
  estimateFrom(request: Uint8Array): void;
}

export interface ExchangeTracker {
  begin(start: ExchangeStart): Exchange;
  /** Records a call already known whole (a batch item read from its results), on the same path. */
  record(input: RecordInput): void;
  /** Resolves once every recording started so far has settled. */
  flush(): Promise<void>;
  readonly stats: Readonly<TrackingStats>;
}

/** Error type for a failure with no HTTP status: timeout, abort or network. */
export function networkErrorType(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError') return 'TimeoutError';
  if (name === 'AbortError') return 'AbortError';
  return 'ConnectionError';
}

export function errorMessage(error: unknown): string {
  const base = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return redactSecrets(`${base}${cause}`).slice(0, 500);
}

export function createExchangeTracker(options: ExchangeTrackerOptions): ExchangeTracker {
  const createMeter = options.createMeter ?? createDefaultMeter;
  const clock = options.clock ?? (() => performance.now());
  const now = options.now ?? Date.now;
  const stats: TrackingStats = { recorded: 0, recordFailures: 0, pending: 0 };
  const inFlight = new Set<Promise<void>>();

  function record(input: RecordInput, onRecorded?: (event: UsageEvent | undefined) => void): void {
    stats.pending++;
    let promise: Promise<void>;
    try {
      promise = options.recorder.record(input).then(
        (event) => {
          stats.recorded++;
          onRecorded?.(event);
        },
        (error: unknown) => {
          stats.recordFailures++;
          options.onError?.(error);
          onRecorded?.(undefined);
        },
      );
    } catch (error) {
      // A recorder that throws synchronously is still the recorder's problem, not the caller's.
      promise = Promise.resolve();
      stats.recordFailures++;
      options.onError?.(error);
      onRecorded?.(undefined);
    }
    const settled = promise.finally(() => {
      stats.pending--;
      inFlight.delete(settled);
    });
    inFlight.add(settled);
  }

  function begin(start: ExchangeStart): Exchange {
    const startedAt = clock();
    const base: RecordInput = {
      ...start.attribution,
      time: now(),
      provider: start.provider,
      requestedModel: start.model,
      model: start.model,
      attempts: 1,
    };
    if (start.trace !== undefined) base.trace = start.trace;
    if (start.id !== undefined) base.id = start.id;
    if (start.warnings !== undefined && start.warnings.length > 0) base.warnings = [...start.warnings];
    const hint: FormatHint = { url: start.url, model: start.model, provider: start.provider };
    let finished = false;
    let estimateFrom = start.estimateFrom;
    const countCancelledFrom = start.countCancelledFrom;
    let meter: UsageMeter | undefined;
    let streaming = false;
    let firstContentAt: number | undefined;
    const answered = (event: UsageEvent | undefined) => start.onRecorded?.(event, true);

    return {
      retry() {
        base.attempts = (base.attempts ?? 1) + 1;
      },
      estimateFrom(request) {
        estimateFrom = request;
      },
      fail(error) {
        if (finished) return;
        finished = true;
        record(
          {
            ...base,
            durationMs: clock() - startedAt,
            status: 'error',
            error: { type: networkErrorType(error), message: errorMessage(error) },
            usageUnavailableReason: 'the request failed before a response',
          },
          (event) => start.onRecorded?.(event, false),
        );
      },
      respond(status, statusText, contentType) {
        if (finished) return false;
        if (status < 200 || status > 299) {
          finished = true;
          const classified = providerErrorFromStatus(status, `HTTP ${status}`);
          const error: EventError = { type: classified.name, status, message: `HTTP ${status} ${statusText}`.trim() };
          record(
            {
              ...base,
              durationMs: clock() - startedAt,
              status: 'error',
              error,
              usageUnavailableReason: `the provider answered ${status}`,
            },
            answered,
          );
          return false;
        }
        streaming = isStreamContentType(contentType);
        meter = createMeter(hint, contentType, {
          collectAnswerText: streaming && (estimateFrom !== undefined || countCancelledFrom !== undefined),
        });
        return true;
      },
      chunk(bytes) {
        if (finished || meter === undefined) return;
        meter.write(bytes);
        // Time to first token is the first content (text, tool call or reasoning), not the first
        // byte: Anthropic opens with a content-less message_start.
        if (firstContentAt === undefined && meter.firstContentAt !== undefined) firstContentAt = clock();
      },
      end(outcome, reason) {
        if (finished) return undefined;
        finished = true;
        const end = clock();
        let result: UsageResult;
        try {
          result = meter === undefined ? unavailable('the response had no body', hint) : meter.end();
        } catch (error) {
          result = unavailable(`metering failed: ${errorMessage(error)}`, hint);
        }
        // The answer's text is read only when it is counted (it is parsed when read: chat-stream-text.ts).
        if (result.usage === undefined && estimateFrom !== undefined) {
          const answer = meter?.answerText;
          if (answer !== undefined) result = estimateStreamUsage(result, estimateFrom, answer);
        }
        const cancelledEarly = outcome === 'cancelled' && streaming && meter?.complete !== true;
        const streamed = cancelledEarly && countCancelledFrom !== undefined ? meter?.streamedText : undefined;
        if (countCancelledFrom !== undefined && streamed !== undefined) {
          const call = cancelledCallOf(countCancelledFrom, streamed);
          if (call !== undefined) result = estimateCancelledUsage(result, call);
        }
        const timing = {
          durationMs: end - startedAt,
          timeToFirstTokenMs: streaming && firstContentAt !== undefined ? firstContentAt - startedAt : undefined,
        };
        // A reader that stops at the stream's end marker (openai 7 does at [DONE]) got it all.
        let input: RecordInput;
        if (outcome === 'done' || (outcome === 'cancelled' && meter?.complete === true)) {
          input = withMeteredResult({ ...base, ...timing, status: 'ok' }, result);
        } else {
          const error: EventError =
            outcome === 'cancelled'
              ? { type: 'AbortError', message: 'the caller stopped reading the response' }
              : { type: networkErrorType(reason), message: `response body cut: ${errorMessage(reason)}` };
          input = withMeteredResult({ ...base, ...timing, status: 'error', error }, result);
        }
        record(input, answered);
        return input;
      },
    };
  }

  return {
    begin,
    record: (input) => record(input),
    flush: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    get stats() {
      return { ...stats };
    },
  };
}
