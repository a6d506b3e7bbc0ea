/**
 * Golden captures of OpenLLMetry (@traceloop/instrumentation-openai on the official OpenAI
 * SDK), exported by the real OTLP exporters (protobuf and JSON) to `tokenledger serve`: GenAI
 * `chat` spans under an OpenLLMetry agent span (`traceloop.span.kind` agent, named by
 * `traceloop.entity.name`) that carries its children's summed usage. The instrumentation
 * records no token counts for a streamed call unless told to estimate them (`enrichTokens`),
 * so that call is in the ledger with usage unavailable and no price, never as $0.
 */
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import { describe, expect, it } from 'vitest';
import type { OtlpProtocol } from '../helpers/otel-exporter.js';
import { expectLeavesCounted, exportAgentRun, useInstrumentedOpenAi } from '../helpers/otel-openai-agent.js';

const instrumentation = new OpenAIInstrumentation();
const ends = useInstrumentedOpenAi(instrumentation);

describe.each<OtlpProtocol>(['http/protobuf', 'http/json'])('OpenLLMetry spans over %s', (protocol) => {
  it('records each chat span once under its agent; the agent span adds nothing; a stream without counts is unpriced', async () => {
    const result = await exportAgentRun(ends(), instrumentation, {
      protocol,
      serviceName: 'openllmetry-app',
      agent: {
        name: 'planner.agent',
        attributes: { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'planner' },
        summed: (input, output) => ({ 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output }),
      },
    });
    await expectLeavesCounted(result, { agent: 'planner', service: 'openllmetry-app' });
    const { leaves, ledger } = result;
    const streamed = ledger.events.find((event) => event.usageUnavailableReason !== undefined)!;
    expect(streamed.model).toBe(leaves.find((leaf) => leaf.streamed)!.model);
  });
});
