/**
 * `POST /v1/traces`: an OTLP/HTTP trace receiver. Any app that exports OpenTelemetry spans
 * (any language, any SDK) can point its exporter here; the spans that are model calls become
 * ledger events, priced like every other (otlp/map-batch.ts, usage/otel/).
 *
 * - Encodings: `application/x-protobuf` and `application/json`, gzip or not; answers in the
 *   request's encoding (otlp/response.ts).
 * - Guarded by the ingest key, like `/v1/usage` (`x-tokenledger-key` or `Authorization: Bearer`,
 *   which OTel SDKs send from `OTEL_EXPORTER_OTLP_HEADERS`).
 * - 200 only once every recorded call is durable: the exporter's retry is what makes an outage
 *   loss-free, and event ids derived from the span make the retry idempotent. Durable means, with
 *   the spool `tokenledger serve` always has on a SQLite or PostgreSQL store: appended to the
 *   spool (one write(2) before the answer: it survives SIGKILL of the server, not a power loss,
 *   the guarantee a SQLite commit with synchronous=NORMAL gives; the drain stores the events, and
 *   the next start replays what a killed process left). Without a spool (a library app, a
 *   `memory:` store): in the store. The store's insert is then off the acknowledgement's path.
 * - 400 for a body that does not decode, 413 past `maxOtlpBodyBytes` (after decompression),
 *   415 for another content type, 429 with Retry-After when `maxOtlpPendingSpans` events already
 *   wait for the store (in flight here, or in the spool), 503 with Retry-After when the store
 *   fails (no spool, or linking to gateway events cannot read it) or the spool refuses the
 *   events (full, disk failing); none of them stores anything (a 503 may leave some calls
 *   stored: the retry finds them and stores the rest).
 * - A span that cannot be an event is counted in `partialSuccess.rejectedSpans` (exporters do
 *   not retry those); warnings on accepted spans go in `partialSuccess.errorMessage`.
 *
 * @module
 */
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { UsageEvent } from '../../types/index.js';
import type { OtelSpan } from '../../usage/index.js';
import type { ServerDeps, ServerLimits } from '../deps.js';
import type { OtlpSpanOutcomes } from '../metrics.js';
import { errorResponse } from '../error-response.js';
import { HttpError } from '../http-error.js';
import { requireKey, type RequireKeyOptions } from '../middleware/auth.js';
import { decodeTraceRequest, OtlpDecodeError, type OtlpEncoding } from '../otlp/decode.js';
import { splitGatewayMetered } from '../otlp/gateway-metered.js';
import { mapSpanBatch, type BatchVerdicts } from '../otlp/map-batch.js';
import { readOtlpBody } from '../otlp/request-body.js';
import { encodingOf, exportAnswer, statusAnswer, type OtlpAnswer } from '../otlp/response.js';

export interface OtlpRouteOptions {
  limits: ServerLimits;
  /** The ingest key check, as `/v1/usage` has it. */
  access: RequireKeyOptions;
  /** Told about the events recorded from a request's spans (metrics). */
  onEvents?: (events: readonly UsageEvent[]) => void;
  /**
   * Writes the gateway's pending recordings in these traces, so that a span for a call the
   * gateway just metered finds its event (otlp/gateway-metered.ts).
   */
  flushGateway?: (traceIds: ReadonlySet<string>) => Promise<void>;
  /** Told what became of each request's spans (metrics). */
  onSpans?: (outcomes: OtlpSpanOutcomes) => void;
}

const RETRY_AFTER_SECONDS: Partial<Record<number, string>> = { 429: '1', 503: '5' };
const MAX_MESSAGE_ITEMS = 5;

function send(c: Context, status: number, answer: OtlpAnswer): Response {
  const headers: Record<string, string> = { 'content-type': answer.contentType };
  const retryAfter = RETRY_AFTER_SECONDS[status];
  if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
  return c.body(answer.body as never, status as ContentfulStatusCode, headers);
}

/** One English sentence per kind of problem, most frequent first, as OTLP asks (error_message). */
function summary(verdicts: BatchVerdicts, validationRejects: string[]): string {
  const reasons = new Map<string, number>();
  for (const { reason } of verdicts.rejected) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  for (const reason of validationRejects) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  const parts: string[] = [];
  const list = (counts: Map<string, number>, what: string): void => {
    const sorted = [...counts].sort((a, b) => b[1] - a[1]);
    const shown = sorted.slice(0, MAX_MESSAGE_ITEMS).map(([text, n]) => (n > 1 ? `${text} (x${n})` : text));
    if (sorted.length > MAX_MESSAGE_ITEMS) shown.push(`${sorted.length - MAX_MESSAGE_ITEMS} more`);
    if (shown.length > 0) parts.push(`${what}: ${shown.join('; ')}`);
  };
  list(reasons, 'rejected');
  list(verdicts.warnings, 'kept with warnings');
  return parts.join('. ').slice(0, 2000);
}

export function createOtlpTraceRoutes(deps: ServerDeps, options: OtlpRouteOptions): Hono {
  const { limits } = options;
  let pendingSpans = 0;
  const app = new Hono();
  app.onError((error, c) => {
    const { status, body } = errorResponse(error, deps.logger, c.req.path);
    return send(c, status, statusAnswer(encodingOf(c.req.header('content-type')) ?? 'json', status, body));
  });
  app.use('*', requireKey(options.access));
  app.post('/', async (c) => {
    const encoding: OtlpEncoding | undefined = encodingOf(c.req.header('content-type'));
    if (encoding === undefined)
      throw new HttpError(
        415,
        'unsupported_media_type',
        'Content-Type must be application/x-protobuf or application/json',
        {
          field: 'content-type',
        },
      );
    const body = await readOtlpBody(c, limits.maxOtlpBodyBytes);
    let spans: OtelSpan[];
    try {
      spans = decodeTraceRequest(body, encoding);
    } catch (error) {
      if (error instanceof OtlpDecodeError) throw new HttpError(400, 'invalid_otlp', error.message, { field: 'body' });
      throw error;
    }
    const verdicts = mapSpanBatch(spans);
    const calls = verdicts.calls;
    const waiting = pendingSpans + (deps.ledger.stats().spool?.pending ?? 0);
    // One request is always let through, however large, or a batch above the limit would be refused forever.
    if (waiting > 0 && waiting + calls.length > limits.maxOtlpPendingSpans)
      throw new HttpError(429, 'too_many_pending', `${waiting} events are waiting for the store; retry shortly`);
    pendingSpans += calls.length;
    let recorded: UsageEvent[] = [];
    const validationRejects: string[] = [];
    let linked = 0;
    try {
      if (calls.length > 0) await options.flushGateway?.(new Set(calls.map((call) => call.trace.traceId)));
      const { fresh, linked: metered } = await splitGatewayMetered(deps.store, calls, spans);
      linked = metered.size;
      if (linked > 0) deps.logger.debug('OTLP spans linked to gateway events', { spans: linked });
      if (fresh.length > 0) {
        const result = await deps.ledger.recordMany(fresh, { failOpen: false, fit: true, durableAt: 'spool' });
        recorded = result.events;
        for (const { error } of result.rejected) validationRejects.push(error.message);
      }
    } finally {
      pendingSpans -= calls.length;
    }
    const rejected = verdicts.rejected.length + validationRejects.length;
    const outcomes: OtlpSpanOutcomes = { recorded: recorded.length, linked, skipped: verdicts.skipped, rejected };
    // The metrics are told once the answer is on its way: observing a thousand events (a label
    // lookup and a histogram per metric and event) took ~1.6 ms of a 1,000-span batch's
    // acknowledgement, which waits only for the spans to be safe. setImmediate runs in the same
    // turn of the event loop, after the answer's write and before the next request is read, so
    // /metrics asked after the answer counts its events.
    setImmediate(() => {
      if (recorded.length > 0) options.onEvents?.(recorded);
      options.onSpans?.(outcomes);
    });
    return send(c, 200, exportAnswer(encoding, rejected, summary(verdicts, validationRejects)));
  });
  return app;
}
