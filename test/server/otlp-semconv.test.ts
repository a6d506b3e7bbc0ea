/**
 * Raw OpenTelemetry GenAI semantic conventions: an app that instruments its own OpenAI calls
 * (the official SDK against the mock provider on loopback) by hand with the OTel API, an
 * `invoke_agent` span around them carrying the aggregated usage, exported by the real OTLP
 * exporters (protobuf and JSON) to `tokenledger serve`'s `/v1/traces`.
 */
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';
import { createExportRun, type OtlpProtocol } from '../helpers/otel-exporter.js';
import pino from 'pino';

let server: RunningServer;
let mock: MockProvider;

beforeAll(async () => {
  mock = await startMockProvider();
  server = await startServer({
    port: 0,
    db: 'memory:',
    env: {},
    config: parseConfig({}, 'inline', {}),
    logger: pino({ level: 'silent' }),
  });
});
afterAll(async () => {
  await server?.close();
  await mock?.close();
});

interface Leaf {
  input: number;
  output: number;
  cacheRead: number;
  reasoning: number;
  model: string;
}

/** One chat call, instrumented by hand as the GenAI conventions say; returns what it reported. */
async function chat(tracer: Tracer, client: OpenAI, stream: boolean): Promise<Leaf> {
  return tracer.startActiveSpan(
    'chat gpt-4.1-nano',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4.1-nano',
        'server.address': '127.0.0.1',
      },
    },
    async (span) => {
      const started = performance.now();
      let usage: OpenAI.CompletionUsage | undefined;
      let model = '';
      if (stream) {
        const chunks = await client.chat.completions.create({
          model: 'gpt-4.1-nano',
          messages: [{ role: 'user', content: 'hi' }],
          stream: true,
          stream_options: { include_usage: true },
        });
        let first = true;
        for await (const chunk of chunks) {
          if (first) {
            span.setAttribute('gen_ai.response.time_to_first_chunk', (performance.now() - started) / 1000);
            first = false;
          }
          model = chunk.model;
          if (chunk.usage) usage = chunk.usage;
        }
      } else {
        const completion = await client.chat.completions.create({
          model: 'gpt-4.1-nano',
          messages: [{ role: 'user', content: 'hi' }],
        });
        usage = completion.usage;
        model = completion.model;
      }
      const leaf: Leaf = {
        input: usage?.prompt_tokens ?? 0,
        output: usage?.completion_tokens ?? 0,
        cacheRead: usage?.prompt_tokens_details?.cached_tokens ?? 0,
        reasoning: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
        model,
      };
      span.setAttributes({
        'gen_ai.response.model': model,
        'gen_ai.usage.input_tokens': leaf.input,
        'gen_ai.usage.output_tokens': leaf.output,
        'gen_ai.usage.cache_read.input_tokens': leaf.cacheRead,
        'gen_ai.usage.reasoning.output_tokens': leaf.reasoning,
      });
      span.end();
      return leaf;
    },
  );
}

async function agentRun(tracer: Tracer, client: OpenAI, agent: string, stream: boolean): Promise<Leaf[]> {
  return tracer.startActiveSpan(
    `invoke_agent ${agent}`,
    { kind: SpanKind.INTERNAL, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': agent } },
    async (span) => {
      const leaves = [await chat(tracer, client, stream), await chat(tracer, client, stream)];
      // The agent span sums its children, as agent frameworks do: it must not count again.
      span.setAttributes({
        'gen_ai.usage.input_tokens': leaves.reduce((sum, leaf) => sum + leaf.input, 0),
        'gen_ai.usage.output_tokens': leaves.reduce((sum, leaf) => sum + leaf.output, 0),
      });
      span.setStatus({ code: SpanStatusCode.OK });
      span.end();
      return leaves;
    },
  );
}

describe.each<OtlpProtocol>(['http/protobuf', 'http/json'])('GenAI semconv spans over %s', (protocol) => {
  it('records each leaf chat call once, under its agent, with the exact usage; the agent span adds nothing', async () => {
    await server.store.delete({});
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${mock.url}/v1`, maxRetries: 0 });
    const run = createExportRun({ url: `${server.url}/v1/traces`, protocol, serviceName: 'semconv-app' });
    const leaves: Leaf[] = [];
    leaves.push(...(await agentRun(run.tracer, client, 'planner', false)));
    leaves.push(...(await agentRun(run.tracer, client, 'writer', true)));
    await run.finish();
    expect(run.results.map((result) => result.code)).toEqual([0]);

    const { events } = await server.store.events({ filter: {}, limit: 100 });
    expect(events).toHaveLength(4);
    const [total] = await server.store.aggregate({ filter: {}, groupBy: [] });
    expect(total?.inputTokens).toBe(leaves.reduce((sum, leaf) => sum + leaf.input, 0));
    expect(total?.outputTokens).toBe(leaves.reduce((sum, leaf) => sum + leaf.output, 0));
    expect(events.map((event) => event.agent).sort()).toEqual(['planner', 'planner', 'writer', 'writer']);
    for (const event of events) {
      expect(event.provider).toBe('openai');
      expect(event.tags['service']).toBe('semconv-app');
      expect(event.trace?.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(event.cost).not.toBeNull();
    }
  });
});
