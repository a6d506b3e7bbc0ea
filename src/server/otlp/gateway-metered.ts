/**
 * No double counting with the gateway. An app whose calls go through tokenledger's gateway and
 * that also exports its spans here describes each call twice: the gateway metered it (and kept
 * the request's `traceparent` on the event), and the app's model-call span arrives later. The
 * span is then linked to the gateway's event, not recorded again.
 *
 * The `traceparent` names the span active when the request left the app: the model-call span
 * itself, or, when an HTTP client instrumentation wraps the request, an HTTP span whose parent
 * is the model-call span. So a call is already metered when an event stored in its trace has
 * the call's span id or the id of one of its child spans in the request, and is not the
 * span's own event (a retried export, which the store ignores by id).
 *
 * @module
 */
import type { RecordInput } from '../../types/index.js';
import type { Store } from '../../store/index.js';
import { isSpanEventId, type OtelSpan, type SpanCall } from '../../usage/index.js';

/** Store.traceSpans takes at most this many trace ids a call. */
const TRACE_IDS_PER_QUERY = 1000;

export interface MeteredSplit {
  /** The calls to record. */
  fresh: RecordInput[];
  /** Calls the gateway already metered: span id -> the gateway's event id. */
  linked: Map<string, string>;
}

export async function splitGatewayMetered(
  store: Store,
  calls: readonly SpanCall['input'][],
  spans: readonly OtelSpan[],
): Promise<MeteredSplit> {
  const split: MeteredSplit = { fresh: [], linked: new Map() };
  if (calls.length === 0) return split;
  const traceIds = [...new Set(calls.map((call) => call.trace.traceId))];
  // span key (trace:span) -> event id of an event stored there by another path than OTLP.
  const meteredAt = new Map<string, string>();
  for (let start = 0; start < traceIds.length; start += TRACE_IDS_PER_QUERY) {
    for (const row of await store.traceSpans(traceIds.slice(start, start + TRACE_IDS_PER_QUERY)))
      if (!isSpanEventId(row.id, row.traceId, row.spanId)) meteredAt.set(`${row.traceId}:${row.spanId}`, row.id);
  }
  if (meteredAt.size === 0) {
    split.fresh.push(...calls);
    return split;
  }
  const children = new Map<string, string[]>();
  for (const span of spans) {
    if (span.parentSpanId === undefined) continue;
    const key = `${span.traceId}:${span.parentSpanId}`;
    const list = children.get(key);
    if (list === undefined) children.set(key, [span.spanId]);
    else list.push(span.spanId);
  }
  for (const call of calls) {
    const { traceId, spanId } = call.trace;
    const own = `${traceId}:${spanId}`;
    const candidates = [own, ...(children.get(own) ?? []).map((child) => `${traceId}:${child}`)];
    const gatewayEvent = candidates.map((key) => meteredAt.get(key)).find((id) => id !== undefined);
    if (gatewayEvent === undefined) split.fresh.push(call);
    else split.linked.set(spanId, gatewayEvent);
  }
  return split;
}
