/**
 * `createStreamAccumulator`: the per-format stream accumulators behind one interface. Feed it
 * parsed SSE events (`{ event?, data }`, data as text); ask `result()` at the end. Never throws.
 *
 * @module
 */
import type { FormatHint, UsageFormat, UsageResult } from '../types/index.js';
import { createAnthropicStreamAccumulator } from './anthropic.js';
import { createBedrockStreamAccumulator } from './bedrock.js';
import { createCohereStreamAccumulator } from './cohere.js';
import { createdAtOf } from './created-at.js';
import { normalizeProviderId, providerFromBody, providerFromHint } from './detect.js';
import { createGeminiStreamAccumulator } from './gemini.js';
import { createOllamaStreamAccumulator } from './ollama.js';
import { OPENAI_CHAT_STREAM, normalizeOpenAIChatUsage, openAIChatModelOf } from './openai-chat.js';
import { createOpenAIResponsesStreamAccumulator } from './openai-responses.js';
import { toUsageResult } from './result.js';
import { namesNoOtherTier, serviceTierOf } from './service-tier.js';
import {
  LastWinsAccumulator,
  parseJsonObject,
  type FormatAccumulator,
  type LastWinsSpec,
  type StreamEventInput,
} from './stream-support.js';
import { isXaiChat, normalizeXaiChatUsage } from './xai.js';

export type { StreamEventInput } from './stream-support.js';

/** Accumulates the usage of one stream. */
export interface StreamAccumulator {
  /** Feeds one event, in wire order. Garbage is skipped with a warning, never thrown. */
  push(event: StreamEventInput): void;
  /** The whole stream's usage so far; `usage: undefined` when it never arrived. */
  result(): UsageResult;
  /** True when `event` opens the stream without content (used for time to first token). */
  isPreamble(event: StreamEventInput): boolean;
}

/** OpenAI-compatible chat streams, with xAI's chat quirk applied where it belongs (xai.ts). */
const OPENAI_COMPATIBLE_CHAT_STREAM: LastWinsSpec = {
  ...OPENAI_CHAT_STREAM,
  normalize: (raw, chunk, hint) =>
    isXaiChat(hint, openAIChatModelOf(chunk)) ? normalizeXaiChatUsage(raw) : normalizeOpenAIChatUsage(raw),
};

/** The format-specific accumulator (internal; `createStreamAccumulator` wraps it). */
export function createFormatAccumulator(format: UsageFormat, hint?: FormatHint): FormatAccumulator {
  switch (format) {
    case 'openai-chat':
      return new LastWinsAccumulator(OPENAI_COMPATIBLE_CHAT_STREAM, hint);
    case 'openai-responses':
      return createOpenAIResponsesStreamAccumulator();
    case 'anthropic':
      return createAnthropicStreamAccumulator();
    case 'gemini':
      return createGeminiStreamAccumulator();
    case 'bedrock-converse':
      return createBedrockStreamAccumulator();
    case 'cohere':
      return createCohereStreamAccumulator();
    case 'ollama':
      return createOllamaStreamAccumulator();
  }
}

/** `StreamAccumulator` over a format accumulator: never throws, names the provider. */
class GuardedStreamAccumulator implements StreamAccumulator {
  private firstJson: string | undefined;
  /** The last tier an event named (service-tier.ts), whatever the format. */
  private serviceTier: string | undefined;

  constructor(
    private readonly format: UsageFormat,
    private readonly inner: FormatAccumulator,
    private readonly hint: FormatHint | undefined,
  ) {}

  isPreamble(event: StreamEventInput): boolean {
    return this.inner.isPreamble(event);
  }

  push(event: StreamEventInput): void {
    try {
      if (typeof event?.data !== 'string') return;
      if (this.firstJson === undefined && event.data.startsWith('{')) this.firstJson = event.data;
      // Parsed again only where the text may name another tier than the one held (once in most streams).
      if (event.data.includes('"service_tier"') && !namesNoOtherTier(event.data, this.serviceTier))
        this.serviceTier = serviceTierOf(parseJsonObject(event.data)) ?? this.serviceTier;
      this.inner.push(event);
    } catch {
      // Accumulators do not throw by construction; this guard keeps metering fail-open anyway.
    }
  }

  result(): UsageResult {
    try {
      const read = this.inner.read();
      const first = this.firstJson === undefined ? undefined : parseJsonObject(this.firstJson);
      let provider = providerFromHint(this.hint);
      if (provider === undefined && first !== undefined) provider = providerFromBody(first, this.format);
      const result = toUsageResult(read, this.format, normalizeProviderId(provider));
      const createdAt = createdAtOf(first);
      if (createdAt !== undefined) result.createdAt = createdAt;
      if (this.serviceTier !== undefined) result.serviceTier = this.serviceTier;
      return result;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return toUsageResult(
        { usage: undefined, reason: `usage could not be read (${detail.slice(0, 120)})`, warnings: [] },
        this.format,
        providerFromHint(this.hint),
      );
    }
  }
}

/**
 * An accumulator for one stream in a known format.
 *
 * @example
 * const acc = createStreamAccumulator('anthropic');
 * for (const event of events) acc.push({ event: event.event, data: event.data });
 * acc.result().usage; // whole-stream usage, or undefined with a reason
 */
export function createStreamAccumulator(format: UsageFormat, hint?: FormatHint): StreamAccumulator {
  return new GuardedStreamAccumulator(format, createFormatAccumulator(format, hint), hint);
}
