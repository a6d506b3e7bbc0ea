/**
 * OpenAI Chat Completions usage, and the OpenAI-compatible providers that reuse its shape:
 * OpenRouter (`usage.cost`, `prompt_tokens_details.cache_write_tokens`), DeepSeek
 * (`prompt_cache_hit_tokens`), Mistral, Azure OpenAI, Groq (`x_groq.usage` on stream chunks).
 * xAI's chat quirk (reasoning outside `completion_tokens`) lives in `xai.ts`.
 *
 * `prompt_tokens` already includes cached and cache-write tokens, and `completion_tokens`
 * already includes reasoning (https://platform.openai.com/docs/api-reference/chat/object).
 * Absent `*_details` counters read as 0 when the usage object is present: older usage
 * objects (2024) have no details at all (see counts.ts).
 *
 * @module
 */
import type { Count } from '../types/index.js';
import {
  createCountProblems,
  isRecord,
  readCount,
  recordAt,
  stringAt,
  type CountProblems,
  type UsageParts,
} from './counts.js';
import { readFromParts, unavailableRead, type UsageRead } from './result.js';
import {
  LastWinsAccumulator,
  mentionsNonNull,
  type FormatAccumulator,
  type LastWinsSpec,
  type StreamEventInput,
} from './stream-support.js';

/** The wire shape we read (lenient: every field may be missing, null or wrong). */
export interface OpenAIChatUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: {
    cached_tokens?: number | null;
    /** OpenAI (gpt-5.6+) and OpenRouter: tokens written to the prompt cache. */
    cache_write_tokens?: number | null;
    audio_tokens?: number | null;
  } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null; audio_tokens?: number | null } | null;
  /** DeepSeek: equals `prompt_tokens_details.cached_tokens` where both are sent. */
  prompt_cache_hit_tokens?: number | null;
  /** OpenRouter: what the call cost, USD (https://openrouter.ai/docs/use-cases/usage-accounting). */
  cost?: number | null;
}

/** Reads the parts of an OpenAI-style usage object; `completion` is kept apart for xai.ts. */
export function readOpenAIChatParts(
  raw: Record<string, unknown>,
  problems: CountProblems,
): UsageParts & { completion: Count } {
  const promptDetails = recordAt(raw, 'prompt_tokens_details');
  const completionDetails = recordAt(raw, 'completion_tokens_details');
  const input = readCount(raw['prompt_tokens'] ?? raw['input_tokens'], 'prompt_tokens', problems, undefined);
  const completion = readCount(
    raw['completion_tokens'] ?? raw['output_tokens'],
    'completion_tokens',
    problems,
    undefined,
  );
  const cachedValue = promptDetails?.['cached_tokens'] ?? raw['prompt_cache_hit_tokens'];
  const parts: UsageParts & { completion: Count } = {
    inputTokens: input,
    outputTokens: completion,
    completion,
    cacheReadTokens: readCount(cachedValue, 'prompt_tokens_details.cached_tokens', problems, 0),
    cacheWriteTokens: readCount(
      promptDetails?.['cache_write_tokens'],
      'prompt_tokens_details.cache_write_tokens',
      problems,
      0,
    ),
    reasoningTokens: readCount(
      completionDetails?.['reasoning_tokens'],
      'completion_tokens_details.reasoning_tokens',
      problems,
      0,
    ),
    reportedTotal: readCount(raw['total_tokens'], 'total_tokens', problems, undefined),
  };
  // Embeddings usage has no completion_tokens, only `total_tokens === prompt_tokens`: the total
  // then says how much output there was (0), rather than leaving it unknown.
  if (
    raw['completion_tokens'] === undefined &&
    raw['output_tokens'] === undefined &&
    input !== undefined &&
    parts.reportedTotal !== undefined &&
    parts.reportedTotal >= input
  ) {
    parts.outputTokens = parts.reportedTotal - input;
    parts.completion = parts.outputTokens;
  }
  const inputAudio = readCount(
    promptDetails?.['audio_tokens'],
    'prompt_tokens_details.audio_tokens',
    problems,
    undefined,
  );
  const outputAudio = readCount(
    completionDetails?.['audio_tokens'],
    'completion_tokens_details.audio_tokens',
    problems,
    undefined,
  );
  if (inputAudio !== undefined) parts.inputAudioTokens = inputAudio;
  if (outputAudio !== undefined) parts.outputAudioTokens = outputAudio;
  return parts;
}

/** A provider-reported cost in USD, when it is a plausible number. */
export function readProviderCost(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Normalizes one OpenAI Chat Completions (or compatible) `usage` object. */
export function normalizeOpenAIChatUsage(raw: unknown): UsageRead {
  if (!isRecord(raw)) return unavailableRead('response has no usage object');
  const problems = createCountProblems();
  const read = readFromParts(readOpenAIChatParts(raw, problems), problems, raw);
  const cost = readProviderCost(raw['cost']);
  if (cost !== undefined) read.providerCost = cost;
  return read;
}

/** The usage object of a response body or stream chunk: `usage`, else Groq's `x_groq.usage`. */
export function openAIChatUsageOf(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const usage = body['usage'];
  if (isRecord(usage)) return usage;
  // Groq repeats usage under x_groq on the finish chunk (and some older chunks carry only that):
  // https://console.groq.com/docs/api-reference#chat-create
  return recordAt(body['x_groq'], 'usage');
}

export function openAIChatModelOf(body: Record<string, unknown>): string | undefined {
  return stringAt(body, 'model');
}

/**
 * Stream reading: usage is the last chunk whose `usage` is non-null; that may be a
 * `choices: []` chunk (OpenAI `include_usage`, Azure) or the finish chunk (Mistral, DeepSeek,
 * Groq, OpenRouter). The xAI quirk swaps `normalize` (stream-accumulator.ts).
 */
export const OPENAI_CHAT_STREAM: LastWinsSpec = {
  isCandidate: (event: StreamEventInput) => mentionsNonNull(event.data, '"usage"'),
  extract: openAIChatUsageOf,
  normalize: (raw) => normalizeOpenAIChatUsage(raw),
  modelOf: openAIChatModelOf,
  // Azure opens with a `choices: []` chunk holding only prompt_filter_results; OpenAI with a
  // role-only delta (`"content":""`): neither is content yet.
  isPreamble: (event) => event.data.includes('"prompt_filter_results"') || isRoleOnlyDelta(event.data),
};

const EMPTY_CONTENT = /"content":\s*(""|null)/;
const OTHER_CONTENT = /"tool_calls"|"reasoning|"refusal":\s*"[^"]|"audio"|"function_call"/;

/** The opening chunk that only says who speaks: an empty content and nothing else said. */
function isRoleOnlyDelta(data: string): boolean {
  return EMPTY_CONTENT.test(data) && !OTHER_CONTENT.test(data);
}

/** Stream accumulator with the plain OpenAI reading. */
export function createOpenAIChatStreamAccumulator(): FormatAccumulator {
  return new LastWinsAccumulator(OPENAI_CHAT_STREAM);
}
