/**
 * One OpenTelemetry span -> one ledger event, or the reason it is none. Pure: the receiver
 * decodes, this decides, the ledger records.
 *
 * - A span that is not a model call (model-call.ts) is skipped: it is accepted and adds nothing.
 * - A model call becomes a `RecordInput`: model and provider (span-identity.ts), usage in our
 *   convention (span-usage.ts), the span's start as the event time (priced at it), its length
 *   as the duration, the time to first chunk where the convention records one, error status,
 *   attribution (span-attribution.ts), a cost the span carries as `providerCost`, the trace
 *   context, and an id derived from the trace and span ids (span-event-id.ts).
 * - A span that cannot be an event at all is rejected: without valid ids a retried batch could
 *   not be told from new calls, and without a start time it has no place in the ledger.
 *   Anything else a span gets wrong is kept with a warning: an unnamed model is `unknown`,
 *   bad counts are unknown, long attribution is cut.
 *
 * @module
 */
import type { RecordInput, TraceContext } from '../../types/index.js';
import { capped, readSpanAttribution, SPAN_NAME_LIMIT } from './span-attribution.js';
import { spanEventId } from './span-event-id.js';
import { readSpanIdentity } from './span-identity.js';
import { readSpanUsage } from './span-usage.js';
import { classifySpan, type SpanConvention } from './model-call.js';
import { firstPresent, numberAttribute, type OtelSpan, stringAttribute } from './span.js';

export interface SpanCall {
  kind: 'call';
  convention: SpanConvention;
  input: RecordInput & { id: string; trace: TraceContext };
}

export type SpanVerdict = SpanCall | { kind: 'skip'; reason: string } | { kind: 'reject'; reason: string };

export interface MapSpanContext {
  /** The agent of the span's nearest ancestor that names one (asked only when the span names none). */
  parentAgent?: (span: OtelSpan) => string | undefined;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZEROS = /^0+$/;
/** 9999-12-31T23:59:59.999Z, the last time an event can have (validate.ts). */
const LATEST_MS = 253_402_300_799_999;
const COST_KEYS = ['gen_ai.usage.cost', 'llm.cost.total', 'operation.cost'];
const UNKNOWN = 'unknown';

export function mapOtelSpan(span: OtelSpan, context: MapSpanContext = {}): SpanVerdict {
  const verdict = classifySpan(span);
  if (!verdict.call) return { kind: 'skip', reason: verdict.reason };
  if (!TRACE_ID.test(span.traceId) || ZEROS.test(span.traceId))
    return { kind: 'reject', reason: 'a model-call span without a valid traceId (16 bytes, not all zero)' };
  if (!SPAN_ID.test(span.spanId) || ZEROS.test(span.spanId))
    return { kind: 'reject', reason: 'a model-call span without a valid spanId (8 bytes, not all zero)' };
  if (!Number.isFinite(span.startMs) || span.startMs <= 0 || span.startMs > LATEST_MS)
    return { kind: 'reject', reason: 'a model-call span without a start time (startTimeUnixNano)' };

  const warnings: string[] = [];
  const { attributes } = span;
  const identity = readSpanIdentity(attributes, verdict.convention);
  if (identity.model === undefined) warnings.push('the span names no model; recorded as model "unknown"');
  if (identity.provider === undefined) warnings.push('the span names no provider; recorded as provider "unknown"');
  const provider = capped(identity.provider ?? UNKNOWN, SPAN_NAME_LIMIT, 'provider', warnings);
  const model = capped(identity.model ?? UNKNOWN, SPAN_NAME_LIMIT, 'model', warnings);
  const read = readSpanUsage(attributes, verdict.convention, { provider, embedding: isEmbedding(span) });
  warnings.push(...read.warnings);
  const attribution = readSpanAttribution(span, context.parentAgent, warnings);

  const input: SpanCall['input'] = {
    id: spanEventId(span.traceId, span.spanId, span.startMs),
    time: span.startMs,
    provider,
    model,
    ...attribution,
    trace: { traceId: span.traceId, spanId: span.spanId },
  };
  if (identity.requestedModel !== undefined)
    input.requestedModel = capped(identity.requestedModel, SPAN_NAME_LIMIT, 'requestedModel', warnings);
  if (read.usage !== undefined) input.usage = read.usage;
  else input.usageUnavailableReason = read.reason ?? 'the span carries no token counts';
  if (read.rawUsage !== undefined) input.rawUsage = read.rawUsage;
  if (span.endMs >= span.startMs) input.durationMs = span.endMs - span.startMs;
  const ttft = timeToFirstChunkMs(span);
  if (ttft !== undefined) input.timeToFirstTokenMs = ttft;
  const failure = spanError(span);
  if (failure !== undefined) {
    input.status = 'error';
    input.error = failure;
  }
  const cost = providerCost(span, warnings);
  if (cost !== undefined) input.providerCost = cost;
  if (warnings.length > 0) input.warnings = warnings;
  return { kind: 'call', convention: verdict.convention, input };
}

function isEmbedding(span: OtelSpan): boolean {
  const { attributes } = span;
  return (
    stringAttribute(attributes, 'gen_ai.operation.name') === 'embeddings' ||
    stringAttribute(attributes, 'openinference.span.kind')?.toUpperCase() === 'EMBEDDING' ||
    stringAttribute(attributes, 'ai.operationId')?.endsWith('.doEmbed') === true ||
    stringAttribute(attributes, 'llm.request.type')?.startsWith('embedding') === true
  );
}

/**
 * Where the conventions record it: GenAI `gen_ai.response.time_to_first_chunk` (seconds; ai 7's
 * @ai-sdk/otel writes it under the metric's name, `gen_ai.client.operation.time_to_first_chunk`), the
 * AI SDK's `ai.response.msToFirstChunk` / `ai.stream.msToFirstChunk` (ms) or its
 * `ai.stream.firstChunk` span event.
 */
function timeToFirstChunkMs(span: OtelSpan): number | undefined {
  const { attributes } = span;
  const seconds =
    numberAttribute(attributes, 'gen_ai.response.time_to_first_chunk') ??
    numberAttribute(attributes, 'gen_ai.client.operation.time_to_first_chunk');
  let ms =
    seconds === undefined
      ? (numberAttribute(attributes, 'ai.response.msToFirstChunk') ??
        numberAttribute(attributes, 'ai.stream.msToFirstChunk'))
      : seconds * 1000;
  if (ms === undefined) {
    const first = span.events.find((event) => event.name === 'ai.stream.firstChunk');
    if (first !== undefined) ms = first.timeMs - span.startMs;
  }
  return ms !== undefined && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

function spanError(span: OtelSpan): RecordInput['error'] {
  const type = stringAttribute(span.attributes, 'error.type');
  if (span.status.code !== 2 && type === undefined) return undefined;
  const status = numberAttribute(span.attributes, 'http.response.status_code');
  const error: NonNullable<RecordInput['error']> = {
    type: (type ?? 'SpanError').slice(0, 128),
    message: span.status.message === '' ? 'the span ended with status ERROR' : span.status.message,
  };
  if (status !== undefined && Number.isInteger(status) && status >= 100 && status <= 599) error.status = status;
  return error;
}

function providerCost(span: OtelSpan, warnings: string[]): number | undefined {
  const found = firstPresent(span.attributes, COST_KEYS);
  if (found === undefined) return undefined;
  if (typeof found.value === 'number' && Number.isFinite(found.value) && found.value >= 0) return found.value;
  warnings.push(`${found.key} is not a non-negative number of USD; ignored`);
  return undefined;
}
