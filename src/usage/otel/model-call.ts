/**
 * Is this span one model call? Decided on the span's own attributes only, since its parent and
 * children may arrive in other batches. Only the leaf spans of a model call count: agent,
 * workflow, chain and tool spans, and the AI SDK's root spans, carry usage summed over their
 * children (`gen_ai.aggregated_usage.*`, the AI SDK's `ai.generateText` totals, an
 * `invoke_agent` span's usage) and never add to the ledger.
 *
 * The conventions, each checked by its own marker, most specific first:
 * - the AI SDK's own spans (`ai.operationId`): `ai.<fn>.doGenerate`, `.doStream` and `.doEmbed`
 *   are model calls (https://ai-sdk.dev/docs/ai-sdk-core/telemetry);
 * - OpenInference (`openinference.span.kind`): `LLM` and `EMBEDDING` spans
 *   (Arize-ai/openinference spec/semantic_conventions.md);
 * - OpenTelemetry GenAI (`gen_ai.operation.name`): `chat`, `text_completion`,
 *   `generate_content`, `embeddings` (semantic-conventions gen-ai-spans.md); `invoke_agent`,
 *   `create_agent`, `execute_tool` and the rest are not;
 * - OpenLLMetry (Traceloop) model spans, written before `gen_ai.operation.name` existed:
 *   `llm.request.type` `chat`, `completion` or `embedding`; its `traceloop.span.kind`
 *   (workflow, task, agent, tool) spans are not;
 * - older GenAI instrumentations with no operation name: a CLIENT span naming a model and
 *   carrying `gen_ai.usage.*` counts.
 *
 * @module
 */
import { firstString, type OtelSpan, stringAttribute } from './span.js';

/** How a model-call span describes itself; decides where its usage is read from. */
export type SpanConvention = 'ai-sdk' | 'openinference' | 'genai';

export type ModelCallVerdict = { call: true; convention: SpanConvention } | { call: false; reason: string };

/** Attribute tokenledger puts on the spans it exports, so they are never ingested back. */
export const EXPORTED_EVENT_ATTRIBUTE = 'tokenledger.event.id';

const GENAI_CALL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);
const AI_SDK_CALL_SUFFIXES = ['.doGenerate', '.doStream', '.doEmbed'];
const OPENINFERENCE_CALL_KINDS = new Set(['LLM', 'EMBEDDING']);
const TRACELOOP_CALL_TYPES = new Set(['chat', 'completion', 'embedding', 'embeddings']);
const SPAN_KIND_CLIENT = 3;

export function classifySpan(span: OtelSpan): ModelCallVerdict {
  const attributes = span.attributes;
  if (attributes.has(EXPORTED_EVENT_ATTRIBUTE)) return { call: false, reason: 'exported by tokenledger' };

  const operationId = stringAttribute(attributes, 'ai.operationId');
  if (operationId !== undefined) {
    return AI_SDK_CALL_SUFFIXES.some((suffix) => operationId.endsWith(suffix))
      ? { call: true, convention: 'ai-sdk' }
      : { call: false, reason: `AI SDK ${operationId} span (its model calls are its children)` };
  }

  const openInferenceKind = stringAttribute(attributes, 'openinference.span.kind');
  if (openInferenceKind !== undefined) {
    return OPENINFERENCE_CALL_KINDS.has(openInferenceKind.toUpperCase())
      ? { call: true, convention: 'openinference' }
      : { call: false, reason: `OpenInference ${openInferenceKind} span` };
  }

  const operation = stringAttribute(attributes, 'gen_ai.operation.name');
  if (operation !== undefined) {
    return GENAI_CALL_OPERATIONS.has(operation)
      ? { call: true, convention: 'genai' }
      : { call: false, reason: `gen_ai.operation.name ${operation} is not a model call` };
  }

  const traceloopKind = stringAttribute(attributes, 'traceloop.span.kind');
  if (traceloopKind !== undefined) return { call: false, reason: `OpenLLMetry ${traceloopKind} span` };
  const requestType = stringAttribute(attributes, 'llm.request.type');
  if (requestType !== undefined && TRACELOOP_CALL_TYPES.has(requestType)) return { call: true, convention: 'genai' };

  const namesModel = firstString(attributes, ['gen_ai.request.model', 'gen_ai.response.model']) !== undefined;
  const hasUsage = attributes.has('gen_ai.usage.input_tokens') || attributes.has('gen_ai.usage.prompt_tokens');
  if (namesModel && hasUsage && span.kind === SPAN_KIND_CLIENT) return { call: true, convention: 'genai' };
  return { call: false, reason: 'not a model call' };
}
