/**
 * The config file schema (zod), as written by users in tokenledger.config.{json,yaml,yml}.
 * Objects are strict so a misspelt field is an error naming its path, not a silent no-op.
 * The `server` section has its own file (server-schema.ts).
 *
 * @module
 */
import { z } from 'zod';
import { serverSchema } from './server-schema.js';

const positiveInt = z.number().int().positive();
const nonNegative = z.number().nonnegative();

/** `env:NAME`, `${NAME}` or (discouraged) a literal key. */
const secretRef = z.string().min(1);

export const providerTypeSchema = z.enum(['openai-compatible', 'anthropic', 'gemini']);

export const providerFileSchema = z.strictObject({
  /** Wire format. Defaults from the provider id when it is a known one (openai, anthropic, ...). */
  type: providerTypeSchema.optional(),
  /** Base URL, e.g. `https://openrouter.ai/api/v1`. `${VAR}` is expanded. */
  baseURL: z.string().url().optional(),
  /** One key reference. */
  apiKey: secretRef.optional(),
  /** Several key references; rotated, and a key refused with 401 is taken out. */
  apiKeys: z.array(secretRef).optional(),
  /** Extra headers sent with every request (values may use `${VAR}`). */
  headers: z.record(z.string(), z.string()).optional(),
});

export const agentFileSchema = z.union([
  z.string().min(1),
  z.strictObject({
    provider: z.string().min(1).optional(),
    model: z.string().min(1),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: positiveInt.optional(),
    system: z.string().optional(),
  }),
]);

export const priceOverrideSchema = z.strictObject({
  model: z.string().min(1),
  provider: z.string().min(1).optional(),
  input: nonNegative,
  output: nonNegative,
  cacheRead: nonNegative.optional(),
  cacheWrite: nonNegative.optional(),
  cacheWrite1h: nonNegative.optional(),
});

export const rateLimitSchema = z.strictObject({
  provider: z.string().min(1),
  /** Applies to every model of the provider when absent. */
  model: z.string().min(1).optional(),
  rpm: positiveInt.optional(),
  tpm: positiveInt.optional(),
  concurrency: positiveInt.optional(),
});

export const retrySchema = z.strictObject({
  maxAttempts: positiveInt.optional(),
  baseDelayMs: nonNegative.optional(),
  maxDelayMs: nonNegative.optional(),
  maxRetryAfterMs: nonNegative.optional(),
  deadlineMs: positiveInt.optional(),
});

export const configFileSchema = z.strictObject({
  /** Store URL: `sqlite:./tokenledger.db`, a file path, `postgres://...`, `memory:`. */
  store: z.string().min(1).optional(),
  providers: z.record(z.string().min(1), providerFileSchema).optional(),
  agents: z.record(z.string().min(1), agentFileSchema).optional(),
  prices: z.array(priceOverrideSchema).optional(),
  rateLimits: z.array(rateLimitSchema).optional(),
  retry: retrySchema.optional(),
  /** `redis://` URL: rate limits shared by every process using it. */
  redis: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  server: serverSchema.optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
