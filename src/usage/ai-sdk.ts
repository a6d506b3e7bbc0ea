/**
 * Vercel AI SDK usage (the `usage` a language model's `doGenerate` returns, or a stream's
 * `finish` part carries), in the three shapes met in the wild:
 *
 * - **LanguageModelV3** (ai@6, `@ai-sdk/provider` 3.x) and **V4** (ai@7, `@ai-sdk/provider`
 *   4.x, the same usage type): `inputTokens: { total, noCache,
 *   cacheRead, cacheWrite }`, `outputTokens: { total, text, reasoning }`, `raw`. Totals are
 *   inclusive by construction (`LanguageModelV3Usage` in `@ai-sdk/provider` 3.0.19: `noCache`
 *   is the non-cached input, so `total` = noCache + cacheRead + cacheWrite; output `total` =
 *   text + reasoning), so they map one to one. A part the provider left `undefined`
 *   stays unknown (the SDK already told unknown from zero), and a missing total is the sum of
 *   its parts when all of them are known.
 * - **ai@6/ai@7 `LanguageModelUsage`** (what `generateText` returns to the user): flat
 *   `inputTokens` / `outputTokens` plus `inputTokenDetails` / `outputTokenDetails`; inclusive,
 *   as V3.
 * - **LanguageModelV2** (ai@5): flat `inputTokens`, `outputTokens`, `totalTokens`,
 *   `reasoningTokens`, `cachedInputTokens`. The spec does not say whether totals are
 *   inclusive, and the ai@5 providers differ; the quirks are fixed here per provider:
 *   - `@ai-sdk/anthropic` 2.x sets `inputTokens = usage.input_tokens`, which EXCLUDES cache
 *     reads and writes, `cachedInputTokens = cache_read_input_tokens` and puts the cache write
 *     in `providerMetadata.anthropic.cacheCreationInputTokens` (vercel/ai v5
 *     `packages/anthropic/src/anthropic-messages-language-model.ts`; Anthropic: "total input
 *     tokens = input_tokens + cache_creation_input_tokens + cache_read_input_tokens").
 *   - `@ai-sdk/amazon-bedrock` 2.x: `inputTokens` is Converse `inputTokens` (cache excluded,
 *     see bedrock.ts), cache write in `providerMetadata.bedrock.usage.cacheWriteInputTokens`.
 *   - `@ai-sdk/google` 2.x sets `outputTokens = candidatesTokenCount`, which leaves thoughts
 *     out, and `reasoningTokens = thoughtsTokenCount` (see gemini.ts), so output = both.
 *   - OpenAI and OpenAI-compatible providers: `prompt_tokens` / `completion_tokens`, already
 *     inclusive (see openai-chat.ts).
 *
 * @module
 */
import type { Count } from '../types/index.js';
import {
  createCountProblems,
  isRecord,
  readCount,
  recordAt,
  sumParts,
  type CountProblems,
  type UsageParts,
} from './counts.js';
import { normalizeProviderId } from './detect.js';
import { readFromParts, unavailableRead, type UsageRead } from './result.js';

/** LanguageModelV3 usage (ai@6). */
export interface AiSdkUsageV3 {
  inputTokens: {
    total: number | undefined;
    noCache?: number | undefined;
    cacheRead?: number | undefined;
    cacheWrite?: number | undefined;
  };
  outputTokens: { total: number | undefined; text?: number | undefined; reasoning?: number | undefined };
  /** The provider's own usage object. */
  raw?: unknown;
}

/** LanguageModelV2 usage (ai@5). */
export interface AiSdkUsageV2 {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  totalTokens: number | undefined;
  reasoningTokens?: number | undefined;
  cachedInputTokens?: number | undefined;
}

/** What `generateText` / `streamText` return to the user in ai@6. */
export interface AiSdkLanguageModelUsage {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  totalTokens: number | undefined;
  inputTokenDetails?: {
    noCacheTokens?: number | undefined;
    cacheReadTokens?: number | undefined;
    cacheWriteTokens?: number | undefined;
  };
  outputTokenDetails?: { textTokens?: number | undefined; reasoningTokens?: number | undefined };
  raw?: unknown;
}

/** Any AI SDK usage shape this module reads. */
export type AiSdkUsage = AiSdkUsageV3 | AiSdkUsageV2 | AiSdkLanguageModelUsage;

/** What else is known about the call, for the V2 provider quirks. */
export interface AiSdkUsageContext {
  /** Our provider id (see {@link aiSdkProviderId}), e.g. `anthropic`, `google`. */
  provider?: string;
  /** The call's `providerMetadata` (V2 cache writes live there). */
  providerMetadata?: unknown;
}

/**
 * Our provider id for an AI SDK `model.provider` string: its first dotted segment, aliases
 * folded (`openai.chat` -> `openai`, `google.generative-ai` and `google.vertex.chat` ->
 * `google`, `anthropic.messages` -> `anthropic`, `amazon-bedrock` -> `bedrock`,
 * `azure-openai.responses` -> `azure`). Claude on Vertex (`vertex.anthropic.messages`) is
 * Anthropic's model at Anthropic's list prices, so `anthropic`, as detect.ts decides for URLs.
 */
export function aiSdkProviderId(provider: string | undefined): string | undefined {
  if (provider === undefined) return undefined;
  const segments = provider.trim().toLowerCase().split('.');
  if (segments.includes('anthropic')) return 'anthropic';
  return normalizeProviderId(segments[0]);
}

/**
 * Our provider id and model name for an AI SDK model (`model.provider`, `model.modelId` or an
 * answered `response.modelId`). The Vercel AI Gateway (`model.provider` `gateway`, what a
 * plain string model resolves to in ai@5/6) names models `creator/model` (`openai/gpt-4.1`):
 * the creator is the provider whose list prices apply (the gateway adds no markup,
 * https://vercel.com/docs/ai-gateway/pricing), so the id is split.
 */
export function aiSdkModelIdentity(provider: string, modelId: string): { provider: string; model: string } {
  const id = aiSdkProviderId(provider) ?? provider;
  const slash = modelId.indexOf('/');
  if (id === 'gateway' && slash > 0 && slash < modelId.length - 1) {
    return { provider: normalizeProviderId(modelId.slice(0, slash)) ?? id, model: modelId.slice(slash + 1) };
  }
  return { provider: id, model: modelId };
}

/**
 * Converts AI SDK usage (V3, ai@6 `LanguageModelUsage` or V2) into our convention: inclusive
 * totals, cache read/write parts of input, reasoning part of output. Never throws; anything
 * unreadable is "usage unavailable" with a reason, never zeros.
 */
export function normalizeAiSdkUsage(usage: unknown, context: AiSdkUsageContext = {}): UsageRead {
  if (!isRecord(usage)) return unavailableRead('the AI SDK reported no usage object');
  const problems = createCountProblems();
  if (isRecord(usage['inputTokens']) || isRecord(usage['outputTokens'])) return readV3(usage, problems);
  if ('inputTokenDetails' in usage || 'outputTokenDetails' in usage) return readLanguageModelUsage(usage, problems);
  return readV2(usage, problems, context);
}

function readV3(usage: Record<string, unknown>, problems: CountProblems): UsageRead {
  const input = recordAt(usage, 'inputTokens');
  const output = recordAt(usage, 'outputTokens');
  const noCache = readCount(input?.['noCache'], 'inputTokens.noCache', problems, undefined);
  const cacheRead = readCount(input?.['cacheRead'], 'inputTokens.cacheRead', problems, undefined);
  const cacheWrite = readCount(input?.['cacheWrite'], 'inputTokens.cacheWrite', problems, undefined);
  const text = readCount(output?.['text'], 'outputTokens.text', problems, undefined);
  const reasoning = readCount(output?.['reasoning'], 'outputTokens.reasoning', problems, undefined);
  const parts: UsageParts = {
    inputTokens:
      readCount(input?.['total'], 'inputTokens.total', problems, undefined) ?? sumParts(noCache, cacheRead, cacheWrite),
    outputTokens: readCount(output?.['total'], 'outputTokens.total', problems, undefined) ?? sumParts(text, reasoning),
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: reasoning,
  };
  // `raw` is the provider's own usage object, the most faithful thing to keep verbatim.
  return readFromParts(parts, problems, usage['raw'] ?? usage);
}

function readLanguageModelUsage(usage: Record<string, unknown>, problems: CountProblems): UsageRead {
  const input = recordAt(usage, 'inputTokenDetails');
  const output = recordAt(usage, 'outputTokenDetails');
  const noCache = readCount(input?.['noCacheTokens'], 'inputTokenDetails.noCacheTokens', problems, undefined);
  const cacheRead = readCount(input?.['cacheReadTokens'], 'inputTokenDetails.cacheReadTokens', problems, undefined);
  const cacheWrite = readCount(input?.['cacheWriteTokens'], 'inputTokenDetails.cacheWriteTokens', problems, undefined);
  const text = readCount(output?.['textTokens'], 'outputTokenDetails.textTokens', problems, undefined);
  const reasoning = readCount(output?.['reasoningTokens'], 'outputTokenDetails.reasoningTokens', problems, undefined);
  const parts: UsageParts = {
    inputTokens:
      readCount(usage['inputTokens'], 'inputTokens', problems, undefined) ?? sumParts(noCache, cacheRead, cacheWrite),
    outputTokens: readCount(usage['outputTokens'], 'outputTokens', problems, undefined) ?? sumParts(text, reasoning),
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: reasoning,
    reportedTotal: readCount(usage['totalTokens'], 'totalTokens', problems, undefined),
  };
  return readFromParts(parts, problems, usage['raw'] ?? usage);
}

function readV2(usage: Record<string, unknown>, problems: CountProblems, context: AiSdkUsageContext): UsageRead {
  const provider = normalizeProviderId(context.provider);
  const reportedInput = readCount(usage['inputTokens'], 'inputTokens', problems, undefined);
  const reportedOutput = readCount(usage['outputTokens'], 'outputTokens', problems, undefined);
  // With a usage object present, an absent sub-counter is a zero the provider omitted (counts.ts).
  const cacheRead = readCount(usage['cachedInputTokens'], 'cachedInputTokens', problems, 0);
  const reasoning = readCount(usage['reasoningTokens'], 'reasoningTokens', problems, 0);
  let inputTokens: Count = reportedInput;
  let outputTokens: Count = reportedOutput;
  let cacheWrite: Count = 0;
  let reportedTotal = readCount(usage['totalTokens'], 'totalTokens', problems, undefined);
  if (provider === 'anthropic' || provider === 'bedrock') {
    const metadata = recordAt(context.providerMetadata, provider);
    const written =
      provider === 'anthropic'
        ? metadata?.['cacheCreationInputTokens']
        : recordAt(metadata, 'usage')?.['cacheWriteInputTokens'];
    cacheWrite = readCount(
      written,
      provider === 'anthropic' ? 'anthropic.cacheCreationInputTokens' : 'bedrock.usage.cacheWriteInputTokens',
      problems,
      0,
    );
    inputTokens = sumParts(reportedInput, cacheRead, cacheWrite);
    // Their V2 totalTokens is input_tokens + output_tokens, cache left out: not comparable.
    reportedTotal = undefined;
  } else if (provider === 'google') {
    outputTokens = sumParts(reportedOutput, reasoning);
  }
  const parts: UsageParts = {
    inputTokens,
    outputTokens,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: reasoning,
    reportedTotal,
  };
  return readFromParts(parts, problems, usage);
}
