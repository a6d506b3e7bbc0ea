/**
 * Usage for a chat stream that ended without any although the whole answer was seen: counted
 * with the tokenizer from the request (its messages or prompt) and the streamed answer text, and
 * marked `estimated` (DESIGN.md: never zeros, never "unavailable" when it can be counted).
 * And usage for a stream the caller cancelled before the provider's final count: its input
 * (the provider's count when it came first, as Anthropic's message_start does, else the
 * tokenizer's) plus what was streamed, counted with the tokenizer: what a budget settles to.
 *
 * @module
 */
import type { Usage, UsageResult } from '../types/index.js';
import { isRecord } from './counts.js';
import { estimateUsage } from './estimate.js';

function requestJson(body: Uint8Array | string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `read` (a stream's result without usage) with estimated usage, or `read` unchanged when the
 * request cannot be read.
 */
export function estimateStreamUsage(read: UsageResult, request: Uint8Array | string, answer: string): UsageResult {
  const body = requestJson(request);
  if (body === undefined) return read;
  const model = read.model ?? (typeof body['model'] === 'string' ? body['model'] : undefined);
  const estimate = estimateUsage({
    model,
    messages: body['messages'],
    prompt: typeof body['prompt'] === 'string' ? body['prompt'] : undefined,
    output: answer,
  });
  if (estimate.usage === undefined) return read;
  return {
    ...read,
    usage: estimate.usage,
    usageUnavailableReason: undefined,
    estimated: true,
    warnings: [
      ...read.warnings,
      `usage estimated with the tokenizer: the stream carried none (${read.usageUnavailableReason ?? 'no usage'})`,
      ...estimate.warnings,
    ],
  };
}

/** What a cancelled call asked and received, for {@link estimateCancelledUsage}. */
export interface CancelledCall {
  model?: string | undefined;
  /** The chat messages sent (OpenAI or Anthropic shape), when the provider's input count is unknown. */
  messages?: unknown;
  /** A system prompt sent beside the messages (Anthropic's `system`, the client's `system`). */
  system?: unknown;
  /** The answer text streamed before the caller stopped. */
  streamed: string;
}

/** The fields of a request body that {@link estimateCancelledUsage} counts. */
export function cancelledCallOf(request: Uint8Array | string, streamed: string): CancelledCall | undefined {
  const body = requestJson(request);
  if (body === undefined) return undefined;
  return {
    model: typeof body['model'] === 'string' ? body['model'] : undefined,
    messages: body['messages'],
    system: body['system'],
    streamed,
  };
}

/**
 * `read` (a cancelled stream's result: no usage, or input without the final output count) with
 * its output counted from the streamed text, and its input from the tokenizer when the provider
 * did not count it. `read` unchanged when it already has an output count or nothing can be
 * counted.
 */
export function estimateCancelledUsage(read: UsageResult, call: CancelledCall): UsageResult {
  if (read.usage?.outputTokens !== undefined) return read;
  const known = read.usage?.inputTokens;
  const model = read.model ?? call.model;
  const system = call.system;
  const messages =
    known !== undefined || !Array.isArray(call.messages)
      ? undefined
      : system === undefined
        ? call.messages
        : [{ role: 'system', content: system }, ...(call.messages as unknown[])];
  const estimate = estimateUsage({ model, output: call.streamed, ...(messages === undefined ? {} : { messages }) });
  const outputTokens = estimate.usage?.outputTokens;
  const inputTokens = known ?? estimate.usage?.inputTokens;
  if (outputTokens === undefined || inputTokens === undefined) return read;
  const usage: Usage = {
    cacheReadTokens: undefined,
    cacheWriteTokens: undefined,
    reasoningTokens: undefined,
    ...read.usage,
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
  };
  const counted = known === undefined ? 'input and streamed output' : 'streamed output';
  return {
    ...read,
    model,
    usage,
    usageUnavailableReason: undefined,
    estimated: true,
    warnings: [
      ...read.warnings,
      `usage estimated: the caller cancelled the stream before the provider's count; ${counted} counted with the tokenizer`,
      ...estimate.warnings,
    ],
  };
}
