/**
 * The tracking fetch: a standard `fetch` that the official `openai` and `@anthropic-ai/sdk`
 * clients (and anything else taking a `fetch` option) accept. Requests and responses pass
 * through untouched; the response body is handed on chunk by chunk as the caller reads it (no
 * buffering, no added delay, backpressure kept) while a meter reads usage from the same
 * chunks. When the body ends, one event is recorded with usage, duration and time to first
 * token. A network error or a non-2xx status records a failed event. Recording never breaks
 * the caller: its errors are swallowed, counted and passed to `onError`.
 *
 * @module
 */
import { providerErrorFromStatus, redactSecrets } from '../errors/index.js';
import type { Attribution, EventError, FormatHint, RecordInput, UsageEvent, UsageResult } from '../types/index.js';
import { createDefaultMeter } from './default-meter.js';
import { isStreamContentType, unavailable, type CreateUsageMeter, type UsageMeter } from './meter.js';
import { requestInfo, type RequestInfo } from './request-info.js';

type Fetch = typeof fetch;

/** Where events go: a ledger, or anything with its `record`. */
export interface UsageRecorder {
  record(input: RecordInput): Promise<UsageEvent>;
}

export interface TrackingFetchOptions {
  /** Receives one `RecordInput` per call (usually `ledger`). */
  recorder: UsageRecorder;
  /** Agent, run and tags put on every event. */
  attribution?: Attribution;
  /** Provider id for the hint, e.g. `openai`; guessed from the URL and body when absent. */
  provider?: string;
  /** Reads usage from bodies. @default createDefaultMeter (src/usage's stream meter and normalizer) */
  createMeter?: CreateUsageMeter;
  /** The fetch that really sends. @default globalThis.fetch */
  fetch?: Fetch;
  /** Monotonic clock in ms, for durations. @default performance.now */
  clock?: () => number;
  /** Wall clock in epoch ms, for event times. @default Date.now */
  now?: () => number;
  /** Told about every recording failure (after it was counted). Must not throw. */
  onError?: (error: unknown) => void;
  /**
   * Which requests to record. @default every method but GET, HEAD and OPTIONS (listing models
   * is not an LLM call)
   */
  shouldRecord?: (info: RequestInfo) => boolean;
}

export interface TrackingStats {
  /** Events handed to the recorder and stored. */
  recorded: number;
  /** Recording attempts that failed (swallowed). */
  recordFailures: number;
  /** Recordings still in flight. */
  pending: number;
}

/** Per-call extras for {@link TrackingFetch.track}. */
export interface TrackOptions {
  /** Attribution merged over the configured one (tags merged). */
  attribution?: Attribution;
  /** Called as each response body chunk passes (e.g. to refresh an idle timeout). Must not throw. */
  onChunk?: () => void;
  /** Provider id for this call, winning over the configured one. */
  provider?: string;
  /** Called once when the response body ended, was cut or cancelled (not for failed fetches). Must not throw. */
  onEnd?: () => void;
}

export interface TrackingFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** One tracked call with per-call extras (what the gateway uses). */
  track(input: string | URL | Request, init: RequestInit | undefined, options: TrackOptions): Promise<Response>;
  /** The same tracking fetch with more attribution merged over the configured one (tags merged). */
  withAttribution(attribution: Attribution): Fetch;
  /** Resolves once every recording started so far has settled. */
  flush(): Promise<void>;
  readonly stats: Readonly<TrackingStats>;
}

const defaultShouldRecord = (info: RequestInfo): boolean => info.method !== 'GET' && info.method !== 'HEAD' && info.method !== 'OPTIONS';

/** Error type for a failure with no HTTP status: timeout, abort or network. */
export function networkErrorType(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError') return 'TimeoutError';
  if (name === 'AbortError') return 'AbortError';
  return 'ConnectionError';
}

function errorMessage(error: unknown): string {
  const base = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return redactSecrets(`${base}${cause}`).slice(0, 500);
}

function mergeAttribution(base: Attribution | undefined, extra: Attribution): Attribution {
  if (base === undefined) return extra;
  return {
    agent: extra.agent ?? base.agent,
    run: extra.run ?? base.run,
    tags: base.tags === undefined ? extra.tags : extra.tags === undefined ? base.tags : { ...base.tags, ...extra.tags },
  };
}

export function createTrackingFetch(options: TrackingFetchOptions): TrackingFetch {
  const innerFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const createMeter = options.createMeter ?? createDefaultMeter;
  const clock = options.clock ?? (() => performance.now());
  const now = options.now ?? Date.now;
  const shouldRecord = options.shouldRecord ?? defaultShouldRecord;
  const stats: TrackingStats = { recorded: 0, recordFailures: 0, pending: 0 };
  const inFlight = new Set<Promise<void>>();

  function record(input: RecordInput): void {
    stats.pending++;
    let promise: Promise<void>;
    try {
      promise = options.recorder.record(input).then(
        () => {
          stats.recorded++;
        },
        (error: unknown) => {
          stats.recordFailures++;
          options.onError?.(error);
        },
      );
    } catch (error) {
      // A recorder that throws synchronously is still the recorder's problem, not the caller's.
      promise = Promise.resolve();
      stats.recordFailures++;
      options.onError?.(error);
    }
    const settled = promise.finally(() => {
      stats.pending--;
      inFlight.delete(settled);
    });
    inFlight.add(settled);
  }

  function eventBase(info: RequestInfo, attribution: Attribution | undefined, startedAt: number, provider: string | undefined): RecordInput {
    return {
      ...attribution,
      time: startedAt,
      provider,
      requestedModel: info.model,
      model: info.model,
    };
  }

  function withResult(base: RecordInput, result: UsageResult): RecordInput {
    return {
      ...base,
      // A provider named in the options wins over one guessed from the body.
      provider: base.provider ?? result.provider,
      model: result.model ?? base.model,
      usage: result.usage,
      usageUnavailableReason: result.usage === undefined ? (result.usageUnavailableReason ?? 'no usage in the response') : undefined,
      rawUsage: result.rawUsage,
      providerCost: result.providerCost,
      estimated: result.estimated,
    };
  }

  /** Wraps the body so every chunk reaches the caller as it arrives and the meter sees it too. */
  function meteredBody(
    body: ReadableStream<Uint8Array>,
    meter: UsageMeter,
    onChunk: (() => void) | undefined,
    onEnd: (outcome: 'done' | 'cut' | 'cancelled', error?: unknown, firstChunkAt?: number) => void,
  ): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    let firstChunkAt: number | undefined;
    let settled = false;
    const settle = (outcome: 'done' | 'cut' | 'cancelled', error?: unknown): void => {
      if (settled) return;
      settled = true;
      onEnd(outcome, error, firstChunkAt);
    };
    return new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch (error) {
            controller.error(error);
            settle('cut', error);
            return;
          }
          if (chunk.done) {
            controller.close();
            settle('done');
            return;
          }
          firstChunkAt ??= clock();
          // Hand the chunk on first: metering never delays the caller.
          controller.enqueue(chunk.value);
          onChunk?.();
          meter.write(chunk.value);
        },
        async cancel(reason) {
          settle('cancelled', reason);
          await reader.cancel(reason);
        },
      },
      // Pull only when the caller reads: no read-ahead buffer, the caller's pace is the upstream's.
      { highWaterMark: 0 },
    );
  }

  async function trackedFetch(attribution: Attribution | undefined, input: string | URL | Request, init?: RequestInit, extras?: TrackOptions): Promise<Response> {
    const info = requestInfo(input, init);
    if (!shouldRecord(info)) return innerFetch(input, init);
    const startedAt = now();
    const start = clock();
    const provider = extras?.provider ?? options.provider;
    const base = eventBase(info, attribution, startedAt, provider);
    let response: Response;
    try {
      response = await innerFetch(input, init);
    } catch (error) {
      record({
        ...base,
        durationMs: clock() - start,
        status: 'error',
        error: { type: networkErrorType(error), message: errorMessage(error) },
        usageUnavailableReason: 'the request failed before a response',
      });
      throw error;
    }
    const headersAt = clock();
    if (!response.ok) {
      const classified = providerErrorFromStatus(response.status, `HTTP ${response.status}`);
      const error: EventError = { type: classified.name, status: response.status, message: `HTTP ${response.status} ${response.statusText}`.trim() };
      record({ ...base, durationMs: headersAt - start, status: 'error', error, usageUnavailableReason: `the provider answered ${response.status}` });
      return response;
    }
    if (response.body === null) {
      record(withResult({ ...base, durationMs: headersAt - start, status: 'ok' }, unavailable('the response had no body')));
      return response;
    }
    const contentType = response.headers.get('content-type') ?? '';
    const streaming = isStreamContentType(contentType);
    const hint: FormatHint = { url: info.url, model: info.model, provider };
    const meter = createMeter(hint, contentType);
    const body = meteredBody(response.body, meter, extras?.onChunk, (outcome, reason, firstChunkAt) => {
      const end = clock();
      extras?.onEnd?.();
      let result: UsageResult;
      try {
        result = meter.end();
      } catch (error) {
        result = unavailable(`metering failed: ${errorMessage(error)}`, hint);
      }
      const timing = { durationMs: end - start, timeToFirstTokenMs: streaming && firstChunkAt !== undefined ? firstChunkAt - start : undefined };
      if (outcome === 'done') {
        record(withResult({ ...base, ...timing, status: 'ok' }, result));
      } else {
        const error: EventError =
          outcome === 'cancelled'
            ? { type: 'AbortError', message: 'the caller stopped reading the response' }
            : { type: networkErrorType(reason), message: `response body cut: ${errorMessage(reason)}` };
        record(withResult({ ...base, ...timing, status: 'error', error }, result));
      }
    });
    const tracked = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    // `new Response` drops these; SDKs read `url` for messages and logs.
    Object.defineProperty(tracked, 'url', { value: response.url });
    Object.defineProperty(tracked, 'redirected', { value: response.redirected });
    return tracked;
  }

  const tracking = ((input: string | URL | Request, init?: RequestInit) => trackedFetch(options.attribution, input, init)) as TrackingFetch;
  Object.defineProperties(tracking, {
    track: {
      value: (input: string | URL | Request, init: RequestInit | undefined, extras: TrackOptions): Promise<Response> =>
        trackedFetch(extras.attribution === undefined ? options.attribution : mergeAttribution(options.attribution, extras.attribution), input, init, extras),
    },
    withAttribution: {
      value: (attribution: Attribution): Fetch => {
        const merged = mergeAttribution(options.attribution, attribution);
        return ((input: string | URL | Request, init?: RequestInit) => trackedFetch(merged, input, init)) as Fetch;
      },
    },
    flush: {
      value: async (): Promise<void> => {
        while (inFlight.size > 0) await Promise.all([...inFlight]);
      },
    },
    stats: { get: () => ({ ...stats }) },
  });
  return tracking;
}
