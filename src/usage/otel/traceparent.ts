/**
 * The W3C `traceparent` header (Trace Context, section 3.2) -> the trace and parent span it
 * names. The gateway keeps it on the event of the call it meters, so that the span the app
 * exports for the same call (over OTLP) is recognized as already counted.
 *
 * Read as the recommendation says a receiver must: lower-case hex only, version `ff` invalid,
 * version `00` exactly four fields, a later version at least those four (its extra fields
 * ignored), neither id all zeros. A header that fails any of these is ignored, never a reason
 * to refuse or drop the call.
 *
 * @module
 */
import type { TraceContext } from '../../types/index.js';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZEROS = /^0+$/;
/** Longer than any traceparent a tracer writes; checked before the regular expression runs. */
const MAX_LENGTH = 512;

export function parseTraceparent(header: string | undefined): TraceContext | undefined {
  if (header === undefined || header.length > MAX_LENGTH) return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (match === null) return undefined;
  const [, version, traceId, spanId, , rest] = match as unknown as [string, string, string, string, string, string?];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ZEROS.test(traceId) || ZEROS.test(spanId)) return undefined;
  return { traceId, spanId };
}
