/**
 * The UsageEvent: one exchange with a provider, metered, priced and attributed.
 *
 * @module
 */
import type { Cost } from './cost.js';
import type { JsonValue, Usage } from './usage.js';

export type EventStatus = 'ok' | 'error';

/** Who spent the tokens. */
export interface Attribution {
  agent?: string;
  /** One analysis, one job, one conversation. */
  run?: string;
  /** Free key/values: user, team, key, feature. */
  tags?: Record<string, string>;
}

/** What went wrong in a failed call. Never holds a secret. */
export interface EventError {
  /** Error class or category, e.g. `RateLimitError`, `TimeoutError`, `network`. */
  type: string;
  /** HTTP status, when there was one. */
  status?: number;
  message: string;
}

/**
 * The OpenTelemetry trace a call belongs to (W3C trace context ids, lower-case hex). For a call
 * received as a span over OTLP, `spanId` is that span; for a gateway call, it is the caller's
 * span named in the request's `traceparent` header (the parent of the call).
 */
export interface TraceContext {
  /** 32 lower-case hex characters, not all zero. */
  traceId: string;
  /** 16 lower-case hex characters, not all zero. */
  spanId: string;
}

export interface UsageEvent {
  /** Sortable unique id (ULID). Re-recording the same id is idempotent. */
  id: string;
  /** ISO-8601 time the call started. */
  time: string;
  provider: string;
  /** Model as answered by the provider (else as requested). */
  model: string;
  /** Model as requested, when it differs or is known. */
  requestedModel?: string;
  agent?: string;
  run?: string;
  tags: Record<string, string>;
  /** Normalized usage; all counts undefined when usage is unavailable. */
  usage: Usage;
  /** Why usage is unavailable, when it is. */
  usageUnavailableReason?: string;
  /** The provider's usage object verbatim. */
  rawUsage?: JsonValue;
  /** Our cost, or `null` when the model has no known price. */
  cost: Cost | null;
  /** Why `cost` is null. */
  costUnavailableReason?: string;
  /**
   * Where `cost`'s prices came from, when priced: `override` (the config's prices), `free` (a
   * free variant), `catalog SHA` (a refreshed catalog installed in the ledger, by the first 12
   * hex digits of its sha256) or `bundled VERSION` (the catalog package's bundled data).
   */
  priceSource?: string;
  /** When it was priced (ISO time), beside `priceSource`. */
  pricedAt?: string;
  /** Cost the provider reported itself (OpenRouter), USD, kept beside ours. */
  providerCost?: number;
  /**
   * Set when the provider reported its own cost and ours differs from it by more than 1% (of
   * the provider's figure): both figures, USD. A price the catalog has wrong for that route, or a
   * fee that is not a token price (a web search), shows here. Absent when they agree.
   */
  providerCostMismatch?: ProviderCostMismatch;
  durationMs?: number;
  /**
   * Streams: time from the request to the first content (text, a tool call or reasoning), the
   * same on every path; not the first byte (Anthropic's content-less `message_start`, OpenAI's
   * role-only opening chunk).
   */
  timeToFirstTokenMs?: number;
  status: EventStatus;
  error?: EventError;
  /** Attempts made, retries included (1 when not retried). */
  attempts: number;
  /** True when usage was counted by a local tokenizer. */
  estimated: boolean;
  /**
   * Non-fatal problems met on the way to this event: a reader's (an impossible part dropped,
   * counters that overlap), or the recording path's (attribution truncated). Absent when none.
   */
  warnings?: string[];
  /** The OpenTelemetry trace the call belongs to, when it carried one. */
  trace?: TraceContext;
}

/** Our cost and the provider's own, where they disagree (see `UsageEvent.providerCostMismatch`). */
export interface ProviderCostMismatch {
  /** Our cost, USD. */
  ours: number;
  /** The provider's, USD. */
  provider: number;
}

/** The facts of a call handed to `ledger.record()`. */
export interface RecordInput extends Attribution {
  /** Defaults to a fresh ULID. */
  id?: string;
  /** Defaults to the ledger clock's now. */
  time?: string | Date | number;
  provider?: string;
  model?: string;
  requestedModel?: string;
  /** Normalized usage, when the caller has it... */
  usage?: Partial<Usage>;
  /** ...or a raw provider response body to normalize. */
  response?: unknown;
  durationMs?: number;
  timeToFirstTokenMs?: number;
  status?: EventStatus;
  error?: EventError;
  attempts?: number;
  providerCost?: number;
  estimated?: boolean;
  /** Why usage is unavailable, when the caller metered a stream that carried none. */
  usageUnavailableReason?: string;
  /** The provider's usage object verbatim, when the caller already normalized it (streams). */
  rawUsage?: JsonValue;
  /** Non-fatal problems the caller met (kept on the event with the reader's own). */
  warnings?: string[];
  /** The OpenTelemetry trace the call belongs to (hex ids, any case). */
  trace?: TraceContext;
  /**
   * The service tier the call was served at: `flex`, `priority`, or `batch` for a call made
   * through a batch API (priced at that tier; kept as the reserved tag `service_tier`). A
   * response naming its tier wins, except over `batch`, which only the caller knows.
   */
  serviceTier?: string;
}

/** Anything that records events: the ledger satisfies it (the tracking fetch, the gateway and the client take one). */
export interface UsageRecorder {
  record(input: RecordInput): Promise<UsageEvent>;
  /**
   * Writes what it holds back now. `client.batch()` calls it once every call has its answer,
   * so that records waiting for a group commit (LedgerOptions.commitWindowMs) go at once.
   */
  flush?(): Promise<void>;
}
