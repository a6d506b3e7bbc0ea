/**
 * `server.retry` in the config (schema in config/server-schema.ts): opt-in upstream retries,
 * per route. Off by default: upstream 429s and errors reach the client unchanged and retrying
 * is the client's choice.
 *
 * @example server: { retry: { routes: ['openai.chat', 'anthropic.messages'], maxAttempts: 3 } }
 *
 * Route labels: openai.chat, openai.responses, openai.embeddings, anthropic.messages,
 * anthropic.count_tokens, gemini.generateContent, gemini.streamGenerateContent, ... or `'*'`.
 * Only answers that arrive before any byte went to the client are retried (a 429/5xx status,
 * a refused connection, a timeout waiting for headers); delays follow Retry-After, else backoff.
 *
 * @module
 */
import type { GatewayRetryConfig } from '../../config/index.js';
import type { GatewayRetry } from './types.js';

export function gatewayRetryFrom(config: GatewayRetryConfig | undefined): GatewayRetry | undefined {
  if (config === undefined) return undefined;
  const { routes, ...options } = config;
  return { routes: routes === '*' ? '*' : new Set(routes), options: { maxAttempts: 3, ...options } };
}
