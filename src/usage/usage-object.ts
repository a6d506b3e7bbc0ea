/**
 * `readUsageObject`: a bare usage object, as an app holds it after a call, in whichever shape its
 * provider or SDK wrote it, read by the same readers as whole responses. Used where usage is
 * handed to us without the response around it (`POST /v1/usage`, `tokenledger import`).
 *
 * The shape is told by field names, each the mark of one documented usage object:
 * - Gemini `usageMetadata` (camelCase or the Python SDK's snake_case): `promptTokenCount`...
 * - OpenAI Chat Completions (and every OpenAI-compatible provider): `prompt_tokens`, `completion_tokens`
 * - Anthropic Messages: `cache_creation_input_tokens`, `cache_read_input_tokens`, `iterations`
 * - OpenAI Responses: `input_tokens` with `input_tokens_details` / `output_tokens_details` / `total_tokens`
 * - Cohere v2 `usage` (`tokens`, `billed_units`) and v1 `meta`
 * - Bedrock Converse: `cacheReadInputTokens`, `cacheWriteInputTokens` (its `inputTokens` excludes the cache)
 * - Ollama: `prompt_eval_count`, `eval_count`
 * - the AI SDK's usage (`inputTokenDetails`, `cachedInputTokens`, or `inputTokens: { total }`)
 * - plain `input_tokens` / `output_tokens` (Anthropic without cache, or Responses without details: one reading)
 * Our own convention (DESIGN.md field names) is checked by the ledger itself, not here.
 *
 * @module
 */
import type { FormatHint, UsageFormat } from '../types/index.js';
import { normalizeAiSdkUsage } from './ai-sdk.js';
import { normalizeAnthropicUsage } from './anthropic.js';
import { normalizeBedrockUsage } from './bedrock.js';
import { normalizeCohereUsage } from './cohere.js';
import { isRecord } from './counts.js';
import { providerFromHint } from './detect.js';
import { isGeminiUsageMetadata, normalizeGeminiUsage } from './gemini.js';
import { normalizeOllamaUsage } from './ollama.js';
import { normalizeOpenAIChatUsage } from './openai-chat.js';
import { normalizeOpenAIResponsesUsage } from './openai-responses.js';
import type { UsageRead } from './result.js';
import { isXaiChat, normalizeXaiChatUsage } from './xai.js';

/** Whose usage object it is: a wire format, or the AI SDK's. */
export type UsageObjectShape = UsageFormat | 'ai-sdk';

/** What `readUsageObject` found. */
export interface UsageObjectRead {
  shape: UsageObjectShape;
  read: UsageRead;
}

const has = (raw: Record<string, unknown>, keys: readonly string[]): boolean => keys.some((key) => key in raw);

/** The shape of a usage object from its field names, or `undefined` when none matches. */
export function usageObjectShape(raw: Record<string, unknown>): UsageObjectShape | undefined {
  if (isGeminiUsageMetadata(raw)) return 'gemini';
  if (has(raw, ['prompt_tokens', 'completion_tokens', 'prompt_cache_hit_tokens'])) return 'openai-chat';
  if (has(raw, ['cache_creation_input_tokens', 'cache_read_input_tokens', 'cache_creation', 'iterations']))
    return 'anthropic';
  if ('input_tokens' in raw && has(raw, ['input_tokens_details', 'output_tokens_details', 'total_tokens']))
    return 'openai-responses';
  if (has(raw, ['tokens', 'billed_units'])) return 'cohere';
  if (
    has(raw, ['cacheReadInputTokens', 'cacheWriteInputTokens', 'cacheReadInputTokenCount', 'cacheWriteInputTokenCount'])
  )
    return 'bedrock-converse';
  if (has(raw, ['prompt_eval_count', 'eval_count'])) return 'ollama';
  if (has(raw, ['inputTokenDetails', 'outputTokenDetails', 'cachedInputTokens']) || isRecord(raw['inputTokens']))
    return 'ai-sdk';
  if (has(raw, ['input_tokens', 'output_tokens'])) return 'anthropic';
  return undefined;
}

/**
 * Reads one bare usage object in a provider's or SDK's shape. A Gemini `{ usageMetadata }` or a
 * Cohere v1 `{ meta }` wrapper is unwrapped. `undefined` when no known shape matches.
 */
export function readUsageObject(raw: Record<string, unknown>, hint?: FormatHint): UsageObjectRead | undefined {
  const inner = isRecord(raw['usageMetadata'])
    ? raw['usageMetadata']
    : isRecord(raw['usage_metadata'])
      ? raw['usage_metadata']
      : undefined;
  if (inner !== undefined) return { shape: 'gemini', read: normalizeGeminiUsage(inner) };
  const shape = usageObjectShape(raw);
  if (shape === undefined) return undefined;
  return { shape, read: readAs(shape, raw, hint) };
}

function readAs(shape: UsageObjectShape, raw: Record<string, unknown>, hint: FormatHint | undefined): UsageRead {
  switch (shape) {
    case 'openai-chat':
      // xAI's chat usage leaves reasoning out of completion_tokens (xai.ts).
      return isXaiChat(hint, hint?.model) ? normalizeXaiChatUsage(raw) : normalizeOpenAIChatUsage(raw);
    case 'openai-responses':
      return normalizeOpenAIResponsesUsage(raw);
    case 'anthropic':
      return normalizeAnthropicUsage(raw);
    case 'gemini':
      return normalizeGeminiUsage(raw);
    case 'bedrock-converse':
      return normalizeBedrockUsage(raw);
    case 'cohere':
      return normalizeCohereUsage(raw);
    case 'ollama':
      return normalizeOllamaUsage(raw);
    case 'ai-sdk':
      return normalizeAiSdkUsage(raw, { provider: providerFromHint(hint) });
  }
}
