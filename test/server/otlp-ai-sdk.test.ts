/**
 * Golden captures of the AI SDK's telemetry (ai 7 with @ai-sdk/otel), made by the real OTLP
 * exporters (protobuf and JSON) and received by `tokenledger serve`. Both of the SDK's span
 * shapes: `OpenTelemetry` (GenAI semantic conventions: an `invoke_agent` root carrying the
 * summed usage, an `agent_step` per step, a `chat` span per model call) and
 * `LegacyOpenTelemetry` (`ai.generateText` / `ai.streamText` roots over `ai.*.doGenerate` /
 * `doStream` calls). Each does a generateText and a streamText against the mock provider, the
 * two under one app-level agent span; the ledger must equal the SDK's own per-call usage.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { LegacyOpenTelemetry, OpenTelemetry } from '@ai-sdk/otel';
import type { Tracer } from '@opentelemetry/api';
import { generateText, streamText, type Telemetry } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExportRun, type OtlpProtocol } from '../helpers/otel-exporter.js';
import {
  directCostNanos,
  ledgerView,
  startCaptureServer,
  sumOf,
  type CaptureServer,
  type LeafCall,
} from '../helpers/otlp-capture-server.js';

let ends: CaptureServer;
beforeAll(async () => {
  ends = await startCaptureServer();
});
afterAll(async () => {
  await ends?.close();
});

type Shape = 'OpenTelemetry' | 'LegacyOpenTelemetry';
const integrationFor = (shape: Shape, tracer: Tracer): Telemetry =>
  shape === 'OpenTelemetry' ? new OpenTelemetry({ tracer }) : new LegacyOpenTelemetry({ tracer });

async function agentRun(shape: Shape, tracer: Tracer): Promise<(LeafCall & { model: string })[]> {
  const model = createOpenAI({ baseURL: `${ends.mock.url}/v1`, apiKey: 'sk-test' }).chat('gpt-4.1-nano');
  const telemetry = { functionId: 'researcher', integrations: integrationFor(shape, tracer) };
  return tracer.startActiveSpan(
    'invoke_agent researcher',
    { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'researcher' } },
    async (agent) => {
      const generated = await generateText({ model, prompt: 'hi', telemetry });
      const streamed = streamText({ model, prompt: 'hi', telemetry });
      for await (const _ of streamed.textStream) {
        // read to the end, as an app does
      }
      const streamedUsage = await streamed.usage;
      const streamedModel = (await streamed.response).modelId;
      agent.end();
      return [
        { input: generated.usage.inputTokens, output: generated.usage.outputTokens, model: generated.response.modelId },
        { input: streamedUsage.inputTokens, output: streamedUsage.outputTokens, model: streamedModel },
      ];
    },
  );
}

describe.each<Shape>(['OpenTelemetry', 'LegacyOpenTelemetry'])('AI SDK %s spans', (shape) => {
  it.each<OtlpProtocol>(['http/protobuf', 'http/json'])(
    'over %s: one event per model call (generate and stream), the roots, steps and agent add nothing',
    async (protocol) => {
      await ends.server.store.delete({});
      const run = createExportRun({ url: `${ends.server.url}/v1/traces`, protocol, serviceName: 'ai-sdk-app' });
      const leaves = await agentRun(shape, run.tracer);
      await run.finish();
      expect(run.results.map((result) => result.code)).toEqual([0]);

      const ledger = await ledgerView(ends.server);
      expect(ledger.calls).toBe(2);
      expect(ledger.usageUnavailableCalls).toBe(0);
      expect(ledger.inputTokens).toBe(sumOf(leaves.map((leaf) => leaf.input)));
      expect(ledger.outputTokens).toBe(sumOf(leaves.map((leaf) => leaf.output)));
      expect(ledger.costNanos).toBe(await directCostNanos(leaves));
      expect(ledger.costNanos).toBeGreaterThan(0);
      expect(ledger.events.map((event) => event.model).sort()).toEqual(leaves.map((leaf) => leaf.model).sort());
      for (const event of ledger.events) {
        expect(event).toMatchObject({ provider: 'openai', agent: 'researcher', tags: { service: 'ai-sdk-app' } });
        expect(event.run).toBe(event.trace?.traceId);
      }
      // The stream's time to first chunk, as the SDK measured it.
      expect(ledger.events.filter((event) => event.timeToFirstTokenMs !== undefined)).toHaveLength(1);
    },
  );
});
