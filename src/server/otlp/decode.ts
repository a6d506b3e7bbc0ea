/**
 * An OTLP/HTTP trace export body -> the spans it carries, as the mapper reads them (OtelSpan).
 * Both encodings go through the one schema (proto/otlp-traces.proto):
 *
 * - `application/x-protobuf`: decoded by protobufjs static code generated from the schema
 *   (proto/otlp-traces_pbjs.js, `bash scripts/gen-otlp.sh`): a switch per message instead of
 *   @bufbuild/protobuf's reflective reader, which cost about half of the receiver's decode time
 *   (bench/otlp.ts). Unknown fields are skipped (newer exporters add fields; the receiver must
 *   read them as if absent); nesting deeper than protobufjs's recursion limit is refused.
 * - `application/json`: the proto3 JSON mapping with OTLP's deviations (opentelemetry-proto
 *   docs/specification.md, "JSON Protobuf Encoding"): trace and span ids are hex, not base64
 *   (so they are turned into the bytes the schema expects before the JSON reader sees them),
 *   enums are integers, int64 values come as strings or numbers, unknown fields are ignored.
 *   @bufbuild/protobuf's JSON reader checks it (its errors name the field), then the message is
 *   written in the binary encoding and read like a protobuf body: one path from message to span.
 *
 * A body that does not decode is an `OtlpDecodeError` (a 400 naming the reason). A span whose
 * ids are malformed still decodes, with empty ids: the mapper rejects that span alone.
 *
 * @module
 */
import { fromJson, type JsonValue, toBinary } from '@bufbuild/protobuf';
import type {
  OtelAttributes,
  OtelOrigin,
  OtelSpan,
  OtelSpanKind,
  OtelStatusCode,
  OtelValue,
} from '../../usage/index.js';
import { ExportTraceServiceRequestSchema } from './proto/otlp-traces_pb.js';
import { tokenledger } from './proto/otlp-traces_pbjs.js';

// The decoder builds every nested message as its class (defaults on the prototype), though
// pbts types the fields as the optional-everywhere interfaces: the classes are read here.
type Decoded = tokenledger.otlp.v1.ExportTraceServiceRequest;
type DecodedResourceSpans = tokenledger.otlp.v1.ResourceSpans;
type DecodedScopeSpans = tokenledger.otlp.v1.ScopeSpans;
type DecodedSpan = tokenledger.otlp.v1.Span;
type DecodedKeyValue = tokenledger.otlp.v1.IKeyValue;
type DecodedValue = tokenledger.otlp.v1.IAnyValue;
/** protobufjs's 64-bit integer (the `long` package's Long): two 32-bit halves. */
type Int64 = tokenledger.otlp.v1.Span['startTimeUnixNano'];
const { ExportTraceServiceRequest } = tokenledger.otlp.v1;

export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

export type OtlpEncoding = 'protobuf' | 'json';

const MAX_REASON = 300;

function reasonOf(error: unknown): string {
  const text =
    error instanceof RangeError && /call stack/i.test(error.message)
      ? 'too deeply nested'
      : error instanceof Error
        ? error.message
        : 'unreadable';
  return text.slice(0, MAX_REASON);
}

export function decodeTraceRequest(body: Uint8Array, encoding: OtlpEncoding): OtelSpan[] {
  let binary: Uint8Array;
  if (encoding === 'protobuf') binary = body;
  else {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch (error) {
      throw new OtlpDecodeError(`the body is not JSON: ${reasonOf(error)}`);
    }
    try {
      const request = fromJson(ExportTraceServiceRequestSchema, hexIdsToBase64(json) as JsonValue, {
        ignoreUnknownFields: true,
      });
      binary = toBinary(ExportTraceServiceRequestSchema, request);
    } catch (error) {
      throw new OtlpDecodeError(`the body is not an OTLP ExportTraceServiceRequest in JSON: ${reasonOf(error)}`);
    }
  }
  let request: Decoded;
  try {
    // A Buffer view, not a copy: protobufjs then reads strings with Buffer's native UTF-8
    // decoder (twice as fast as its own, which it uses for a plain Uint8Array).
    request = ExportTraceServiceRequest.decode(Buffer.from(binary.buffer, binary.byteOffset, binary.byteLength));
  } catch (error) {
    throw new OtlpDecodeError(`the body is not an OTLP ExportTraceServiceRequest in protobuf: ${reasonOf(error)}`);
  }
  return spansOf(request);
}

function spansOf(request: Decoded): OtelSpan[] {
  const spans: OtelSpan[] = [];
  for (const resourceSpans of request.resourceSpans as DecodedResourceSpans[]) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans as DecodedScopeSpans[]) {
      const origin: OtelOrigin = {
        resource,
        scopeName: scopeSpans.scope?.name ?? '',
        scopeVersion: scopeSpans.scope?.version ?? '',
      };
      // Spans of one trace come together: its id is made into text once.
      let lastTraceBytes: Uint8Array | undefined;
      let lastTraceId = '';
      for (const span of scopeSpans.spans as DecodedSpan[]) {
        let traceId: string;
        if (lastTraceBytes !== undefined && sameBytes(span.traceId, lastTraceBytes)) traceId = lastTraceId;
        else {
          traceId = hexId(span.traceId, 16);
          lastTraceBytes = span.traceId;
          lastTraceId = traceId;
        }
        const status = span.status;
        const code = status?.code;
        spans.push({
          traceId,
          spanId: hexId(span.spanId, 8),
          parentSpanId: span.parentSpanId.length === 8 ? hex(span.parentSpanId) : undefined,
          name: span.name,
          kind: (span.kind >= 0 && span.kind <= 5 ? span.kind : 0) as OtelSpanKind,
          startMs: nanosToMs(span.startTimeUnixNano),
          endMs: nanosToMs(span.endTimeUnixNano),
          attributes: attributesOf(span.attributes),
          events:
            span.events.length === 0
              ? NO_EVENTS
              : span.events.map((event) => ({
                  name: event.name ?? '',
                  timeMs: nanosToMs(event.timeUnixNano),
                  attributes: attributesOf(event.attributes),
                })),
          status: {
            code: (code === 1 || code === 2 ? code : 0) as OtelStatusCode,
            message: status?.message ?? '',
          },
          origin,
        });
      }
    }
  }
  return spans;
}

const NO_EVENTS: readonly OtelSpan['events'][number][] = Object.freeze([]);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hexId(bytes: Uint8Array, length: number): string {
  return bytes.length === length ? hex(bytes) : '';
}

/** A view on the decoded bytes, not a copy (Buffer.from(Uint8Array) copies; three ids a span). */
function hex(bytes: Uint8Array): string {
  return Buffer.isBuffer(bytes)
    ? bytes.toString('hex')
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Epoch nanoseconds (fixed64) -> epoch ms, exact to the microsecond as the ledger keeps it:
 * floor(nanos / 1000) / 1000 computed on the two 32-bit halves (2^32 = 4294967 * 1000 + 296),
 * since the nanoseconds themselves are past a double's exact integers.
 */
function nanosToMs(nanos: Int64 | number | null | undefined): number {
  if (nanos === null || nanos === undefined) return 0;
  if (typeof nanos === 'number') return Math.floor(nanos / 1000) / 1000;
  const high = nanos.high >>> 0;
  const low = nanos.low >>> 0;
  return (high * 4294967 + Math.floor((high * 296 + low) / 1000)) / 1000;
}

function attributesOf(list: readonly DecodedKeyValue[] | null | undefined): OtelAttributes {
  const map = new Map<string, OtelValue>();
  if (list === null || list === undefined) return map;
  for (const pair of list) map.set(pair.key ?? '', anyValue(pair.value));
  return map;
}

/** An int64 as a number where a double holds it exactly, else its decimal text. */
function int64Value(value: Int64 | number): number | string {
  if (typeof value === 'number') return value;
  const n = value.toNumber();
  return Number.isSafeInteger(n) ? n : value.toString();
}

function anyValue(value: DecodedValue | null | undefined): OtelValue {
  if (value === null || value === undefined) return undefined;
  // The oneof's members are null unless set (the generated prototype's defaults), most frequent first.
  if (value.stringValue !== null && value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== null && value.intValue !== undefined) return int64Value(value.intValue);
  if (value.doubleValue !== null && value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== null && value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue !== null && value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(anyValue);
  if (value.kvlistValue !== null && value.kvlistValue !== undefined) return attributesOf(value.kvlistValue.values);
  // A copy: the decoded bytes are a view on the whole request body, which must not live as long as the span.
  if (value.bytesValue !== null && value.bytesValue !== undefined) return new Uint8Array(value.bytesValue);
  return undefined;
}

const HEX = /^[0-9a-fA-F]*$/;

/**
 * OTLP/JSON spells trace and span ids in hex; the proto3 JSON reader expects base64 for bytes.
 * Rewrites them in place on spans and links (the ids OTLP traces carry); an id that is not hex
 * is removed, so its span decodes with an empty id and is rejected on its own.
 */
function hexIdsToBase64(json: unknown): unknown {
  for (const resourceSpans of listAt(json, 'resourceSpans')) {
    for (const scopeSpans of listAt(resourceSpans, 'scopeSpans')) {
      for (const span of listAt(scopeSpans, 'spans')) {
        convertIds(span, ['traceId', 'spanId', 'parentSpanId']);
        for (const link of listAt(span, 'links')) convertIds(link, ['traceId', 'spanId']);
      }
    }
  }
  return json;
}

function listAt(value: unknown, key: string): Record<string, unknown>[] {
  if (typeof value !== 'object' || value === null) return [];
  const list = (value as Record<string, unknown>)[key];
  return Array.isArray(list)
    ? list.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    : [];
}

function convertIds(target: Record<string, unknown>, keys: readonly string[]): void {
  for (const key of keys) {
    const id = target[key];
    if (typeof id !== 'string') continue;
    if (HEX.test(id) && id.length % 2 === 0) target[key] = Buffer.from(id, 'hex').toString('base64');
    else delete target[key];
  }
}
