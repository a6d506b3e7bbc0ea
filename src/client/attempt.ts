/**
 * One HTTP attempt against a provider: build the request, send it under a timeout, turn a
 * failure into the right error class (with secrets redacted), read the text, and meter usage
 * through src/usage (JSON body or raw stream bytes).
 *
 * @module
 */
import {
  AbortError,
  ConnectionError,
  ProviderError,
  TimeoutError,
  providerErrorFromStatus,
  redactSecrets,
} from '../errors/index.js';
import { loadEventsourceParser } from '../lazy/index.js';
import { onAbort } from './abort-listeners.js';
import { createStreamMeter, normalizeResponse } from '../usage/index.js';
import type { UsageResult } from '../types/index.js';
import type { CallTarget } from './target.js';
import type { ProviderCall } from './providers/types.js';
import { parseJsonOrUndefined } from './providers/types.js';
import {
  type Cancellation,
  toWhatwgHeaders,
  type ResponseHeaders,
  type Transport,
  type TransportResponse,
} from './transport.js';

export interface AttemptInput {
  target: CallTarget;
  call: ProviderCall;
  apiKey: string | undefined;
  transport: Transport;
  /** Per attempt; for streams, the longest silence between chunks. */
  timeoutMs: number;
  signal: AbortSignal | undefined;
  now: () => number;
  /** Stream text pieces, as they arrive. */
  onDelta?: (text: string) => void;
}

export interface AttemptOutcome {
  text: string;
  finishReason: string | undefined;
  usage: UsageResult;
  status: number;
  headers: ResponseHeaders;
  durationMs: number;
  timeToFirstTokenMs: number | undefined;
  /** The parsed JSON body (non-stream calls). */
  body: unknown;
}

/** Carries how long the failed attempt took, for its metered event. */
export interface AttemptFailure {
  error: unknown;
  durationMs: number;
}

/**
 * An attempt's cancellation: its timeout, or the caller's signal. What the transport listens
 * on (a {@link Cancellation}), not an AbortController: making one per attempt and listening on
 * its signal (Node's EventTarget) cost a batch's main thread ~15 µs per call.
 */
class AttemptSignal implements Cancellation {
  aborted = false;
  timedOut = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly stopListening: (() => void) | undefined;
  private listeners: (() => void)[] = [];

  constructor(
    private readonly outer: AbortSignal | undefined,
    private readonly timeoutMs: number,
  ) {
    this.stopListening = outer === undefined ? undefined : onAbort(outer, () => this.abort());
    this.arm();
  }

  onAbort(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((each) => each !== listener);
    };
  }

  private abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const called = this.listeners;
    this.listeners = [];
    for (const each of called) each();
  }

  /** (Re)starts the timeout. */
  arm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (!Number.isFinite(this.timeoutMs)) return;
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.abort();
    }, this.timeoutMs);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.stopListening?.();
  }

  /** The error for a failure seen while this attempt ran. */
  translate(error: unknown, secrets: readonly string[], what: string): unknown {
    if (this.outer?.aborted === true) return new AbortError();
    if (this.timedOut) return new TimeoutError(`${what}: no answer within ${this.timeoutMs} ms`);
    if (error instanceof ProviderError) return error;
    const cause =
      error instanceof Error
        ? error.cause instanceof Error
          ? `${error.message}: ${error.cause.message}`
          : error.message
        : String(error);
    return new ConnectionError(`${what}: ${redactSecrets(cause, secrets)}`);
  }
}

function errorFromResponse(
  input: AttemptInput,
  status: number,
  view: ResponseHeaders,
  text: string,
  secrets: readonly string[],
): ProviderError {
  let headers = toWhatwgHeaders(view);
  const parsed = parseJsonOrUndefined(text);
  const message =
    (parsed === undefined ? undefined : input.target.adapter.readErrorMessage(parsed)) ??
    (text.slice(0, 200) || 'no body');
  const bodyDelay = parsed === undefined ? undefined : input.target.adapter.readRetryDelayMs?.(parsed);
  if (bodyDelay !== undefined && headers.get('retry-after-ms') === null && headers.get('retry-after') === null) {
    // The retry policy reads headers; carry a body-only delay there, on a copy.
    headers = new Headers(headers);
    headers.set('retry-after-ms', String(bodyDelay));
  }
  return providerErrorFromStatus(
    status,
    redactSecrets(`${input.target.provider} answered ${status}: ${message}`, secrets),
    {
      headers,
      body: redactSecrets(text, secrets),
      requestId: headers.get('x-request-id') ?? headers.get('request-id') ?? undefined,
    },
  );
}

/** Runs one attempt. Rejects with an {@link AttemptFailure}. */
export async function runAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const { target, call } = input;
  const secrets = input.apiKey === undefined ? [] : [input.apiKey];
  const http = target.adapter.buildCall({
    baseURL: target.baseURL,
    apiKey: input.apiKey,
    call,
    headers: target.headers,
  });
  const what = `${target.provider}/${target.model}`;
  const started = input.now();
  const guard = new AttemptSignal(input.signal, input.timeoutMs);
  const fail = (error: unknown): AttemptFailure => ({
    error: guard.translate(error, secrets, what),
    durationMs: input.now() - started,
  });
  try {
    let response: TransportResponse;
    try {
      response = await input.transport({
        url: http.url,
        headers: http.headers,
        body: http.body,
        cancel: guard,
      });
    } catch (error) {
      throw fail(error);
    }
    if (response.status < 200 || response.status > 299) {
      let text = '';
      try {
        text = await response.text();
      } catch {
        // The error status is what matters; an unreadable body leaves the message short.
      }
      throw fail(errorFromResponse(input, response.status, response.headers, text, secrets));
    }
    const hint = { provider: target.provider, url: http.url, model: target.model };
    if (!call.stream) {
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        throw fail(error);
      }
      const body = parseJsonOrUndefined(text);
      if (body === undefined) {
        throw fail(
          new ProviderError(`${what}: the answer is not valid JSON`, {
            status: response.status,
            headers: toWhatwgHeaders(response.headers),
            body: redactSecrets(text, secrets),
            retryable: false,
          }),
        );
      }
      const read = target.adapter.readText(body);
      return {
        text: read.text,
        finishReason: read.finishReason,
        usage: normalizeResponse(body, hint),
        status: response.status,
        headers: response.headers,
        durationMs: input.now() - started,
        timeToFirstTokenMs: undefined,
        body,
      };
    }
    return await readStream(input, response, hint, started, guard, fail);
  } finally {
    guard.dispose();
  }
}

async function readStream(
  input: AttemptInput,
  response: TransportResponse,
  hint: { provider: string; url: string; model: string },
  started: number,
  guard: AttemptSignal,
  fail: (error: unknown) => AttemptFailure,
): Promise<AttemptOutcome> {
  const meter = createStreamMeter(hint);
  let text = '';
  let firstContentAt: number | undefined;
  const adapter = input.target.adapter;
  const parser = loadEventsourceParser().createParser({
    onEvent(event) {
      const piece = adapter.readStreamText({ event: event.event, data: event.data });
      if (piece !== undefined && piece !== '') {
        text += piece;
        input.onDelta?.(piece);
      }
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const value of response.chunks()) {
      guard.arm();
      meter.write(value);
      // Time to first token: the meter's first content event (text, tool call or reasoning), as
      // on every other path.
      if (firstContentAt === undefined && meter.firstContentAt !== undefined) firstContentAt = input.now();
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    // Cut mid-stream: what arrived is metered by the caller through the failure's usage.
    const failure = fail(error);
    throw Object.assign(failure, { partial: { text, usage: meter.end() } });
  }
  return {
    text,
    finishReason: undefined,
    usage: meter.end(),
    status: response.status,
    headers: response.headers,
    durationMs: input.now() - started,
    timeToFirstTokenMs: firstContentAt === undefined ? undefined : firstContentAt - started,
    body: undefined,
  };
}

export function isAttemptFailure(
  value: unknown,
): value is AttemptFailure & { partial?: { text: string; usage: UsageResult } } {
  return typeof value === 'object' && value !== null && 'error' in value && 'durationMs' in value;
}
