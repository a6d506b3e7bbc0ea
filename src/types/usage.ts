/**
 * The normalized usage convention every part of tokenledger follows.
 *
 * Totals are inclusive and parts are subsets of them (OpenTelemetry GenAI semantic
 * conventions, pydantic genai-prices). A count is `undefined` when the provider did not
 * report it: unknown is not zero, and unknown + unknown stays unknown.
 *
 * @module
 */

/** A token count, or `undefined` when the provider did not report it. */
export type Count = number | undefined;

/** Any JSON value; used for raw provider objects kept verbatim. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface Usage {
  /** ALL input tokens processed, including cache reads and cache writes. */
  inputTokens: Count;
  /** ALL generated tokens, reasoning included. */
  outputTokens: Count;
  /** `inputTokens + outputTokens`. */
  totalTokens: Count;
  /** The part of `inputTokens` served from cache. */
  cacheReadTokens: Count;
  /** The part of `inputTokens` written to cache (5-minute and 1-hour writes together). */
  cacheWriteTokens: Count;
  /** The part of `cacheWriteTokens` written with a 5-minute TTL, where reported. */
  cacheWrite5mTokens?: Count;
  /** The part of `cacheWriteTokens` written with a 1-hour TTL, where reported (priced higher). */
  cacheWrite1hTokens?: Count;
  /** The part of `outputTokens` spent on reasoning/thinking. */
  reasoningTokens: Count;
  /** The audio part of `inputTokens`, where reported. */
  inputAudioTokens?: Count;
  /** The audio part of `outputTokens`, where reported. */
  outputAudioTokens?: Count;
  /**
   * The separately billed steps of the call, where the provider reports them (Anthropic
   * `usage.iterations[]`: compaction, advisor, fallback, server tool turns). When present, the
   * counts above are their sums, and each step is priced at its own model's rates and its own
   * long-context tier.
   */
  iterations?: UsageIteration[];
}

/** One separately billed step of a call. */
export interface UsageIteration {
  /** The provider's name for the step: `message`, `compaction`, `advisor_message`, `fallback_message`... */
  type: string;
  /** The model that ran the step, when the provider names one (an advisor, a fallback); else the call's model. */
  model?: string;
  /** The step's own usage (no nested iterations). */
  usage: Usage;
}

/**
 * The wire formats tokenledger can read usage from. One normalizer per format lives in
 * `src/usage/`.
 */
export type UsageFormat =
  | 'openai-chat'
  | 'openai-responses'
  | 'anthropic'
  | 'gemini'
  | 'bedrock-converse'
  | 'cohere'
  | 'ollama';

/** What a normalizer or stream accumulator returns. It never throws. */
export interface UsageResult {
  /** The wire format the body was read as, or `undefined` when none matched. */
  format: UsageFormat | undefined;
  /** Provider id (`openai`, `openrouter`, `anthropic`, `google`, ...) when known. */
  provider: string | undefined;
  /** Model as answered by the provider, when the body names it. */
  model: string | undefined;
  /** Normalized usage, or `undefined` when usage is unavailable. */
  usage: Usage | undefined;
  /** Why usage is unavailable (or partly distrusted). */
  usageUnavailableReason?: string;
  /** The provider's raw usage object, verbatim. */
  rawUsage?: JsonValue;
  /** Cost the provider itself reported, in USD (OpenRouter `usage.cost`). */
  providerCost?: number;
  /** True when counts come from a local tokenizer, not from the provider. */
  estimated: boolean;
  /** Non-fatal problems met while reading (garbage dropped, parts clamped...). */
  warnings: string[];
  /** When the body (or the stream's first event) says the answer was made, ISO; absent when it does not say. */
  createdAt?: string;
  /** The service tier the body says it was served at (`service_tier`: `default`, `flex`, `priority`, `batch`...), as given. */
  serviceTier?: string;
}

/** A hint that sharpens format detection. */
export interface FormatHint {
  /** Provider id, e.g. `openai`, `openrouter`, `anthropic`, `gemini`, `bedrock`, `xai`. */
  provider?: string;
  /** The endpoint URL the body came from. */
  url?: string;
  /** The model requested. */
  model?: string;
}
