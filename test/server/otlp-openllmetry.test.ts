/**
 * Golden captures of OpenLLMetry (@traceloop/instrumentation-openai on the official OpenAI
 * SDK), exported by the real OTLP exporters (protobuf and JSON) to `tokenledger serve`: GenAI
 * `chat` spans under an OpenLLMetry agent span (`traceloop.span.kind` agent, named by
 * `traceloop.entity.name`) that carries its children's summed usage. The instrumentation
 * records no token counts for a streamed call unless told to estimate them (`enrichTokens`),
 * so that call is in the ledger with usage unavailable and no price, never as $0.
 */
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExportRun, type OtlpProtocol } from '../helpers/otel-exporter.js';
import { directCostNanos, ledgerView, startCaptureServer, type CaptureServer } from './otlp-capture-server.js';
import { openAiAgentRun } from './otlp-openai-instrumentations.js';

let ends: CaptureServer;
const instrumentation = new OpenAIInstrumentation();
beforeAll(async () => {
  ends = await startCaptureServer();
  instrumentation.manuallyInstrument(OpenAI);
});
afterAll(async () => {
  instrumentation.disable();
  await ends?.close();
});

describe.each<OtlpProtocol>(['http/protobuf', 'http/json'])('OpenLLMetry spans over %s', (protocol) => {
  it('records each chat span once under its agent; the agent span adds nothing; a stream without counts is unpriced', async () => {
    await ends.server.store.delete({});
    const run = createExportRun({ url: `${ends.server.url}/v1/traces`, protocol, serviceName: 'openllmetry-app' });
    instrumentation.setTracerProvider(run.provider);
    const leaves = await openAiAgentRun(run.tracer, `${ends.mock.url}/v1`, {
      name: 'planner.agent',
      attributes: { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'planner' },
      summed: (input, output) => ({ 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output }),
    });
    await run.finish();
    expect(run.results.map((result) => result.code)).toEqual([0]);

    const ledger = await ledgerView(ends.server);
    const plain = leaves.find((leaf) => !leaf.streamed)!;
    expect(ledger.calls).toBe(2);
    expect(ledger.inputTokens).toBe(plain.input);
    expect(ledger.outputTokens).toBe(plain.output);
    expect(ledger.costNanos).toBe(await directCostNanos([plain]));
    expect(ledger.usageUnavailableCalls).toBe(1);
    for (const event of ledger.events) {
      expect(event).toMatchObject({ provider: 'openai', agent: 'planner', tags: { service: 'openllmetry-app' } });
    }
    const streamed = ledger.events.find((event) => event.usageUnavailableReason !== undefined)!;
    expect(streamed.cost).toBeNull();
    expect(streamed.model).toBe(leaves.find((leaf) => leaf.streamed)!.model);
  });
});
