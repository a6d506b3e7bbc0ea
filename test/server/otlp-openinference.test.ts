/**
 * Golden captures of OpenInference (@arizeai/openinference-instrumentation-openai on the
 * official OpenAI SDK), exported by the real OTLP exporters (protobuf and JSON) to
 * `tokenledger serve`: `LLM` spans under an `AGENT` span that carries its children's summed
 * `llm.token_count.*`. The instrumentation records no token counts for a streamed call (it does
 * not read the stream's usage chunk), so that call is in the ledger as a call with usage
 * unavailable and no price, never as $0; the plain call's usage and cost are exact.
 */
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { OpenInferenceSpanKind, SemanticConventions } from '@arizeai/openinference-semantic-conventions';
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

describe.each<OtlpProtocol>(['http/protobuf', 'http/json'])('OpenInference spans over %s', (protocol) => {
  it('records each LLM span once under its agent; the AGENT span adds nothing; a stream without counts is unpriced', async () => {
    await ends.server.store.delete({});
    const run = createExportRun({ url: `${ends.server.url}/v1/traces`, protocol, serviceName: 'openinference-app' });
    instrumentation.setTracerProvider(run.provider);
    const leaves = await openAiAgentRun(run.tracer, `${ends.mock.url}/v1`, {
      name: 'triage agent',
      attributes: {
        [SemanticConventions.OPENINFERENCE_SPAN_KIND]: OpenInferenceSpanKind.AGENT,
        [SemanticConventions.AGENT_NAME]: 'triage',
      },
      summed: (input, output) => ({
        [SemanticConventions.LLM_TOKEN_COUNT_PROMPT]: input,
        [SemanticConventions.LLM_TOKEN_COUNT_COMPLETION]: output,
      }),
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
      expect(event).toMatchObject({ provider: 'openai', agent: 'triage', tags: { service: 'openinference-app' } });
    }
    const streamed = ledger.events.find((event) => event.usageUnavailableReason !== undefined)!;
    expect(streamed.usageUnavailableReason).toBe('the span carries no token counts');
    expect(streamed.cost).toBeNull();
    expect(ledger.events.find((event) => event !== streamed)?.model).toBe(plain.model);
  });
});
