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
import { describe, expect, it } from 'vitest';
import type { OtlpProtocol } from '../helpers/otel-exporter.js';
import { expectLeavesCounted, exportAgentRun, useInstrumentedOpenAi } from '../helpers/otel-openai-agent.js';

const instrumentation = new OpenAIInstrumentation();
const ends = useInstrumentedOpenAi(instrumentation);

describe.each<OtlpProtocol>(['http/protobuf', 'http/json'])('OpenInference spans over %s', (protocol) => {
  it('records each LLM span once under its agent; the AGENT span adds nothing; a stream without counts is unpriced', async () => {
    const result = await exportAgentRun(ends(), instrumentation, {
      protocol,
      serviceName: 'openinference-app',
      agent: {
        name: 'triage agent',
        attributes: {
          [SemanticConventions.OPENINFERENCE_SPAN_KIND]: OpenInferenceSpanKind.AGENT,
          [SemanticConventions.AGENT_NAME]: 'triage',
        },
        summed: (input, output) => ({
          [SemanticConventions.LLM_TOKEN_COUNT_PROMPT]: input,
          [SemanticConventions.LLM_TOKEN_COUNT_COMPLETION]: output,
        }),
      },
    });
    await expectLeavesCounted(result, { agent: 'triage', service: 'openinference-app' });
    const { leaves, ledger } = result;
    const streamed = ledger.events.find((event) => event.usageUnavailableReason !== undefined)!;
    expect(streamed.usageUnavailableReason).toBe('the span carries no token counts');
    expect(ledger.events.find((event) => event !== streamed)?.model).toBe(leaves.find((leaf) => !leaf.streamed)!.model);
  });
});
