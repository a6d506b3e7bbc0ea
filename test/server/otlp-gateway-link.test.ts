/**
 * No double counting between the gateway and the OTLP receiver: an app that sends its OpenAI
 * calls through `tokenledger serve`'s gateway and also exports its GenAI spans to `/v1/traces`
 * is counted once per call. The gateway keeps the request's `traceparent`; the span for that
 * call is linked to the gateway's event (its own span, or the parent of the HTTP span the
 * traceparent names), and a call that did not go through the gateway is recorded from its span.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, type Span, type Tracer } from '@opentelemetry/api';
import OpenAI from 'openai';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';
import { createExportRun, type OtlpProtocol } from '../helpers/otel-exporter.js';

let server: RunningServer;
let mock: MockProvider;
const dir = mkdtempSync(join(tmpdir(), 'otlp-link-'));

beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Each store in turn: `memory:` (no spool: the receiver answers once events are stored) and a
 * SQLite file, serve's default, with its spool (the receiver answers once they are spooled, and
 * flushes the gateway's recordings only for the traces of the batch).
 */
function serveOn(db: string): void {
  beforeAll(async () => {
    const env = { OPENAI_BASE_URL: `${mock.url}/v1` };
    server = await startServer({
      port: 0,
      db,
      env,
      config: parseConfig({}, 'inline', env),
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await server?.close();
  });
}

/** What a W3C propagator writes for the active span. */
const traceparentOf = (span: Span): string => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;

type Route = 'gateway, traceparent = the chat span' | 'gateway, traceparent = its HTTP span' | 'direct';

/** One chat call inside a GenAI chat span; returns the usage the SDK saw. */
async function chat(tracer: Tracer, route: Route): Promise<{ input: number; output: number }> {
  return tracer.startActiveSpan(
    'chat gpt-4.1-nano',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4.1-nano',
      },
    },
    async (span) => {
      let http: Span | undefined;
      let headers: Record<string, string> = {};
      if (route === 'gateway, traceparent = its HTTP span') {
        // An HTTP client instrumentation wraps the request in its own span and propagates that one.
        http = tracer.startSpan('POST', { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'POST' } });
        headers = { traceparent: traceparentOf(http) };
      } else if (route === 'gateway, traceparent = the chat span') headers = { traceparent: traceparentOf(span) };
      const baseURL = route === 'direct' ? `${mock.url}/v1` : `${server.url}/v1`;
      const client = new OpenAI({ apiKey: 'sk-test-0000', baseURL, maxRetries: 0, defaultHeaders: headers });
      const completion = await client.chat.completions.create({
        model: 'gpt-4.1-nano',
        messages: [{ role: 'user', content: 'hi' }],
      });
      http?.end();
      const input = completion.usage?.prompt_tokens ?? 0;
      const output = completion.usage?.completion_tokens ?? 0;
      span.setAttributes({
        'gen_ai.response.model': completion.model,
        'gen_ai.usage.input_tokens': input,
        'gen_ai.usage.output_tokens': output,
      });
      span.end();
      return { input, output };
    },
  );
}

async function otlpSpanCounts(): Promise<Record<string, number>> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^tokenledger_otlp_spans_total\{outcome="(\w+)"\} (\d+)$/gm))
    counts[match[1]!] = Number(match[2]);
  return counts;
}

const STORES = ['memory:', `sqlite:${join(dir, 'ledger.db')}`];

describe.each(STORES)('on %s', (db) => {
  serveOn(db);
  describe.each<OtlpProtocol>(['http/protobuf', 'http/json'])('gateway and %s spans of the same calls', (protocol) => {
    it('counts each call once: gateway calls are linked, the direct call is recorded from its span', async () => {
      await server.store.delete({});
      const before = await otlpSpanCounts();
      const run = createExportRun({ url: `${server.url}/v1/traces`, protocol, serviceName: 'linked-app' });
      const leaves = await run.tracer.startActiveSpan(
        'invoke_agent planner',
        { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' } },
        async (agent) => {
          const done = [
            await chat(run.tracer, 'gateway, traceparent = the chat span'),
            await chat(run.tracer, 'gateway, traceparent = its HTTP span'),
            await chat(run.tracer, 'direct'),
          ];
          agent.end();
          return done;
        },
      );
      await run.finish();
      expect(run.results.map((result) => result.code)).toEqual([0]);
      // Acknowledged once durable: spooled, on the SQLite file; stored once the drain ran.
      await server.ledger.flush();

      const { events } = await server.store.events({ filter: {}, limit: 100 });
      expect(events).toHaveLength(3);
      const [total] = await server.store.aggregate({ filter: {}, groupBy: [] });
      expect(total?.inputTokens).toBe(leaves.reduce((sum, leaf) => sum + leaf.input, 0));
      expect(total?.outputTokens).toBe(leaves.reduce((sum, leaf) => sum + leaf.output, 0));
      // Two from the gateway, carrying the propagated span; one from the direct call's span (agent from its parent).
      const traceIds = new Set(events.map((event) => event.trace?.traceId));
      expect(traceIds.size).toBe(1);
      expect(events.filter((event) => event.agent === 'planner')).toHaveLength(1);
      const after = await otlpSpanCounts();
      expect((after['linked'] ?? 0) - (before['linked'] ?? 0)).toBe(2);
      expect((after['recorded'] ?? 0) - (before['recorded'] ?? 0)).toBe(1);
      // The agent span and the HTTP span.
      expect((after['skipped'] ?? 0) - (before['skipped'] ?? 0)).toBe(2);
    });
  });

  describe('the gateway keeps the traceparent', () => {
    it('stores the trace and parent span a valid header names, and ignores a malformed one', async () => {
      await server.store.delete({});
      const send = (traceparent: string) =>
        fetch(`${server.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-0000', traceparent },
          body: JSON.stringify({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] }),
        });
      expect((await send('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).status).toBe(200);
      expect((await send('00-NOT-A-TRACE-01')).status).toBe(200);
      await server.app.flushRecordings();
      const { events } = await server.store.events({ filter: {}, limit: 10 });
      expect(events).toHaveLength(2);
      expect(events.map((event) => event.trace ?? null)).toEqual(
        expect.arrayContaining([{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' }, null]),
      );
    });
  });
});
