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
import type { Attribution, Logger } from '../types/index.js';
import { createIncludeUsageFilter, providerFromHint, refusesIncludeUsage } from '../usage/index.js';
import { createExchangeTracker, type Exchange, type TrackingStats, type UsageRecorder } from './exchange.js';
import type { CreateUsageMeter } from './meter.js';
import { requestInfo, type RequestInfo } from './request-info.js';
import {
  createRefusalNotice,
  DEFAULT_STREAM_USAGE_MODE,
  isChatCompletionsUrl,
  withStreamUsageAsked,
  type StreamUsageMode,
} from './stream-usage.js';

type Fetch = typeof fetch;

export type { TrackingStats, UsageRecorder } from './exchange.js';

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
  /**
   * `inject`: a chat stream to a provider that sends usage only when asked gets
   * `stream_options.include_usage` spliced into its body, and what that adds is removed from the
   * response the caller reads; `off`: requests go out exactly as given.
   * @default 'inject'
   */
  streamUsage?: StreamUsageMode;
  /** Told (once per provider and route) when a provider refuses the added option. */
  logger?: Logger;
}

/** Per-call extras for {@link TrackingFetch.track}. */
export interface TrackOptions {
  /** Attribution merged over the configured one (tags merged). */
  attribution?: Attribution;
  /** Provider id for this call, winning over the configured one. */
  provider?: string;
}

export interface TrackingFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** One tracked call with per-call extras. */
  track(input: string | URL | Request, init: RequestInit | undefined, options: TrackOptions): Promise<Response>;
  /** The same tracking fetch with more attribution merged over the configured one (tags merged). */
  withAttribution(attribution: Attribution): Fetch;
  /** Resolves once every recording started so far has settled. */
  flush(): Promise<void>;
  readonly stats: Readonly<TrackingStats>;
}

const defaultShouldRecord = (info: RequestInfo): boolean =>
  info.method !== 'GET' && info.method !== 'HEAD' && info.method !== 'OPTIONS';

export function mergeAttribution(base: Attribution | undefined, extra: Attribution): Attribution {
  if (base === undefined) return extra;
  return {
    agent: extra.agent ?? base.agent,
    run: extra.run ?? base.run,
    tags: base.tags === undefined ? extra.tags : extra.tags === undefined ? base.tags : { ...base.tags, ...extra.tags },
  };
}

/** The request with stream_options.include_usage spliced into its body, when it is one to ask. */
/** A body given as text or bytes, as bytes; `undefined` for streams, forms and blobs (left unread). */
function bodyBytes(body: RequestInit['body']): Uint8Array | undefined {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return undefined;
}

function withUsageAsked(
  provider: string | undefined,
  url: string,
  init: RequestInit | undefined,
  bytes: Uint8Array | undefined,
): RequestInit | undefined {
  const body = init?.body;
  if (bytes === undefined) return undefined;
  const asked = withStreamUsageAsked('inject', provider, url, bytes);
  if (asked === undefined) return undefined;
  const headers = new Headers(init?.headers);
  if (headers.has('content-length')) headers.set('content-length', String(asked.length));
  const sent: BodyInit = typeof body === 'string' ? new TextDecoder().decode(asked) : new Uint8Array(asked);
  return { ...init, headers, body: sent };
}

export function createTrackingFetch(options: TrackingFetchOptions): TrackingFetch {
  const innerFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const shouldRecord = options.shouldRecord ?? defaultShouldRecord;
  const tracker = createExchangeTracker(options);
  const streamUsage = options.streamUsage ?? DEFAULT_STREAM_USAGE_MODE;
  const noteRefusal = createRefusalNotice(options.logger);

  /** Wraps the body so every chunk reaches the caller as it arrives and the exchange sees it too. */
  function meteredBody(
    body: ReadableStream<Uint8Array>,
    exchange: Exchange,
    removeAddedUsage: boolean,
  ): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    // The caller reads the stream it asked for; the meter sees every byte the provider sent.
    const filter = removeAddedUsage ? createIncludeUsageFilter() : undefined;
    return new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          for (;;) {
            let chunk: ReadableStreamReadResult<Uint8Array>;
            try {
              chunk = await reader.read();
            } catch (error) {
              controller.error(error);
              exchange.end('cut', error);
              return;
            }
            if (chunk.done) {
              const rest = filter?.end();
              if (rest !== undefined && rest.length > 0) controller.enqueue(rest);
              controller.close();
              exchange.end('done');
              return;
            }
            const kept = filter === undefined ? chunk.value : filter.write(chunk.value);
            // Hand the chunk on first: metering never delays the caller.
            if (kept.length > 0) controller.enqueue(kept);
            exchange.chunk(chunk.value);
            // A chunk held back whole (part of an event) gives the caller nothing yet: read on.
            if (kept.length > 0) return;
          }
        },
        async cancel(reason) {
          exchange.end('cancelled', reason);
          await reader.cancel(reason);
        },
      },
      // Pull only when the caller reads: no read-ahead buffer, the caller's pace is the upstream's.
      { highWaterMark: 0 },
    );
  }

  async function trackedFetch(
    attribution: Attribution | undefined,
    input: string | URL | Request,
    init?: RequestInit,
    extras?: TrackOptions,
  ): Promise<Response> {
    const info = requestInfo(input, init);
    if (!shouldRecord(info)) return innerFetch(input, init);
    const provider = extras?.provider ?? options.provider;
    const routeProvider = providerFromHint({ provider, url: info.url });
    const sentBytes = isChatCompletionsUrl(info.url) ? bodyBytes(init?.body) : undefined;
    const askedInit = streamUsage === 'off' ? undefined : withUsageAsked(routeProvider, info.url, init, sentBytes);
    let asking = askedInit !== undefined;
    // Not asked for usage: if none comes, it is estimated from the body and the answer.
    const estimateFrom = !asking && isChatCompletionsUrl(info.url) ? sentBytes : undefined;
    const exchange = tracker.begin({ url: info.url, model: info.model, provider, attribution, estimateFrom });
    let response: Response;
    try {
      response = await innerFetch(input, askedInit ?? init);
      if (asking && (response.status === 400 || response.status === 422)) {
        // Refused because of the option we added? Then once more, as the caller sent it.
        if (refusesIncludeUsage(response.status, await response.clone().text())) {
          asking = false;
          noteRefusal(routeProvider ?? 'unknown', new URL(info.url).pathname);
          exchange.retry();
          if (sentBytes !== undefined) exchange.estimateFrom(sentBytes);
          await response.body?.cancel();
          response = await innerFetch(input, init);
        }
      }
    } catch (error) {
      exchange.fail(error);
      throw error;
    }
    const metered = exchange.respond(response.status, response.statusText, response.headers.get('content-type') ?? '');
    if (!metered) return response;
    if (response.body === null) {
      exchange.end('done');
      return response;
    }
    const headers = new Headers(response.headers);
    // The caller gets fewer bytes than the provider sent.
    if (asking) headers.delete('content-length');
    const tracked = new Response(meteredBody(response.body, exchange, asking), {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
    // `new Response` drops these; SDKs read `url` for messages and logs.
    Object.defineProperty(tracked, 'url', { value: response.url });
    Object.defineProperty(tracked, 'redirected', { value: response.redirected });
    return tracked;
  }

  const tracking = ((input: string | URL | Request, init?: RequestInit) =>
    trackedFetch(options.attribution, input, init)) as TrackingFetch;
  Object.defineProperties(tracking, {
    track: {
      value: (input: string | URL | Request, init: RequestInit | undefined, extras: TrackOptions): Promise<Response> =>
        trackedFetch(
          extras.attribution === undefined
            ? options.attribution
            : mergeAttribution(options.attribution, extras.attribution),
          input,
          init,
          extras,
        ),
    },
    withAttribution: {
      value: (attribution: Attribution): Fetch => {
        const merged = mergeAttribution(options.attribution, attribution);
        return ((input: string | URL | Request, init?: RequestInit) => trackedFetch(merged, input, init)) as Fetch;
      },
    },
    flush: { value: () => tracker.flush() },
    stats: { get: () => tracker.stats },
  });
  return tracking;
}
