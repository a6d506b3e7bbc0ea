/**
 * The receiver's decode (server/otlp/decode.ts) on bodies written by @bufbuild/protobuf's
 * encoder (the schema's other implementation): every value kind, int64 past a double's exact
 * integers, nanosecond times, ids, and the same request in OTLP/JSON reading the same.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { decodeTraceRequest, OtlpDecodeError } from '#src/server/otlp/decode.js';
import {
  type AnyValue,
  AnyValueSchema,
  ArrayValueSchema,
  ExportTraceServiceRequestSchema,
  type KeyValue,
  KeyValueListSchema,
  KeyValueSchema,
  Span_SpanKind,
  Status_StatusCode,
} from '#src/server/otlp/proto/otlp-traces_pb.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const PARENT = '00f067aa0ba902b7';

function kv(key: string, value: AnyValue['value']): KeyValue {
  return create(KeyValueSchema, { key, value: create(AnyValueSchema, { value }) });
}

function body(): Uint8Array {
  const request = create(ExportTraceServiceRequestSchema, {
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', { case: 'stringValue', value: 'decode-app' })] },
        scopeSpans: [
          {
            scope: { name: 'scope-a', version: '1.2.3' },
            spans: [
              {
                traceId: Buffer.from(TRACE, 'hex'),
                spanId: Buffer.from(SPAN, 'hex'),
                parentSpanId: Buffer.from(PARENT, 'hex'),
                name: 'chat gpt-4o-mini',
                kind: Span_SpanKind.CLIENT,
                // 2026-11-01T00:00:00.123456789Z and 0.75 s later, to the nanosecond.
                startTimeUnixNano: 1_793_491_200_123_456_789n,
                endTimeUnixNano: 1_793_491_200_873_457_999n,
                attributes: [
                  kv('s', { case: 'stringValue', value: 'text é' }),
                  kv('i', { case: 'intValue', value: 1200n }),
                  kv('neg', { case: 'intValue', value: -42n }),
                  kv('max-safe', { case: 'intValue', value: 9_007_199_254_740_991n }),
                  kv('past-safe', { case: 'intValue', value: 9_007_199_254_740_993n }),
                  kv('min-past-safe', { case: 'intValue', value: -9_007_199_254_740_992n }),
                  kv('d', { case: 'doubleValue', value: 0.25 }),
                  kv('b', { case: 'boolValue', value: true }),
                  kv('empty-string', { case: 'stringValue', value: '' }),
                  kv('bytes', { case: 'bytesValue', value: new Uint8Array([1, 2, 3]) }),
                  kv('array', {
                    case: 'arrayValue',
                    value: create(ArrayValueSchema, {
                      values: [
                        create(AnyValueSchema, { value: { case: 'stringValue', value: 'x' } }),
                        create(AnyValueSchema, { value: { case: 'intValue', value: 7n } }),
                      ],
                    }),
                  }),
                  kv('kvlist', {
                    case: 'kvlistValue',
                    value: create(KeyValueListSchema, { values: [kv('inner', { case: 'boolValue', value: false })] }),
                  }),
                  kv('unset', { case: undefined }),
                ],
                events: [
                  {
                    name: 'gen_ai.content.completion',
                    timeUnixNano: 1_793_491_200_500_000_500n,
                    attributes: [kv('e', { case: 'stringValue', value: 'v' })],
                  },
                ],
                status: { code: Status_StatusCode.ERROR, message: 'boom' },
              },
              // A second span of the same trace, without parent, times, attributes or status.
              { traceId: Buffer.from(TRACE, 'hex'), spanId: Buffer.from(PARENT, 'hex'), name: 'root' },
              // Malformed ids decode as empty (the mapper rejects that span alone).
              { traceId: new Uint8Array(3), spanId: new Uint8Array(9), name: 'bad ids' },
            ],
          },
        ],
      },
    ],
  });
  return toBinary(ExportTraceServiceRequestSchema, request);
}

/** The same request in OTLP/JSON as the JS SDK's JSON exporter writes it (hex ids, int64 as strings). */
function jsonBody(): string {
  const value = (v: Record<string, unknown>) => v;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: value({ stringValue: 'decode-app' }) }] },
        scopeSpans: [
          {
            scope: { name: 'scope-a', version: '1.2.3' },
            spans: [
              {
                traceId: TRACE,
                spanId: SPAN,
                parentSpanId: PARENT,
                name: 'chat gpt-4o-mini',
                kind: 3,
                startTimeUnixNano: '1793491200123456789',
                endTimeUnixNano: 1793491200873458000,
                attributes: [
                  { key: 's', value: { stringValue: 'text é' } },
                  { key: 'i', value: { intValue: 1200 } },
                  { key: 'past-safe', value: { intValue: '9007199254740993' } },
                ],
                status: { code: 2, message: 'boom' },
              },
            ],
          },
        ],
      },
    ],
  });
}

describe('decodeTraceRequest', () => {
  it('reads every value kind, ids, kinds, times to the microsecond, events, status and origin from protobuf', () => {
    const [span, root, bad] = decodeTraceRequest(body(), 'protobuf');
    expect(span).toBeDefined();
    expect(span!.traceId).toBe(TRACE);
    expect(span!.spanId).toBe(SPAN);
    expect(span!.parentSpanId).toBe(PARENT);
    expect(span!.name).toBe('chat gpt-4o-mini');
    expect(span!.kind).toBe(3);
    // floor(ns / 1000) / 1000: microseconds kept, the nanoseconds below them dropped.
    expect(span!.startMs).toBe(1_793_491_200_123.456);
    expect(span!.endMs).toBe(1_793_491_200_873.457);
    expect(Object.fromEntries(span!.attributes)).toEqual({
      s: 'text é',
      i: 1200,
      neg: -42,
      'max-safe': 9_007_199_254_740_991,
      'past-safe': '9007199254740993',
      'min-past-safe': '-9007199254740992',
      d: 0.25,
      b: true,
      'empty-string': '',
      bytes: new Uint8Array([1, 2, 3]),
      array: ['x', 7],
      kvlist: new Map([['inner', false]]),
      unset: undefined,
    });
    expect(span!.events).toHaveLength(1);
    expect(span!.events[0]!.name).toBe('gen_ai.content.completion');
    expect(span!.events[0]!.timeMs).toBe(1_793_491_200_500.0);
    expect(Object.fromEntries(span!.events[0]!.attributes)).toEqual({ e: 'v' });
    expect(span!.status).toEqual({ code: 2, message: 'boom' });
    expect(span!.origin.scopeName).toBe('scope-a');
    expect(span!.origin.scopeVersion).toBe('1.2.3');
    expect(Object.fromEntries(span!.origin.resource)).toEqual({ 'service.name': 'decode-app' });

    expect(root!.traceId).toBe(TRACE);
    expect(root!.spanId).toBe(PARENT);
    expect(root!.parentSpanId).toBeUndefined();
    expect(root!.kind).toBe(0);
    expect(root!.startMs).toBe(0);
    expect(root!.endMs).toBe(0);
    expect(root!.attributes.size).toBe(0);
    expect(root!.events).toEqual([]);
    expect(root!.status).toEqual({ code: 0, message: '' });

    expect(bad!.traceId).toBe('');
    expect(bad!.spanId).toBe('');
  });

  it('reads the same span from OTLP/JSON (hex ids, int64 as string or number)', () => {
    const [span] = decodeTraceRequest(Buffer.from(jsonBody()), 'json');
    expect(span!.traceId).toBe(TRACE);
    expect(span!.spanId).toBe(SPAN);
    expect(span!.parentSpanId).toBe(PARENT);
    expect(span!.kind).toBe(3);
    expect(span!.startMs).toBe(1_793_491_200_123.456);
    // A JSON number past 2^53 is read as the double nearest it (…873457920 ns).
    expect(span!.endMs).toBe(1_793_491_200_873.457);
    expect(Object.fromEntries(span!.attributes)).toEqual({ s: 'text é', i: 1200, 'past-safe': '9007199254740993' });
    expect(span!.status).toEqual({ code: 2, message: 'boom' });
  });

  it('skips fields the schema does not know', () => {
    // Field 15 (unknown here), a length-delimited value, before the request's spans.
    const unknown = Buffer.from([0x7a, 0x03, 0x61, 0x62, 0x63]);
    const spans = decodeTraceRequest(Buffer.concat([unknown, body()]), 'protobuf');
    expect(spans.map((span) => span.name)).toEqual(['chat gpt-4o-mini', 'root', 'bad ids']);
  });

  it('refuses a truncated body, and nesting past the recursion limit, with a reason', () => {
    const truncated = body().subarray(0, 40);
    expect(() => decodeTraceRequest(truncated, 'protobuf')).toThrow(OtlpDecodeError);
    expect(() => decodeTraceRequest(truncated, 'protobuf')).toThrow(
      /^the body is not an OTLP ExportTraceServiceRequest in protobuf: \S/,
    );
    // An attribute whose value is an array holding an array... 200 deep.
    let nested: AnyValue = create(AnyValueSchema, { value: { case: 'stringValue', value: 'leaf' } });
    for (let depth = 0; depth < 200; depth++)
      nested = create(AnyValueSchema, {
        value: { case: 'arrayValue', value: create(ArrayValueSchema, { values: [nested] }) },
      });
    const deep = toBinary(
      ExportTraceServiceRequestSchema,
      create(ExportTraceServiceRequestSchema, {
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: Buffer.from(TRACE, 'hex'),
                    spanId: Buffer.from(SPAN, 'hex'),
                    attributes: [create(KeyValueSchema, { key: 'deep', value: nested })],
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(() => decodeTraceRequest(deep, 'protobuf')).toThrow(/nesting depth/);
  });
});
