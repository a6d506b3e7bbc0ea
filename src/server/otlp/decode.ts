/**
 * An OTLP/HTTP trace export body -> the spans it carries, as the mapper reads them (OtelSpan).
 * Both encodings go through the one schema (proto/otlp-traces.proto) and @bufbuild/protobuf:
 *
 * - `application/x-protobuf`: the binary encoding, unknown fields skipped (newer exporters add
 *   fields; the receiver must read them as if absent).
 * - `application/json`: the proto3 JSON mapping with OTLP's deviations (opentelemetry-proto
 *   docs/specification.md, "JSON Protobuf Encoding"): trace and span ids are hex, not base64
 *   (so they are turned into the bytes the schema expects before the JSON reader sees them),
 *   enums are integers, int64 values come as strings or numbers, unknown fields are ignored.
 *
 * A body that does not decode is an `OtlpDecodeError` (a 400 naming the reason). A span whose
 * ids are malformed still decodes, with empty ids: the mapper rejects that span alone.
 *
 * @module
 */
import { fromBinary, fromJson, type JsonValue } from '@bufbuild/protobuf';
import type {
  OtelAttributes,
  OtelOrigin,
  OtelSpan,
  OtelSpanKind,
  OtelStatusCode,
  OtelValue,
} from '../../usage/index.js';
import {
  type AnyValue,
  type ExportTraceServiceRequest,
  ExportTraceServiceRequestSchema,
  type KeyValue,
} from './proto/otlp-traces_pb.js';

export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

export type OtlpEncoding = 'protobuf' | 'json';

const MAX_REASON = 300;

function reasonOf(error: unknown): string {
  const text =
    error instanceof RangeError ? 'too deeply nested' : error instanceof Error ? error.message : 'unreadable';
  return text.slice(0, MAX_REASON);
}

export function decodeTraceRequest(body: Uint8Array, encoding: OtlpEncoding): OtelSpan[] {
  let request: ExportTraceServiceRequest;
  if (encoding === 'protobuf') {
    try {
      request = fromBinary(ExportTraceServiceRequestSchema, body, { readUnknownFields: false });
    } catch (error) {
      throw new OtlpDecodeError(`the body is not an OTLP ExportTraceServiceRequest in protobuf: ${reasonOf(error)}`);
    }
  } else {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch (error) {
      throw new OtlpDecodeError(`the body is not JSON: ${reasonOf(error)}`);
    }
    try {
      request = fromJson(ExportTraceServiceRequestSchema, hexIdsToBase64(json) as JsonValue, {
        ignoreUnknownFields: true,
      });
    } catch (error) {
      throw new OtlpDecodeError(`the body is not an OTLP ExportTraceServiceRequest in JSON: ${reasonOf(error)}`);
    }
  }
  return spansOf(request);
}

function spansOf(request: ExportTraceServiceRequest): OtelSpan[] {
  const spans: OtelSpan[] = [];
  for (const resourceSpans of request.resourceSpans) {
    const resource = attributesOf(resourceSpans.resource?.attributes ?? []);
    for (const scopeSpans of resourceSpans.scopeSpans) {
      const origin: OtelOrigin = {
        resource,
        scopeName: scopeSpans.scope?.name ?? '',
        scopeVersion: scopeSpans.scope?.version ?? '',
      };
      for (const span of scopeSpans.spans) {
        spans.push({
          traceId: hexId(span.traceId, 16),
          spanId: hexId(span.spanId, 8),
          parentSpanId: span.parentSpanId.length === 8 ? hex(span.parentSpanId) : undefined,
          name: span.name,
          kind: (span.kind >= 0 && span.kind <= 5 ? span.kind : 0) as OtelSpanKind,
          startMs: nanosToMs(span.startTimeUnixNano),
          endMs: nanosToMs(span.endTimeUnixNano),
          attributes: attributesOf(span.attributes),
          events: span.events.map((event) => ({
            name: event.name,
            timeMs: nanosToMs(event.timeUnixNano),
            attributes: attributesOf(event.attributes),
          })),
          status: {
            code: (span.status?.code === 1 || span.status?.code === 2 ? span.status.code : 0) as OtelStatusCode,
            message: span.status?.message ?? '',
          },
          origin,
        });
      }
    }
  }
  return spans;
}

function hexId(bytes: Uint8Array, length: number): string {
  return bytes.length === length ? hex(bytes) : '';
}

/** A view on the decoded bytes, not a copy (Buffer.from(Uint8Array) copies; three ids a span). */
function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Epoch nanoseconds -> epoch ms (a double keeps microseconds at today's times). */
function nanosToMs(nanos: bigint): number {
  return Number(nanos / 1000n) / 1000;
}

function attributesOf(list: readonly KeyValue[]): OtelAttributes {
  const map = new Map<string, OtelValue>();
  for (const pair of list) map.set(pair.key, anyValue(pair.value));
  return map;
}

function anyValue(value: AnyValue | undefined): OtelValue {
  const inner = value?.value;
  switch (inner?.case) {
    case 'stringValue':
    case 'boolValue':
    case 'doubleValue':
    case 'bytesValue':
      return inner.value;
    case 'intValue':
      return inner.value >= BigInt(Number.MIN_SAFE_INTEGER) && inner.value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(inner.value)
        : inner.value.toString();
    case 'arrayValue':
      return inner.value.values.map(anyValue);
    case 'kvlistValue':
      return attributesOf(inner.value.values);
    default:
      return undefined;
  }
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
