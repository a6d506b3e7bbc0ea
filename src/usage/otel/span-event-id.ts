/**
 * The event id of a span: the same span always gets the same id, so an exporter that retries a
 * batch (OTLP clients do: the specification calls duplicates "a deliberate choice") stores
 * each call once (derived-event-id.ts): its time part is the span's start, the rest comes from
 * SHA-256(trace id, span id).
 *
 * @module
 */
import { derivedEventId } from '../derived-event-id.js';

export function spanEventId(traceId: string, spanId: string, startMs: number): string {
  return derivedEventId(`${traceId}:${spanId}`, startMs);
}

/** The 16 digits of a span event id that come from its trace and span id (the rest is time). */
const SPAN_PART = 10;

/** True when `id` is the event id of span `spanId` in `traceId` (whatever its start time). */
export function isSpanEventId(id: string, traceId: string, spanId: string): boolean {
  return id.length === 26 && id.slice(SPAN_PART) === spanEventId(traceId, spanId, 0).slice(SPAN_PART);
}
