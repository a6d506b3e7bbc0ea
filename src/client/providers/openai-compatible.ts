/**
 * OpenAI Chat Completions and every server that speaks it (OpenRouter, DeepSeek, Groq, xAI,
 * Mistral, vLLM, Ollama's /v1); registry.ts fills in each provider's defaults from its record.
 *
 * @module
 */
import type { RateLimitHint } from '../rate-limiter.js';
import {
  asArray,
  asRecord,
  asString,
  joinURL,
  readNestedErrorMessage,
  type ProviderAdapter,
  type ProviderCall,
} from './types.js';

export interface OpenAICompatibleOptions {
  id: string;
  defaultBaseURL?: string;
  defaultHeaders?: Record<string, string>;
  /**
   * Send `stream_options: { include_usage: true }` on streams: OpenAI only sends usage in a
   * stream when asked (https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options).
   * @default true
   */
  askStreamUsage?: boolean;
  /**
   * Field for the output cap. OpenAI's reasoning models refuse `max_tokens` and want
   * `max_completion_tokens` (https://platform.openai.com/docs/api-reference/chat/create#chat-create-max_tokens).
   * @default 'max_tokens'
   */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
}

/** `6m0s`, `1.5s`, `20ms`, `1h2m` (OpenAI's `x-ratelimit-reset-*`) -> ms. */
export function parseOpenAIDuration(text: string): number | undefined {
  const pattern = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = '';
  for (const match of text.trim().matchAll(pattern)) {
    const value = Number(match[1]);
    const unit = match[2];
    total += unit === 'ms' ? value : unit === 's' ? value * 1000 : unit === 'm' ? value * 60_000 : value * 3_600_000;
    matched += match[0];
  }
  return matched.length > 0 && matched === text.trim() ? total : undefined;
}

/**
 * OpenAI's rate-limit headers: `x-ratelimit-remaining-requests|tokens` and
 * `x-ratelimit-reset-requests|tokens` (https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers).
 */
export function readOpenAIRateLimit(headers: Pick<Headers, 'get'>, now: number): RateLimitHint | undefined {
  const hint: RateLimitHint = {};
  const requests = headers.get('x-ratelimit-remaining-requests');
  const requestsReset = headers.get('x-ratelimit-reset-requests');
  if (requests !== null && requestsReset !== null) {
    const reset = parseOpenAIDuration(requestsReset);
    if (Number.isFinite(Number(requests)) && reset !== undefined) {
      hint.requestsRemaining = Number(requests);
      hint.requestsResetAt = now + reset;
    }
  }
  const tokens = headers.get('x-ratelimit-remaining-tokens');
  const tokensReset = headers.get('x-ratelimit-reset-tokens');
  if (tokens !== null && tokensReset !== null) {
    const reset = parseOpenAIDuration(tokensReset);
    if (Number.isFinite(Number(tokens)) && reset !== undefined) {
      hint.tokensRemaining = Number(tokens);
      hint.tokensResetAt = now + reset;
    }
  }
  return hint.requestsRemaining === undefined && hint.tokensRemaining === undefined ? undefined : hint;
}

function buildBody(call: ProviderCall, options: OpenAICompatibleOptions): Record<string, unknown> {
  const messages =
    call.system === undefined ? call.messages : [{ role: 'system', content: call.system }, ...call.messages];
  const body: Record<string, unknown> = { model: call.model, messages };
  if (call.temperature !== undefined) body['temperature'] = call.temperature;
  if (call.maxTokens !== undefined) body[options.maxTokensField ?? 'max_tokens'] = call.maxTokens;
  if (call.json === true) body['response_format'] = { type: 'json_object' };
  if (call.stream) {
    body['stream'] = true;
    if (options.askStreamUsage !== false) body['stream_options'] = { include_usage: true };
  }
  return body;
}

/** An adapter for an OpenAI-compatible server. */
export function openaiCompatible(options: OpenAICompatibleOptions): ProviderAdapter {
  return {
    id: options.id,
    type: 'openai-compatible',
    defaultBaseURL: options.defaultBaseURL,
    defaultHeaders: options.defaultHeaders ?? {},
    buildCall({ baseURL, apiKey, call, headers }) {
      const out: Record<string, string> = { 'content-type': 'application/json', ...headers };
      if (call.stream) out['accept'] = 'text/event-stream';
      if (apiKey !== undefined) out['authorization'] = `Bearer ${apiKey}`;
      return {
        url: joinURL(baseURL, '/chat/completions'),
        headers: out,
        body: JSON.stringify(buildBody(call, options)),
      };
    },
    readText(body) {
      const choice = asRecord(asArray(asRecord(body)?.['choices'])[0]);
      const message = asRecord(choice?.['message']);
      const finishReason = asString(choice?.['finish_reason']);
      return { text: asString(message?.['content']) ?? '', ...(finishReason === undefined ? {} : { finishReason }) };
    },
    readStreamText(event) {
      if (event.data === '[DONE]' || !event.data.includes('"content"')) return undefined;
      try {
        const chunk = JSON.parse(event.data) as unknown;
        const delta = asRecord(asRecord(asArray(asRecord(chunk)?.['choices'])[0])?.['delta']);
        return asString(delta?.['content']);
      } catch {
        return undefined;
      }
    },
    readErrorMessage: readNestedErrorMessage,
    readRateLimit: readOpenAIRateLimit,
  };
}
