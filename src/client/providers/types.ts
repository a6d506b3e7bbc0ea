/**
 * The shape every provider file fills: how to build a request, read its text, and read its
 * rate-limit headers. Usage is never read here: that is src/usage's job.
 *
 * @module
 */
import type { ProviderType } from '../../config/index.js';
import type { RateLimitHint } from '../rate-limiter.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A call, provider-neutral. */
export interface ProviderCall {
  model: string;
  messages: ChatMessage[];
  system?: string;
  temperature?: number;
  maxTokens?: number;
  /** Ask for a JSON object answer. */
  json?: boolean;
  stream: boolean;
}

export interface HttpCall {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** One server-sent event. */
export interface SseEvent {
  event?: string | undefined;
  data: string;
}

export interface ProviderAdapter {
  /** Preset id, e.g. `openai`, `openrouter`, `anthropic`. */
  id: string;
  type: ProviderType;
  /** Used when the config gives no base URL. */
  defaultBaseURL: string | undefined;
  /** Headers every request carries (attribution headers...), below the config's own. */
  defaultHeaders: Record<string, string>;
  buildCall(input: {
    baseURL: string;
    apiKey: string | undefined;
    call: ProviderCall;
    headers: Record<string, string>;
  }): HttpCall;
  /** Text of a JSON answer. */
  readText(body: unknown): { text: string; finishReason?: string };
  /** Text carried by one stream event, if any. */
  readStreamText(event: SseEvent): string | undefined;
  /** The provider's error message inside an error body, if any. */
  readErrorMessage(body: unknown): string | undefined;
  /** Remaining/reset figures from response headers, for the rate limiter. */
  readRateLimit(headers: Pick<Headers, 'get'>, now: number): RateLimitHint | undefined;
  /** A retry delay the provider put in an error body rather than a header, in ms. */
  readRetryDelayMs?(body: unknown): number | undefined;
}

/** Narrowing helpers for reading lenient JSON without `any`. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `error.message`, the shape OpenAI, Anthropic and Gemini error bodies share. */
export function readNestedErrorMessage(body: unknown): string | undefined {
  const error = asRecord(body)?.['error'];
  return asString(asRecord(error)?.['message']) ?? asString(error);
}

export function joinURL(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
