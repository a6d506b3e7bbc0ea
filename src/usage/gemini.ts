/**
 * Gemini / Vertex AI usage, in the three shapes met in the wild:
 * - REST `usageMetadata` (camelCase): `{ promptTokenCount, candidatesTokenCount, ... }`;
 * - the Python SDK's `usage_metadata` (snake_case, `model_dump()`), where unset counters are null;
 * - bare top-level fields (a usage metadata object on its own, either case).
 *
 * inputTokens = promptTokenCount + toolUsePromptTokenCount (promptTokenCount already includes
 * cachedContentTokenCount: "When cachedContent is set, this is still the total effective prompt
 * size"). outputTokens = candidatesTokenCount + thoughtsTokenCount: candidates leave thoughts
 * out (https://ai.google.dev/api/generate-content#UsageMetadata).
 *
 * Absent counters read as 0: the API speaks proto3 JSON, which DROPS zero-valued fields, so a
 * safety-blocked answer has no candidatesTokenCount at all. A usage object with no counter at
 * all is still "usage unavailable".
 *
 * Stream: every chunk repeats a cumulative usageMetadata that is not monotonic; the last chunk's
 * holds the whole stream's usage.
 *
 * @module
 */
import type { Count } from '../types/index.js';
import {
  createCountProblems,
  isRecord,
  readCount,
  stringAt,
  sumParts,
  type CountProblems,
  type UsageParts,
} from './counts.js';
import { readFromParts, unavailableRead, type UsageRead } from './result.js';
import { LastWinsAccumulator, type FormatAccumulator, type LastWinsSpec } from './stream-support.js';

/** The wire shape we read (camelCase; the snake_case twin is read the same way). */
export interface GeminiUsageMetadata {
  promptTokenCount?: number | null;
  candidatesTokenCount?: number | null;
  thoughtsTokenCount?: number | null;
  toolUsePromptTokenCount?: number | null;
  cachedContentTokenCount?: number | null;
  totalTokenCount?: number | null;
  promptTokensDetails?: Array<{ modality?: string; tokenCount?: number }> | null;
  candidatesTokensDetails?: Array<{ modality?: string; tokenCount?: number }> | null;
}

const COUNTERS = {
  prompt: ['promptTokenCount', 'prompt_token_count'],
  candidates: ['candidatesTokenCount', 'candidates_token_count'],
  thoughts: ['thoughtsTokenCount', 'thoughts_token_count'],
  toolUse: ['toolUsePromptTokenCount', 'tool_use_prompt_token_count'],
  cached: ['cachedContentTokenCount', 'cached_content_token_count'],
  total: ['totalTokenCount', 'total_token_count'],
} as const;

function pick(raw: Record<string, unknown>, names: readonly [string, string]): unknown {
  return raw[names[0]] ?? raw[names[1]];
}

/** True when an object looks like Gemini usage metadata itself (either case). */
export function isGeminiUsageMetadata(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  let counted = false;
  for (const key of Object.keys(value)) {
    if (GEMINI_USAGE_KEYS.has(key)) counted ||= COUNTER_KEYS.has(key);
    // Another provider's token counter beside a Gemini-like name (Llama on Bedrock sends
    // `prompt_token_count` with `generation_token_count`): not Gemini's usage metadata.
    else if (/token/i.test(key)) return false;
  }
  return counted;
}

const COUNTER_KEYS: ReadonlySet<string> = new Set(Object.values(COUNTERS).flat());

/** Every key of Gemini's UsageMetadata (https://ai.google.dev/api/generate-content#UsageMetadata), both cases. */
const GEMINI_USAGE_KEYS: ReadonlySet<string> = new Set([
  ...COUNTER_KEYS,
  'promptTokensDetails',
  'prompt_tokens_details',
  'cacheTokensDetails',
  'cache_tokens_details',
  'candidatesTokensDetails',
  'candidates_tokens_details',
  'toolUsePromptTokensDetails',
  'tool_use_prompt_tokens_details',
  'trafficType',
  'traffic_type',
]);

/** The usage metadata of a response body or stream chunk, in any of the three shapes. */
export function geminiUsageOf(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const nested = body['usageMetadata'] ?? body['usage_metadata'];
  if (isRecord(nested)) return nested;
  return isGeminiUsageMetadata(body) ? body : undefined;
}

export function geminiModelOf(body: Record<string, unknown>): string | undefined {
  return stringAt(body, 'modelVersion') ?? stringAt(body, 'model_version') ?? stringAt(body, 'model');
}

function audioCount(details: unknown, field: string, problems: CountProblems): Count {
  if (!Array.isArray(details)) return undefined;
  let total: Count = 0;
  for (const entry of details) {
    if (!isRecord(entry) || entry['modality'] !== 'AUDIO') continue;
    total = sumParts(total, readCount(entry['tokenCount'] ?? entry['token_count'], field, problems, 0));
  }
  return total;
}

/** Normalizes one Gemini usage metadata object (camelCase or snake_case). */
export function normalizeGeminiUsage(raw: unknown): UsageRead {
  if (!isRecord(raw)) return unavailableRead('response has no usageMetadata');
  if (!isGeminiUsageMetadata(raw)) return unavailableRead('usageMetadata holds no token counts');
  const problems = createCountProblems();
  const prompt = readCount(pick(raw, COUNTERS.prompt), 'promptTokenCount', problems, 0);
  const candidates = readCount(pick(raw, COUNTERS.candidates), 'candidatesTokenCount', problems, 0);
  const thoughts = readCount(pick(raw, COUNTERS.thoughts), 'thoughtsTokenCount', problems, 0);
  const toolUse = readCount(pick(raw, COUNTERS.toolUse), 'toolUsePromptTokenCount', problems, 0);
  const parts: UsageParts = {
    inputTokens: sumParts(prompt, toolUse),
    outputTokens: sumParts(candidates, thoughts),
    cacheReadTokens: readCount(pick(raw, COUNTERS.cached), 'cachedContentTokenCount', problems, 0),
    // Gemini bills explicit cache creation separately (caches.create); a response writes none.
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
    reportedTotal: readCount(pick(raw, COUNTERS.total), 'totalTokenCount', problems, undefined),
  };
  const inputAudio = audioCount(
    raw['promptTokensDetails'] ?? raw['prompt_tokens_details'],
    'promptTokensDetails.AUDIO',
    problems,
  );
  const outputAudio = audioCount(
    raw['candidatesTokensDetails'] ?? raw['candidates_tokens_details'],
    'candidatesTokensDetails.AUDIO',
    problems,
  );
  if (inputAudio !== undefined) parts.inputAudioTokens = inputAudio;
  if (outputAudio !== undefined) parts.outputAudioTokens = outputAudio;
  return readFromParts(parts, problems, raw);
}

const GEMINI_STREAM: LastWinsSpec = {
  // usageMetadata follows the candidates, so a search from the end finds it at once.
  isCandidate: (event) =>
    event.data.lastIndexOf('"usageMetadata"') >= 0 || event.data.lastIndexOf('"usage_metadata"') >= 0,
  extract: (chunk) => geminiUsageOf(chunk),
  normalize: (raw) => normalizeGeminiUsage(raw),
  modelOf: geminiModelOf,
  isPreamble: () => false,
  // The final chunk carries the finishReason; counts before it are partial (still growing).
  incomplete: (candidate) =>
    candidate.includes('"finishReason"') || candidate.includes('"finish_reason"')
      ? undefined
      : 'stream ended before its final chunk (no finishReason): counts may be partial',
};

/** Stream accumulator: the last chunk's usageMetadata. */
export function createGeminiStreamAccumulator(): FormatAccumulator {
  return new LastWinsAccumulator(GEMINI_STREAM);
}
