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
import type { FormatHint } from '../types/index.js';
import { createCountProblems, isRecord, sumParts } from './counts.js';
import { readOpenAIChatParts, readProviderCost } from './openai-chat.js';
import { readFromParts, unavailableRead, type UsageRead } from './result.js';

/** xAI bills in ticks of 1e-10 USD (`cost_in_usd_ticks`; 1176500 ticks for 12 in / 229 out on grok-3-mini = $0.00011765). */
const USD_PER_TICK = 1e-10;

/**
 * True when an OpenAI-style chat body comes from xAI directly: hint provider `xai`, a URL on
 * api.x.ai, or (no provider hint) a bare `grok-*` model. `x-ai/grok-4` (OpenRouter) is not.
 */
export function isXaiChat(hint: FormatHint | undefined, model: string | undefined): boolean {
  const provider = hint?.provider?.toLowerCase();
  if (provider !== undefined) return provider === 'xai' || provider === 'x-ai' || provider === 'grok';
  if (hint?.url !== undefined && /(^|\/\/|\.)api\.x\.ai(\/|:|$)/i.test(hint.url)) return true;
  if (hint?.url !== undefined && /^https?:\/\//i.test(hint.url)) return false;
  const name = model ?? hint?.model;
  return name !== undefined && /^grok-/i.test(name);
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
