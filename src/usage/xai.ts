/**
 * xAI chat completions: `completion_tokens` LEAVES REASONING OUT. A grok-3-mini answer reports
 * `completion_tokens: 1`, `reasoning_tokens: 228`, `total_tokens: 241` for a 12-token prompt
 * (vercel/ai `packages/xai/src/__fixtures__/xai-text.json`; genai-prices' x_ai extractor adds
 * reasoning to output too). So outputTokens = completion_tokens + reasoning_tokens.
 *
 * Only the chat API has this quirk: xAI's Responses API and xAI models behind OpenRouter fold
 * reasoning into the output count as OpenAI does. When the provider reports a total, the total
 * decides: `prompt + completion = total` means reasoning is already inside.
 *
 * @module
 */
import { providerIdFromUrl, providerRecord, providerRecords } from '../providers/index.js';
import type { FormatHint } from '../types/index.js';
import { createCountProblems, isRecord, sumParts } from './counts.js';
import { readOpenAIChatParts, readProviderCost } from './openai-chat.js';
import { readFromParts, unavailableRead, type UsageRead } from './result.js';

/** xAI bills in ticks of 1e-10 USD (`cost_in_usd_ticks`; 1176500 ticks for 12 in / 229 out on grok-3-mini = $0.00011765). */
const USD_PER_TICK = 1e-10;

/**
 * True when an OpenAI-style chat body comes from a provider whose chat completions leave
 * reasoning out of `completion_tokens` (the registry's `chatOutputExcludesReasoning`, xAI):
 * named by the hint's provider, or by its URL's host, or (no provider, no URL) by a model only
 * that provider serves. `x-ai/grok-4` through OpenRouter is not: OpenRouter counts as OpenAI does.
 */
export function isXaiChat(hint: FormatHint | undefined, model: string | undefined): boolean {
  const named = providerRecord(hint?.provider);
  if (hint?.provider !== undefined && hint.provider.trim() !== '')
    return named?.quirks?.chatOutputExcludesReasoning === true;
  if (hint?.url !== undefined && /^https?:\/\//i.test(hint.url)) {
    const id = providerIdFromUrl(hint.url);
    return providerRecord(id)?.quirks?.chatOutputExcludesReasoning === true;
  }
  const name = model ?? hint?.model;
  if (name === undefined) return false;
  return providerRecords().some(
    (record) =>
      record.quirks?.chatOutputExcludesReasoning === true && record.bodyMarks?.modelPattern?.test(name) === true,
  );
}

/** Normalizes an xAI chat `usage` object (reasoning added to the completion count). */
export function normalizeXaiChatUsage(raw: unknown): UsageRead {
  if (!isRecord(raw)) return unavailableRead('response has no usage object');
  const problems = createCountProblems();
  const parts = readOpenAIChatParts(raw, problems);
  const alreadyInside =
    parts.reportedTotal !== undefined &&
    parts.inputTokens !== undefined &&
    parts.completion !== undefined &&
    parts.inputTokens + parts.completion === parts.reportedTotal;
  if (!alreadyInside) parts.outputTokens = sumParts(parts.completion, parts.reasoningTokens);
  const read = readFromParts(parts, problems, raw);
  const ticks = raw['cost_in_usd_ticks'];
  const cost =
    readProviderCost(raw['cost']) ?? (typeof ticks === 'number' ? readProviderCost(ticks * USD_PER_TICK) : undefined);
  if (cost !== undefined) read.providerCost = cost;
  return read;
}
