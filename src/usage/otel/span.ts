/**
 * One OpenTelemetry span as the span-to-event mapper reads it: decoded from OTLP (protobuf or
 * JSON) by the receiver, independent of either wire form. Ids are lower-case hex, times epoch
 * milliseconds (with sub-millisecond fractions), attributes a Map (a key such as `__proto__`
 * is just a key).
 *
 * @module
 */

/** An attribute value: OTLP's AnyValue (an int64 too large for a double stays a decimal string). */
export type OtelValue =
  | string
  | number
  | boolean
  | Uint8Array
  | readonly OtelValue[]
  | ReadonlyMap<string, OtelValue>
  | undefined;

export type OtelAttributes = ReadonlyMap<string, OtelValue>;

/** OTLP SpanKind (trace.proto): 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
export type OtelSpanKind = 0 | 1 | 2 | 3 | 4 | 5;

/** OTLP Status.StatusCode: 0 unset, 1 ok, 2 error. */
export type OtelStatusCode = 0 | 1 | 2;

export interface OtelSpanEvent {
  name: string;
  timeMs: number;
  attributes: OtelAttributes;
}

/** The resource and instrumentation scope a span came with (shared by the spans of one batch). */
export interface OtelOrigin {
  resource: OtelAttributes;
  scopeName: string;
  scopeVersion: string;
}

export interface OtelSpan {
  /** 32 hex digits; empty when the span carried none (such a span cannot become an event). */
  traceId: string;
  /** 16 hex digits; empty when missing. */
  spanId: string;
  /** 16 hex digits, or undefined for a root span. */
  parentSpanId: string | undefined;
  name: string;
  kind: OtelSpanKind;
  /** Epoch ms; 0 when the span carried no start time. */
  startMs: number;
  endMs: number;
  attributes: OtelAttributes;
  events: readonly OtelSpanEvent[];
  status: { code: OtelStatusCode; message: string };
  origin: OtelOrigin;
}

/** A string attribute (non-empty), or undefined. */
export function stringAttribute(attributes: OtelAttributes, key: string): string | undefined {
  const value = attributes.get(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The first of `keys` that holds a non-empty string. */
export function firstString(attributes: OtelAttributes, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = stringAttribute(attributes, key);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The first of `keys` present at all (any type), with the key it was found under. */
export function firstPresent(
  attributes: OtelAttributes,
  keys: readonly string[],
): { key: string; value: OtelValue } | undefined {
  for (const key of keys) {
    if (attributes.has(key)) return { key, value: attributes.get(key) };
  }
  return undefined;
}

/** A finite number attribute (doubles and ints alike), or undefined. */
export function numberAttribute(attributes: OtelAttributes, key: string): number | undefined {
  const value = attributes.get(key);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
