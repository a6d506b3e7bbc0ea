/**
 * The OpenInference and OpenLLMetry golden captures, both ends: `useInstrumentedOpenAi()` starts
 * `tokenledger serve` and the mock provider and patches the official OpenAI SDK with the
 * instrumentation under test for the file's tests; `exportAgentRun()` is the app side: the SDK
 * calling the mock provider inside an agent span (as an agent framework makes one: it sums its
 * children's usage), once plain and once streamed, its spans sent by the real OTLP exporter;
 * `expectLeavesCounted()` checks the ledger counted each leaf call once and the agent span not.
 */
import type { Attributes, Tracer, TracerProvider } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect } from 'vitest';
import { createExportRun, type OtlpProtocol } from './otel-exporter.js';
import {
  directCostNanos,
  ledgerView,
  startCaptureServer,
  type CaptureServer,
  type LeafCall,
  type LedgerView,
} from './otlp-capture-server.js';

/** What an OpenAI instrumentation package exposes (OpenInference's and OpenLLMetry's alike). */
export interface OpenAiInstrumentation {
  manuallyInstrument(module: typeof OpenAI): void;
  setTracerProvider(provider: TracerProvider): void;
  disable(): void;
}

/**
 * The SDK methods these instrumentations wrap. `disable()` does not unwrap all of them
 * (OpenLLMetry's manual instrumentation none, OpenInference's not `responses.create`), and the
 * unit tier's files share one process: the next file's SDK would answer plain promises.
 */
function wrappedMethods(): Array<{ owner: Record<string, unknown>; name: string }> {
  const methods: Array<[object, string[]]> = [
    [OpenAI.Chat.Completions.prototype, ['create']],
    [OpenAI.Completions.prototype, ['create']],
    [OpenAI.Embeddings.prototype, ['create']],
    [OpenAI.Responses.prototype, ['create']],
    [OpenAI.Images.prototype, ['generate', 'edit', 'createVariation']],
  ];
  return methods.flatMap(([owner, names]) => names.map((name) => ({ owner: owner as Record<string, unknown>, name })));
}

/** Both ends for this file's tests, with `instrumentation` patching the OpenAI SDK meanwhile. */
export function useInstrumentedOpenAi(instrumentation: OpenAiInstrumentation): () => CaptureServer {
  let ends: CaptureServer | undefined;
  const originals = wrappedMethods().map((method) => ({ ...method, value: method.owner[method.name] }));
  beforeAll(async () => {
    ends = await startCaptureServer();
    instrumentation.manuallyInstrument(OpenAI);
  });
  afterAll(async () => {
    instrumentation.disable();
    for (const { owner, name, value } of originals) owner[name] = value;
    await ends?.close();
  });
  return () => {
    if (ends === undefined) throw new Error('useInstrumentedOpenAi: the servers start in beforeAll');
    return ends;
  };
}

export type AgentLeaf = LeafCall & { model: string; streamed: boolean };

/** One agent run of the instrumented app on an emptied ledger, exported over `protocol`; the ledger's view after it. */
export async function exportAgentRun(
  ends: CaptureServer,
  instrumentation: OpenAiInstrumentation,
  options: { protocol: OtlpProtocol; serviceName: string; agent: AgentSpanShape },
): Promise<{ leaves: AgentLeaf[]; ledger: LedgerView }> {
  await ends.server.store.delete({});
  const run = createExportRun({
    url: `${ends.server.url}/v1/traces`,
    protocol: options.protocol,
    serviceName: options.serviceName,
  });
  instrumentation.setTracerProvider(run.provider);
  const leaves = await openAiAgentRun(run.tracer, `${ends.mock.url}/v1`, options.agent);
  await run.finish();
  expect(run.results.map((result) => result.code)).toEqual([0]);
  return { leaves, ledger: await ledgerView(ends.server) };
}

/**
 * Each leaf call once, none for the agent span: the plain call's usage and cost exact, the
 * streamed one (these instrumentations write no counts for it) counted with usage unavailable
 * and no price, never as $0; every event attributed to `agent` and the app's service.
 */
export async function expectLeavesCounted(
  { leaves, ledger }: { leaves: AgentLeaf[]; ledger: LedgerView },
  expected: { agent: string; service: string },
): Promise<void> {
  const plain = leaves.find((leaf) => !leaf.streamed)!;
  expect(ledger.calls).toBe(2);
  expect(ledger.inputTokens).toBe(plain.input);
  expect(ledger.outputTokens).toBe(plain.output);
  expect(ledger.costNanos).toBe(await directCostNanos([plain]));
  expect(ledger.usageUnavailableCalls).toBe(1);
  for (const event of ledger.events) {
    expect(event).toMatchObject({ provider: 'openai', agent: expected.agent, tags: { service: expected.service } });
  }
  const streamed = ledger.events.find((event) => event.usageUnavailableReason !== undefined)!;
  expect(streamed.cost).toBeNull();
}

export interface AgentSpanShape {
  name: string;
  /** The agent span's own attributes, in the convention under test. */
  attributes: Attributes;
  /** The summed usage of its children, in the convention's keys. */
  summed(input: number, output: number): Attributes;
}

export async function openAiAgentRun(tracer: Tracer, baseURL: string, agent: AgentSpanShape): Promise<AgentLeaf[]> {
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
