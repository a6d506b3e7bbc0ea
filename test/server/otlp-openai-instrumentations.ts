/**
 * The app side of the OpenInference and OpenLLMetry golden captures: the official OpenAI SDK,
 * patched by the instrumentation under test, calling the mock provider inside an agent span
 * (as an agent framework makes one: it sums its children's usage), once plain and once streamed.
 * Returns what the SDK itself reported for each call.
 */
import type { Attributes, Tracer } from '@opentelemetry/api';
import OpenAI from 'openai';
import type { LeafCall } from './otlp-capture-server.js';

export interface AgentSpanShape {
  name: string;
  /** The agent span's own attributes, in the convention under test. */
  attributes: Attributes;
  /** The summed usage of its children, in the convention's keys. */
  summed(input: number, output: number): Attributes;
}

export async function openAiAgentRun(
  tracer: Tracer,
  baseURL: string,
  agent: AgentSpanShape,
): Promise<(LeafCall & { model: string; streamed: boolean })[]> {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0 });
  return tracer.startActiveSpan(agent.name, { attributes: agent.attributes }, async (span) => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const stream = await client.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamedUsage: OpenAI.CompletionUsage | undefined;
    let streamedModel = '';
    for await (const chunk of stream) {
      streamedModel = chunk.model;
      if (chunk.usage) streamedUsage = chunk.usage;
    }
    const leaves = [
      {
        input: completion.usage?.prompt_tokens,
        output: completion.usage?.completion_tokens,
        model: completion.model,
        streamed: false,
      },
      {
        input: streamedUsage?.prompt_tokens,
        output: streamedUsage?.completion_tokens,
        model: streamedModel,
        streamed: true,
      },
    ];
    span.setAttributes(
      agent.summed(
        leaves.reduce((sum, leaf) => sum + (leaf.input ?? 0), 0),
        leaves.reduce((sum, leaf) => sum + (leaf.output ?? 0), 0),
      ),
    );
    span.end();
    return leaves;
  });
}
