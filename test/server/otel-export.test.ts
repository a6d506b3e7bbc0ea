/**
 * Export (`otel:` in the config): `tokenledger serve` sends each call it records as an OTLP span
 * and metric points, with the official OTel JS SDK's protobuf exporters, to a collector on
 * 127.0.0.1. What the collector receives must equal the ledger: one CLIENT span per call with
 * its usage and cost, `gen_ai.client.token.usage` and `gen_ai.client.operation.duration`
 * histograms and a cost counter adding up to the ledger's totals; and the spans, sent back to
 * `/v1/traces`, are never counted again.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { startCollector, type CollectedPoint, type Collector } from '../helpers/otlp-collector.js';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';
import { makeApp } from './helpers.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

let collector: Collector;
let mock: MockProvider;
let events: UsageEvent[];
let totals: { input: number; output: number; costNanos: number; calls: number };

async function gatewayCall(server: RunningServer, headers: Record<string, string> = {}): Promise<void> {
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-0000', ...headers },
    body: JSON.stringify({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(response.status).toBe(200);
  await response.arrayBuffer();
}

beforeAll(async () => {
  collector = await startCollector();
  mock = await startMockProvider();
  const env = { OPENAI_BASE_URL: `${mock.url}/v1`, COLLECTOR_KEY: 'ck-secret-1' };
  const server = await startServer({
    port: 0,
    db: 'memory:',
    env,
    config: parseConfig(
      { otel: { endpoint: `${collector.url}/`, headers: { 'x-collector-key': 'env:COLLECTOR_KEY' } } },
      'inline',
      env,
    ),
    logger: pino({ level: 'silent' }),
  });
  await gatewayCall(server, { traceparent: `00-${TRACE}-${PARENT}-01` });
  await gatewayCall(server, { 'x-tokenledger-agent': 'writer' });
  const ingest = await fetch(`${server.url}/v1/usage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      usage: { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 1000 },
      durationMs: 2500,
      agent: 'planner',
    }),
  });
  expect(ingest.status).toBe(200);
  await server.app.flushRecordings();
  events = (await server.store.events({ filter: {}, limit: 10 })).events;
  const [total] = await server.store.aggregate({ filter: {}, groupBy: [] });
  totals = {
    input: total!.inputTokens,
    output: total!.outputTokens,
    costNanos: total!.costNanos,
    calls: total!.calls,
  };
  // Shutting down sends what the exporters hold: every span, and the metrics' last interval.
  await server.close();
});
afterAll(async () => {
  await collector?.close();
  await mock?.close();
});

const pointsOf = (metric: string): CollectedPoint[] => collector.points.filter((point) => point.metric === metric);
const sum = (points: readonly CollectedPoint[], field: 'sum' | 'count'): number =>
  points.reduce((total, point) => total + point[field], 0);

describe('OTLP export of the ledger', () => {
  it('recorded three priced calls to export', () => {
    expect(totals.calls).toBe(3);
    expect(events.every((event) => event.cost !== null && event.cost.totalNanos > 0)).toBe(true);
  });

  it('sends one CLIENT span per call, marked as ours, with the usage and cost of its event', () => {
    expect(collector.spans).toHaveLength(3);
    for (const event of events) {
      const span = collector.spans.find((candidate) => candidate.attributes.get('tokenledger.event.id') === event.id);
      expect(span, event.id).toBeDefined();
      expect(span!.kind).toBe(3);
      expect(span!.name).toBe(`chat ${event.model}`);
      expect(span!.origin.resource.get('service.name')).toBe('tokenledger');
      expect(span!.attributes.get('gen_ai.provider.name')).toBe(event.provider);
      expect(span!.attributes.get('gen_ai.response.model')).toBe(event.model);
      expect(span!.attributes.get('gen_ai.usage.input_tokens')).toBe(event.usage.inputTokens);
      expect(span!.attributes.get('gen_ai.usage.output_tokens')).toBe(event.usage.outputTokens);
      expect(span!.attributes.get('tokenledger.cost.usd')).toBe(event.cost!.total);
      expect(span!.startMs).toBe(Date.parse(event.time));
      if (event.agent !== undefined) expect(span!.attributes.get('gen_ai.agent.name')).toBe(event.agent);
    }
    const cached = collector.spans.find((span) => span.attributes.get('gen_ai.provider.name') === 'anthropic')!;
    expect(cached.attributes.get('gen_ai.usage.cache_read.input_tokens')).toBe(1000);
  });

  it("puts a gateway call's span in the app's trace, under the span its traceparent named", () => {
    const traced = collector.spans.filter((span) => span.traceId === TRACE);
    expect(traced).toHaveLength(1);
    expect(traced[0]!.parentSpanId).toBe(PARENT);
  });

  it('sends token usage, duration and cost metrics adding up to the ledger totals', () => {
    const tokens = pointsOf('gen_ai.client.token.usage');
    expect(tokens.every((point) => point.unit === '{token}')).toBe(true);
    const input = tokens.filter((point) => point.attributes['gen_ai.token.type'] === 'input');
    const output = tokens.filter((point) => point.attributes['gen_ai.token.type'] === 'output');
    expect(sum(input, 'sum')).toBe(totals.input);
    expect(sum(output, 'sum')).toBe(totals.output);
    expect(sum(input, 'count')).toBe(3);
    const duration = pointsOf('gen_ai.client.operation.duration');
    expect(duration.every((point) => point.unit === 's')).toBe(true);
    expect(sum(duration, 'count')).toBe(3);
    // Stored durations keep microseconds; the exported ones are the call's own.
    expect(sum(duration, 'sum')).toBeCloseTo(
      events.reduce((total, event) => total + event.durationMs! / 1000, 0),
      5,
    );
    const cost = pointsOf('tokenledger.client.cost');
    expect(cost.every((point) => point.unit === 'USD')).toBe(true);
    expect(Math.round(sum(cost, 'sum') * 1e9)).toBe(totals.costNanos);
    expect(new Set(cost.map((point) => point.attributes['gen_ai.provider.name']))).toEqual(
      new Set(['openai', 'anthropic']),
    );
  });

  it('sends the configured headers, the env reference resolved', () => {
    expect(collector.headers.length).toBeGreaterThanOrEqual(2);
    for (const headers of collector.headers) expect(headers['x-collector-key']).toBe('ck-secret-1');
  });

  it('its spans sent back to /v1/traces add nothing to a ledger', async () => {
    const app = await makeApp();
    for (const body of collector.traceBodies) {
      const response = await app.request('/v1/traces', {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: body as BodyInit,
      });
      expect(response.status).toBe(200);
    }
    const [stored] = await app.store.aggregate({ filter: {}, groupBy: [] });
    expect(stored?.calls ?? 0).toBe(0);
  });
});
