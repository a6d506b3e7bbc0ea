/**
 * The client's public request and result shapes.
 *
 * @module
 */
import type { Attribution, Cost, EventError, Usage, UsageEvent } from '../types/index.js';
import type { ChatMessage } from './providers/types.js';
import type { UsageSummary } from './usage-summary.js';

export type { UsageRecorder } from '../types/index.js';

export interface GenerateRequest extends Attribution {
  /**
   * Agent name: picks provider/model (and defaults) from the config's `agents:` map, and is
   * recorded as the event's agent.
   */
  agent?: string;
  /** Provider id (`openai`, `anthropic`, `openrouter`, ...); optional with `provider/model` ids. */
  provider?: string;
  /** Model id, or `provider/model`, or an OpenRouter `vendor/model` id. */
  model?: string;
  /** A single user message... */
  prompt?: string;
  /** ...or a conversation. */
  messages?: ChatMessage[];
  /** System prompt. */
  system?: string;
  temperature?: number;
  /** Cap on output tokens. */
  maxTokens?: number;
  /** Ask for a JSON object answer (OpenAI `response_format`, Gemini `responseMimeType`). */
  json?: boolean;
  signal?: AbortSignal;
  /** Per attempt; for streams, the longest silence between chunks. @default the client's `timeoutMs` */
  timeoutMs?: number;
  /** Overrides the client's retry attempts for this call. */
  maxAttempts?: number;
}

export interface GenerateResult {
  text: string;
  /** Normalized usage, `undefined` when the provider reported none. */
  usage: Usage | undefined;
  /** `null` when the model has no known price or usage is unavailable. */
  cost: Cost | null;
  /** The recorded event; `undefined` only if the recorder refused it (never for a store outage). */
  event: UsageEvent | undefined;
  attempts: number;
  provider: string;
  /** Model as answered by the provider (else as requested). */
  model: string;
  finishReason: string | undefined;
  durationMs: number;
  timeToFirstTokenMs: number | undefined;
}

/**
 * A streamed call: iterate for text pieces, await `result` for the whole. The call starts at
 * once; leaving the loop early (`break`) aborts it, and `result` then rejects with AbortError.
 */
export interface TextStream extends AsyncIterable<string> {
  readonly result: Promise<GenerateResult>;
}

export interface BatchProgress {
  done: number;
  failed: number;
  /** Items a budget refused before they were sent (not failures of the provider); `client.batch` always sets it. */
  refused?: number;
  inFlight: number;
  /** Items known in advance (arrays), else `undefined`. */
  total: number | undefined;
  elapsedMs: number;
  totalTokens: number | undefined;
  costUsd: number;
}

export interface BatchItemResult {
  index: number;
  /** `refused`: a budget refused the item before it was sent (`error` says which and why). */
  status: 'ok' | 'error' | 'refused';
  text: string | undefined;
  usage: Usage | undefined;
  /** USD, `null` when unknown. */
  cost: number | null;
  attempts: number;
  error?: EventError;
  /** The event id of the final attempt, when recorded. */
  eventId?: string;
}

export interface BatchOptions {
  /** Calls in flight at once (the seed's `max_concurrent`). @default 8 */
  concurrency?: number;
  /** Called after each item settles. */
  onProgress?: (progress: BatchProgress) => void;
  /** Called with each item's result as it settles (in completion order). */
  onResult?: (result: BatchItemResult) => void;
  /**
   * Keep every result for the returned `results`. Set false for huge batches that stream
   * results through `onResult`. @default true
   */
  collect?: boolean;
  /** Stops new work; in-flight calls are aborted and settle as errors. */
  signal?: AbortSignal;
}

export interface BatchResult {
  /** In input order (empty when `collect: false`). */
  results: BatchItemResult[];
  summary: UsageSummary;
  /** True when the signal stopped the batch before every item ran. */
  cancelled: boolean;
}
