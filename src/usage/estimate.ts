/**
 * Token estimates for responses that carry no usage, counted locally with gpt-tokenizer.
 *
 * Encodings by model family (OpenAI's tiktoken model map): o200k_base for gpt-4o, gpt-4.1,
 * gpt-4.5, gpt-5, the o-series, gpt-oss and the realtime/audio/image models; cl100k_base for
 * gpt-4, gpt-3.5 and the text-embedding models. Other vendors' tokenizers are not public in JS
 * (or differ), so their counts are an approximation with o200k_base and say so in a warning.
 *
 * Encodings load on first use (src/lazy; o200k takes ~200 ms to load), so importing this module
 * costs nothing. Special-token text such as `<|endoftext|>` in user content is counted as
 * ordinary text: gpt-tokenizer throws on it by default, and a user may well type it.
 *
 * @module
 */
import { loadTokenizer } from '../lazy/index.js';
import type { Usage, UsageResult } from '../types/index.js';

type EncodingName = keyof typeof loadTokenizer;

// No special token is disallowed: `<|endoftext|>` typed by a user is counted as text.
const AS_TEXT = { disallowedSpecial: new Set<string>() };

function countText(name: EncodingName, text: string): number {
  return text === '' ? 0 : loadTokenizer[name]().countTokens(text, AS_TEXT);
}

const O200K =
  /^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o[1-9](-|$)|gpt-oss|gpt-realtime|gpt-audio|gpt-image|codex|computer-use|omni-moderation)/;
const CL100K = /^(gpt-4|gpt-3\.5|gpt-35|text-embedding-(3|ada-002))/;

/** The encoding for a model, and whether the count is only an approximation. */
export function encodingForModel(model: string | undefined): { name: EncodingName; approximate: boolean } {
  // `openai/gpt-4o` (OpenRouter) and `azure/...` style prefixes name the same models.
  const id = (model ?? '')
    .trim()
    .toLowerCase()
    .replace(/^(openai|azure)\//, '');
  if (O200K.test(id)) return { name: 'o200k_base', approximate: false };
  if (CL100K.test(id)) return { name: 'cl100k_base', approximate: false };
  return { name: 'o200k_base', approximate: true };
}

/**
 * Per-message overhead of OpenAI's chat format, as OpenAI documents it for gpt-3.5/gpt-4/
 * gpt-4o ("How to count tokens with tiktoken", openai-cookbook): 3 tokens per message, 1 per
 * `name`, and 3 that prime the reply.
 */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING = 3;

/**
 * The text strings of one message's content: a string, or an array of parts with `text`
 * (OpenAI, Anthropic, Gemini `parts`), nested `content` (Anthropic `tool_result`) or an
 * `input` object (Anthropic `tool_use`, counted as its JSON). Images and audio are not counted.
 */
function contentTexts(content: unknown, depth = 0): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content) || depth > 4) return [];
  const texts: string[] = [];
  for (const part of content as unknown[]) {
    if (typeof part === 'string') {
      texts.push(part);
      continue;
    }
    if (typeof part !== 'object' || part === null) continue;
    const { text, content: nested, input } = part as { text?: unknown; content?: unknown; input?: unknown };
    if (typeof text === 'string') texts.push(text);
    if (nested !== undefined) texts.push(...contentTexts(nested, depth + 1));
    if (typeof input === 'object' && input !== null) texts.push(JSON.stringify(input));
  }
  return texts;
}

/** Function names and arguments of OpenAI-style tool calls. */
function toolCallTexts(toolCalls: unknown): string[] {
  if (!Array.isArray(toolCalls)) return [];
  const texts: string[] = [];
  for (const call of toolCalls as unknown[]) {
    const fn: unknown =
      typeof call === 'object' && call !== null ? (call as { function?: unknown }).function : undefined;
    if (typeof fn !== 'object' || fn === null) continue;
    const { name, arguments: args } = fn as { name?: unknown; arguments?: unknown };
    if (typeof name === 'string') texts.push(name);
    if (typeof args === 'string') texts.push(args);
  }
  return texts;
}

function countMessages(name: EncodingName, messages: unknown, warnings: string[]): number | undefined {
  if (!Array.isArray(messages)) {
    warnings.push('messages is not an array; not counted');
    return undefined;
  }
  let total = REPLY_PRIMING;
  for (const message of messages as unknown[]) {
    if (typeof message !== 'object' || message === null) {
      warnings.push('a message is not an object; not counted');
      continue;
    }
    const { role, content, parts, name: author, tool_calls: toolCalls } = message as Record<string, unknown>;
    total += TOKENS_PER_MESSAGE;
    if (typeof role === 'string') total += countText(name, role);
    for (const text of [...contentTexts(content), ...contentTexts(parts), ...toolCallTexts(toolCalls)])
      total += countText(name, text);
    if (typeof author === 'string') total += TOKENS_PER_NAME + countText(name, author);
  }
  return total;
}

export interface EstimateInput {
  /** The model, to pick the encoding; unknown or non-OpenAI models are approximated. */
  model?: string;
  /** A plain prompt (completions-style). */
  prompt?: string;
  /** Chat messages: `{ role, content }` (OpenAI, Anthropic; string or parts) or `{ role, parts }` (Gemini). */
  messages?: unknown;
  /** The generated text. */
  output?: string;
}

/**
 * Estimates usage by counting tokens locally. Input is the prompt plus the messages; output is
 * the generated text. Counts not asked for stay unknown. The result says `estimated: true`.
 * Never throws.
 */
export function estimateUsage(input: EstimateInput): UsageResult {
  const warnings: string[] = [];
  const model = typeof input?.model === 'string' ? input.model : undefined;
  const base = { format: undefined, provider: undefined, model, estimated: true as const, warnings };
  try {
    const { name, approximate } = encodingForModel(model);
    if (approximate) {
      warnings.push(
        model === undefined || model.trim() === ''
          ? `approximation: unknown model; counted with ${name}`
          : `approximation: ${model} is not an OpenAI model; counted with ${name}`,
      );
    }
    let inputTokens: number | undefined;
    if (typeof input.prompt === 'string') inputTokens = countText(name, input.prompt);
    if (input.messages !== undefined) {
      const fromMessages = countMessages(name, input.messages, warnings);
      if (fromMessages !== undefined) inputTokens = (inputTokens ?? 0) + fromMessages;
    }
    const outputTokens = typeof input.output === 'string' ? countText(name, input.output) : undefined;
    if (inputTokens === undefined && outputTokens === undefined) {
      return { ...base, usage: undefined, usageUnavailableReason: 'nothing to count: no prompt, messages or output' };
    }
    const usage: Usage = {
      inputTokens,
      outputTokens,
      totalTokens: inputTokens !== undefined && outputTokens !== undefined ? inputTokens + outputTokens : undefined,
      // A local count cannot know what the provider cached or spent on reasoning.
      cacheReadTokens: undefined,
      cacheWriteTokens: undefined,
      reasoningTokens: undefined,
    };
    return { ...base, usage };
  } catch (error) {
    return {
      ...base,
      usage: undefined,
      usageUnavailableReason: `estimate failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
