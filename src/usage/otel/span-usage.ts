/**
 * A model-call span's token counts, in our inclusive convention (DESIGN.md), per convention:
 *
 * - **GenAI** (semantic-conventions gen-ai-spans.md): `gen_ai.usage.input_tokens` "SHOULD
 *   include all types of input tokens, including cached tokens", with the parts
 *   `gen_ai.usage.cache_read.input_tokens` and `gen_ai.usage.cache_creation.input_tokens`;
 *   `gen_ai.usage.output_tokens` includes `gen_ai.usage.reasoning.output_tokens`. The older
 *   names (`gen_ai.usage.prompt_tokens` / `completion_tokens`) and OpenLLMetry's
 *   (`gen_ai.usage.cache_read_input_tokens`, `cache_creation_input_tokens`,
 *   `reasoning_tokens`, `llm.usage.total_tokens`) are read where the current ones are absent.
 * - **OpenInference** (Arize-ai/openinference spec/semantic_conventions.md):
 *   `llm.token_count.prompt` and `.completion`, with the parts
 *   `llm.token_count.prompt_details.cache_read`, `.cache_write`, `.audio` and
 *   `llm.token_count.completion_details.reasoning`, `.audio`. `prompt_details.cache_input`
 *   ("input tokens in the prompt that were cached") is read as the cache read where
 *   `cache_read` is absent.
 * - **AI SDK** `ai.*` spans: their `ai.usage.*` attributes are the SDK's own usage object
 *   flattened, so they are rebuilt into it and read by the one AI SDK reader (ai-sdk.ts), ai@5's
 *   per-provider quirks included.
 *
 * An attribute that is absent is a count the instrumentation did not report: unknown, not 0,
 * except an embedding call's output, which is none. A value that is not a trustworthy count
 * is dropped with a warning (counts.ts), never read as 0.
 *
 * @module
 */
import type { Count } from '../../types/index.js';
import { normalizeAiSdkUsage } from '../ai-sdk.js';
import { createCountProblems, readCount, type CountProblems, type UsageParts } from '../counts.js';
import { readFromParts, type UsageRead } from '../result.js';
import type { SpanConvention } from './model-call.js';
import { firstPresent, type OtelAttributes, stringAttribute } from './span.js';

const GENAI_KEYS = {
  input: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'],
  output: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'],
  cacheRead: ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens'],
  cacheWrite: ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens'],
  reasoning: ['gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens'],
  total: ['gen_ai.usage.total_tokens', 'llm.usage.total_tokens'],
} as const;

const OPENINFERENCE_KEYS = {
  input: ['llm.token_count.prompt'],
  output: ['llm.token_count.completion'],
  cacheRead: ['llm.token_count.prompt_details.cache_read', 'llm.token_count.prompt_details.cache_input'],
  cacheWrite: ['llm.token_count.prompt_details.cache_write'],
  reasoning: ['llm.token_count.completion_details.reasoning'],
  total: ['llm.token_count.total'],
  inputAudio: ['llm.token_count.prompt_details.audio'],
  outputAudio: ['llm.token_count.completion_details.audio'],
} as const;

interface KeySet {
  input: readonly string[];
  output: readonly string[];
  cacheRead: readonly string[];
  cacheWrite: readonly string[];
  reasoning: readonly string[];
  total: readonly string[];
  inputAudio?: readonly string[];
  outputAudio?: readonly string[];
}

/** Reads the usage of a model-call span; `embedding` says the call produces no output tokens. */
export function readSpanUsage(
  attributes: OtelAttributes,
  convention: SpanConvention,
  context: { provider: string | undefined; embedding: boolean },
): UsageRead {
  if (convention === 'ai-sdk') return readAiSdkSpanUsage(attributes, context.provider);
  return readKeyedUsage(
    attributes,
    convention === 'openinference' ? OPENINFERENCE_KEYS : GENAI_KEYS,
    context.embedding,
  );
}

/**
 * The first of `names` present, read as a count (its raw value kept in `raw`). Not a closure
 * made per span: run from source (tsx keeps function names), each closure made costs a
 * defineProperty, and the receiver reads seven counts a span.
 */
function keyedCount(
  attributes: OtelAttributes,
  names: readonly string[] | undefined,
  raw: Record<string, string | number | boolean>,
  problems: CountProblems,
): Count {
  if (names === undefined) return undefined;
  const found = firstPresent(attributes, names);
  if (found === undefined) return undefined;
  if (typeof found.value === 'string' || typeof found.value === 'number' || typeof found.value === 'boolean')
    raw[found.key] = found.value;
  return readCount(found.value, found.key, problems, undefined);
}

function readKeyedUsage(attributes: OtelAttributes, keys: KeySet, embedding: boolean): UsageRead {
  const problems = createCountProblems();
  const raw: Record<string, string | number | boolean> = {};
  const input = keyedCount(attributes, keys.input, raw, problems);
  let output = keyedCount(attributes, keys.output, raw, problems);
  if (output === undefined && embedding && input !== undefined) output = 0;
  const parts: UsageParts = {
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: keyedCount(attributes, keys.cacheRead, raw, problems),
    cacheWriteTokens: keyedCount(attributes, keys.cacheWrite, raw, problems),
    reasoningTokens: keyedCount(attributes, keys.reasoning, raw, problems),
    reportedTotal: keyedCount(attributes, keys.total, raw, problems),
  };
  const inputAudio = keyedCount(attributes, keys.inputAudio, raw, problems);
  const outputAudio = keyedCount(attributes, keys.outputAudio, raw, problems);
  if (inputAudio !== undefined) parts.inputAudioTokens = inputAudio;
  if (outputAudio !== undefined) parts.outputAudioTokens = outputAudio;
  return finish(parts, problems, raw);
}

function finish(parts: UsageParts, problems: CountProblems, raw: Record<string, string | number | boolean>): UsageRead {
  const read = readFromParts(parts, problems, Object.keys(raw).length === 0 ? undefined : raw);
  if (read.usage === undefined && problems.untrusted.length === 0) read.reason = 'the span carries no token counts';
  return read;
}

/** Attribute suffixes of the AI SDK's usage object on its spans, by the shape they belong to. */
const AI_SDK_DETAIL_KEYS = [
  ['inputTokenDetails', ['noCacheTokens', 'cacheReadTokens', 'cacheWriteTokens']],
  ['outputTokenDetails', ['textTokens', 'reasoningTokens']],
] as const;

/**
 * Rebuilds the AI SDK usage object from `ai.usage.*`: ai@6 and later flatten
 * `LanguageModelUsage` (`inputTokenDetails.cacheReadTokens`...); ai@5 its V2 usage
 * (`cachedInputTokens`, `reasoningTokens`); ai@4 `promptTokens` / `completionTokens`.
 */
function readAiSdkSpanUsage(attributes: OtelAttributes, provider: string | undefined): UsageRead {
  const value = (key: string): unknown => attributes.get(`ai.usage.${key}`);
  const usage: Record<string, unknown> = {
    inputTokens: value('inputTokens') ?? value('promptTokens'),
    outputTokens: value('outputTokens') ?? value('completionTokens'),
    totalTokens: value('totalTokens'),
  };
  let detailed = false;
  for (const [group, names] of AI_SDK_DETAIL_KEYS) {
    const details: Record<string, unknown> = {};
    for (const name of names) {
      const detail = value(`${group}.${name}`);
      if (detail !== undefined) {
        details[name] = detail;
        detailed = true;
      }
    }
    usage[group] = details;
  }
  if (!detailed) {
    delete usage['inputTokenDetails'];
    delete usage['outputTokenDetails'];
    usage['cachedInputTokens'] = value('cachedInputTokens');
    usage['reasoningTokens'] = value('reasoningTokens');
  }
  if (usage['inputTokens'] === undefined && usage['outputTokens'] === undefined)
    return { usage: undefined, reason: 'the span carries no token counts', warnings: [] };
  return normalizeAiSdkUsage(usage, { provider, providerMetadata: providerMetadataOf(attributes) });
}

/** ai@5 keeps Anthropic's and Bedrock's cache writes in the provider metadata (ai-sdk.ts). */
function providerMetadataOf(attributes: OtelAttributes): unknown {
  const text = stringAttribute(attributes, 'ai.response.providerMetadata');
  if (text === undefined || text.length > 65_536) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
