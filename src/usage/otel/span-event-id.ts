/**
 * The event id of a span: the same span always gets the same id, so an exporter that retries a
 * batch (OTLP clients do: the specification calls duplicates "a deliberate choice") stores
 * each call once, the store ignoring ids it already has. The id is a ULID like every other
 * event id, sortable by time: its time part is the span's start, its 80 random bits the first
 * 16 bytes of SHA-256(trace id, span id), one Crockford base32 digit each.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { ulid } from 'ulid';

export function spanEventId(traceId: string, spanId: string, startMs: number): string {
  const digest = createHash('sha256').update(`${traceId}:${spanId}`).digest();
  let next = 0;
  // ulid() draws one digit per call: floor(prng() * 32), so a byte / 256 picks its top 5 bits.
  return ulid(Math.floor(startMs), () => (digest[next++ % digest.length] as number) / 256);
}

/** The 16 digits of a span event id that come from its trace and span id (the rest is time). */
const SPAN_PART = 10;

/** True when `id` is the event id of span `spanId` in `traceId` (whatever its start time). */
export function isSpanEventId(id: string, traceId: string, spanId: string): boolean {
  return id.length === 26 && id.slice(SPAN_PART) === spanEventId(traceId, spanId, 0).slice(SPAN_PART);
}
