/**
 * Anthropic Messages API (https://docs.anthropic.com/en/api/messages). The base URL has no
 * `/v1`, as `ANTHROPIC_BASE_URL` is read by the official SDK.
 *
 * @module
 */
import type { RateLimitHint } from '../rate-limiter.js';
import { asArray, asRecord, asString, joinURL, readNestedErrorMessage, type ProviderAdapter } from './types.js';

/** The API version header every request must carry. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Messages requires `max_tokens`; this is used when the call names none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

/**
 * `anthropic-ratelimit-{requests,tokens}-{remaining,reset}`, resets as RFC 3339 times
 * (https://docs.anthropic.com/en/api/rate-limits#response-headers).
 */
export function readAnthropicRateLimit(headers: Pick<Headers, 'get'>): RateLimitHint | undefined {
  const hint: RateLimitHint = {};
  const read = (kind: 'requests' | 'tokens'): [number, number] | undefined => {
    const remaining = headers.get(`anthropic-ratelimit-${kind}-remaining`);
    const reset = headers.get(`anthropic-ratelimit-${kind}-reset`);
    if (remaining === null || reset === null) return undefined;
    const count = Number(remaining);
    const at = Date.parse(reset);
    return Number.isFinite(count) && !Number.isNaN(at) ? [count, at] : undefined;
  };
  const requests = read('requests');
  if (requests !== undefined) [hint.requestsRemaining, hint.requestsResetAt] = requests;
  const tokens = read('tokens');
  if (tokens !== undefined) [hint.tokensRemaining, hint.tokensResetAt] = tokens;
  return requests === undefined && tokens === undefined ? undefined : hint;
}

export const anthropicProvider: ProviderAdapter = {
  id: 'anthropic',
  type: 'anthropic',
  // The registry's base URL is filled in by registry.ts.
  defaultBaseURL: undefined,
  defaultHeaders: {},
  buildCall({ baseURL, apiKey, call, headers }) {
    const systemParts = [
      ...(call.system === undefined ? [] : [call.system]),
      ...call.messages.filter((message) => message.role === 'system').map((message) => message.content),
      // Messages has no JSON mode; ask in the system prompt.
      ...(call.json === true ? ['Answer with one JSON object and nothing else.'] : []),
    ];
    const body: Record<string, unknown> = {
      model: call.model,
      max_tokens: call.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
      messages: call.messages.filter((message) => message.role !== 'system'),
    };
    if (systemParts.length > 0) body['system'] = systemParts.join('\n\n');
    if (call.temperature !== undefined) body['temperature'] = call.temperature;
    if (call.stream) body['stream'] = true;
    const out: Record<string, string> = {
      'content-type': 'application/json',
      'anthropic-version': ANTHROPIC_VERSION,
      ...headers,
    };
    if (apiKey !== undefined) out['x-api-key'] = apiKey;
    return { url: joinURL(baseURL, '/v1/messages'), headers: out, body: JSON.stringify(body) };
  },
  readText(body) {
    const record = asRecord(body);
    const text = asArray(record?.['content'])
      .map((block) => asRecord(block))
      .filter((block) => block?.['type'] === 'text')
      .map((block) => asString(block?.['text']) ?? '')
      .join('');
    const finishReason = asString(record?.['stop_reason']);
    return { text, ...(finishReason === undefined ? {} : { finishReason }) };
  },
  readStreamText(event) {
    if (!event.data.includes('text_delta')) return undefined;
    try {
      const delta = asRecord(asRecord(JSON.parse(event.data) as unknown)?.['delta']);
      return delta?.['type'] === 'text_delta' ? asString(delta['text']) : undefined;
    } catch {
      return undefined;
    }
  },
  readErrorMessage: readNestedErrorMessage,
  readRateLimit: (headers) => readAnthropicRateLimit(headers),
};
