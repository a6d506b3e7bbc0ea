/**
 * `server.retry` in the config: opt-in upstream retries, per route. Off by default: upstream
 * 429s and errors reach the client unchanged and retrying is the client's choice.
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
import { z } from 'zod';
import { ConfigError } from '../../errors/index.js';
import type { GatewayRetry } from './types.js';

const retrySchema = z.strictObject({
  routes: z.union([z.literal('*'), z.array(z.string().min(1)).min(1)]),
  /** Attempts in all, the first included. @default 3 */
  maxAttempts: z.number().int().min(1).max(10).optional(),
  baseDelayMs: z.number().nonnegative().optional(),
  maxDelayMs: z.number().nonnegative().optional(),
  maxRetryAfterMs: z.number().nonnegative().optional(),
});

export function parseGatewayRetry(value: unknown): GatewayRetry | undefined {
  if (value === undefined) return undefined;
  const parsed = retrySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = `server.retry${issue === undefined || issue.path.length === 0 ? '' : `.${issue.path.map(String).join('.')}`}`;
    throw new ConfigError(`${field}: ${issue?.message ?? 'invalid'}`, { field });
  }
  const { routes, ...options } = parsed.data;
  return { routes: routes === '*' ? '*' : new Set(routes), options: { maxAttempts: 3, ...options } };
}
