/**
 * `POST /v1/traces` as a protocol endpoint: bodies captured from the real OTLP exporters
 * (protobuf and JSON), replayed, retried, corrupted, compressed and oversized.
 */
import { gzipSync } from 'node:zlib';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { fromBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExportTraceServiceResponseSchema, RpcStatusSchema } from '#src/server/otlp/proto/otlp-traces_pb.js';
import { createExportRun, startCaptureSink, type CaptureSink, type OtlpProtocol } from '../helpers/otel-exporter.js';
import { makeApp, type TestApp } from './helpers.js';

const TYPES: Record<OtlpProtocol, string> = {
  'http/protobuf': 'application/x-protobuf',
  'http/json': 'application/json',
};

let sink: CaptureSink;
/** The golden captures: what each real exporter wrote for the same three spans. */
const captured: Partial<Record<OtlpProtocol, Buffer>> = {};

async function capture(protocol: OtlpProtocol): Promise<Buffer> {
  const before = sink.bodies.length;
  const run = createExportRun({ url: `${sink.url}/v1/traces`, protocol, serviceName: 'capture-app' });
  const tracer = run.tracer;
  await tracer.startActiveSpan(
    'invoke_agent triage',
    { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'triage' } },
    async (agent) => {
      const chat = tracer.startSpan('chat gpt-4o-mini', {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
          'gen_ai.usage.input_tokens': 1200,
          'gen_ai.usage.output_tokens': 300,
          'gen_ai.usage.cache_read.input_tokens': 1000,
          'gen_ai.conversation.id': 'conv-7',
          'user.id': 'ana',
        },
      });
      chat.end();
      const failed = tracer.startSpan('chat gpt-4o-mini', {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'error.type': '429',
          'http.response.status_code': 429,
        },
      });
      failed.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
      failed.end();
      agent.setAttributes({ 'gen_ai.usage.input_tokens': 1200, 'gen_ai.usage.output_tokens': 300 });
      agent.end();
    },
  );
  await run.finish();
  expect(sink.bodies.length).toBe(before + 1);
  return sink.bodies.at(-1)!.body;
}

let app: TestApp;

beforeAll(async () => {
  sink = await startCaptureSink();
  captured['http/protobuf'] = await capture('http/protobuf');
  captured['http/json'] = await capture('http/json');
});
afterAll(async () => {
  await sink.close();
});
beforeEach(async () => {
  app = await makeApp();
});

const post = (body: Uint8Array | string, type: string, headers: Record<string, string> = {}): Promise<Response> =>
  app.request('/v1/traces', { method: 'POST', headers: { 'content-type': type, ...headers }, body: body as BodyInit });

async function storedCount(): Promise<number> {
  const [total] = await app.store.aggregate({ filter: {}, groupBy: [] });
  return total?.calls ?? 0;
}

describe.each<OtlpProtocol>(['http/protobuf', 'http/json'])('a capture of the %s exporter', (protocol) => {
  const type = TYPES[protocol];

  it('records the two model calls (one failed), not the agent span, and answers in kind', async () => {
    const response = await post(captured[protocol]!, type);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (protocol === 'http/protobuf') {
      expect(fromBinary(ExportTraceServiceResponseSchema, bytes).partialSuccess).toBeUndefined();
    } else {
      expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual({});
    }
    const { events } = await app.store.events({ filter: {}, limit: 10 });
    expect(events).toHaveLength(2);
    const ok = events.find((event) => event.status === 'ok')!;
    expect(ok).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      requestedModel: 'gpt-4o-mini',
      agent: 'triage',
      tags: { service: 'capture-app', session: 'conv-7', user: 'ana' },
      usage: { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 1000, totalTokens: 1500 },
    });
    // gpt-4o-mini: $0.15 / 1M input, $0.075 cached, $0.60 output.
    expect(ok.cost?.totalNanos).toBe(200 * 150 + 1000 * 75 + 300 * 600);
    expect(ok.run).toBe(ok.trace?.traceId);
    const failed = events.find((event) => event.status === 'error')!;
    expect(failed.error).toEqual({ type: '429', status: 429, message: 'rate limited' });
    expect(failed.usageUnavailableReason).toBe('the span carries no token counts');
    expect(failed.cost).toBeNull();
  });

  it('stores each call once when the same batch comes again (exporters retry)', async () => {
    expect((await post(captured[protocol]!, type)).status).toBe(200);
    expect((await post(captured[protocol]!, type)).status).toBe(200);
    expect(await storedCount()).toBe(2);
  });

  it('reads a gzip body, and cuts a gzip bomb at the limit with a 413, storing nothing', async () => {
    const small = await makeApp({ limits: { maxOtlpBodyBytes: 64 * 1024 } });
    const gzipped = await small.request('/v1/traces', {
      method: 'POST',
      headers: { 'content-type': type, 'content-encoding': 'gzip' },
      body: gzipSync(captured[protocol]!),
    });
    expect(gzipped.status).toBe(200);
    // 256 MiB of zeros is about 1 MB compressed; inflating it must stop at 64 KiB.
    const bomb = gzipSync(Buffer.alloc(256 * 1024 * 1024), { level: 1 });
    const before = process.memoryUsage().rss;
    const response = await small.request('/v1/traces', {
      method: 'POST',
      headers: { 'content-type': type, 'content-encoding': 'gzip' },
      body: bomb,
    });
    expect(response.status).toBe(413);
    expect(process.memoryUsage().rss - before).toBeLessThan(128 * 1024 * 1024);
    const [stored] = await small.store.aggregate({ filter: {}, groupBy: [] });
    expect(stored?.calls).toBe(2);
  });
});

describe('bad bodies', () => {
  it('a malformed protobuf body is a 400 Status naming the reason; nothing stored', async () => {
    const response = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), TYPES['http/protobuf']);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    const status = fromBinary(RpcStatusSchema, new Uint8Array(await response.arrayBuffer()));
    expect(status.message).toMatch(/^the body is not an OTLP ExportTraceServiceRequest in protobuf: /);
    expect(status.code).toBe(3);
    expect(await storedCount()).toBe(0);
  });

  it('a body that is not JSON, or JSON of the wrong shape, is a 400 with a reason; nothing stored', async () => {
    const notJson = await post('{"resourceSpans": [', TYPES['http/json']);
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ code: 3, error: { code: 'invalid_otlp', field: 'body' } });
    const wrongShape = await post('{"resourceSpans": {"not": "a list"}}', TYPES['http/json']);
    expect(wrongShape.status).toBe(400);
    expect(((await wrongShape.json()) as { message: string }).message).toMatch(
      /in JSON: .*resource_spans .*expected Array/,
    );
    expect(await storedCount()).toBe(0);
  });

  it('an oversized body is a 413 Status, read no further than the limit; nothing stored', async () => {
    const small = await makeApp({ limits: { maxOtlpBodyBytes: 1000 } });
    const response = await small.request('/v1/traces', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"resourceSpans":[],"pad":"${'x'.repeat(5000)}"}`,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('another content type is a 415', async () => {
    const response = await post('hello', 'text/plain');
    expect(response.status).toBe(415);
  });

  it('an empty request is a success (OTLP: "the server SHOULD respond with success")', async () => {
    expect((await post(new Uint8Array(0), TYPES['http/protobuf'])).status).toBe(200);
    expect((await post('{}', TYPES['http/json'])).status).toBe(200);
  });
});

/** The JSON capture with its spans changed by `edit` (spans[0] is the first chat call). */
function editedJson(edit: (spans: Record<string, unknown>[]) => void): string {
  const json = JSON.parse(captured['http/json']!.toString('utf8')) as {
    resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
  };
  edit(json.resourceSpans[0]!.scopeSpans[0]!.spans);
  return JSON.stringify(json);
}

describe('partial success', () => {
  it('rejects only a model-call span that cannot be an event, and says why in partialSuccess', async () => {
    const body = editedJson((spans) => {
      spans[0]!['spanId'] = 'not-hex';
    });
    const response = await post(body, TYPES['http/json']);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      partialSuccess: {
        rejectedSpans: '1',
        errorMessage: 'rejected: a model-call span without a valid spanId (8 bytes, not all zero)',
      },
    });
    expect(await storedCount()).toBe(1);
  });

  it('keeps a span with attribution past the limits, cut, and passes the warning back with 0 rejected', async () => {
    const body = editedJson((spans) => {
      const attributes = spans[0]!['attributes'] as { key: string; value: unknown }[];
      attributes.push({ key: 'gen_ai.agent.name', value: { stringValue: 'a'.repeat(300) } });
    });
    const response = await post(body, TYPES['http/json']);
    expect(await response.json()).toEqual({
      partialSuccess: { errorMessage: 'kept with warnings: agent was 300 characters; cut to 256' },
    });
    const { events } = await app.store.events({ filter: { status: 'ok' }, limit: 1 });
    expect(events[0]?.agent).toBe('a'.repeat(256));
    expect(events[0]?.warnings).toEqual(['agent was 300 characters; cut to 256']);
    expect(await storedCount()).toBe(2);
  });
});

describe('keys and back-pressure', () => {
  it('the ingest key guards the route; OTEL_EXPORTER_OTLP_HEADERS-style Bearer and x-tokenledger-key pass', async () => {
    const keyed = await makeApp({ config: { server: { ingestKey: 'env:INGEST' } }, env: { INGEST: 'ik-1' } });
    const send = (headers: Record<string, string>) =>
      keyed.request('/v1/traces', {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', ...headers },
        body: captured['http/protobuf']! as BodyInit,
      });
    const refused = await send({});
    expect(refused.status).toBe(401);
    expect(fromBinary(RpcStatusSchema, new Uint8Array(await refused.arrayBuffer())).code).toBe(16);
    expect((await send({ authorization: 'Bearer ik-1' })).status).toBe(200);
    expect((await send({ 'x-tokenledger-key': 'ik-1' })).status).toBe(200);
    const [stored] = await keyed.store.aggregate({ filter: {}, groupBy: [] });
    expect(stored?.calls).toBe(2);
  });

  it('429 with Retry-After while spans already wait for a slow store; 503 with Retry-After when it fails', async () => {
    const slow = await makeApp({ limits: { maxOtlpPendingSpans: 3 } });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered!: () => void;
    const waiting = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const insert = slow.store.insert.bind(slow.store);
    slow.store.insert = async (events) => {
      entered();
      await gate;
      return insert(events);
    };
    const send = () =>
      slow.request('/v1/traces', {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: captured['http/protobuf']! as BodyInit,
      });
    const first = send();
    await waiting;
    const second = await send();
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    release();
    expect((await first).status).toBe(200);
    await slow.store.close();
    const down = await send();
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
  });
});
