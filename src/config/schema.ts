/**
 * The config file schema (zod), as written by users in tokenledger.config.{json,yaml,yml}.
 * Objects are strict so a misspelt field is an error naming its path, not a silent no-op.
 * The `server` section has its own file (server-schema.ts).
 *
 * @module
 */
import type * as Zod from 'zod';
import { parseDuration, parseIsoTime } from '../units/index.js';
import { loadZod } from '../lazy/index.js';
import { buildBudgetSchema } from './budget-schema.js';
import { buildServerSchema } from './server-schema.js';

function build(z: typeof Zod.z) {
  const serverSchema = buildServerSchema(z);
  const positiveInt = z.number().int().positive();
  const nonNegative = z.number().nonnegative();

  /** `env:NAME`, `${NAME}` or (discouraged) a literal key. */
  const secretRef = z.string().min(1);

  const providerTypeSchema = z.enum(['openai-compatible', 'anthropic', 'gemini']);

  const providerFileSchema = z.strictObject({
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

  const agentFileSchema = z.union([
    z.string().min(1),
    z.strictObject({
      provider: z.string().min(1).optional(),
      model: z.string().min(1),
      temperature: z.number().min(0).max(2).optional(),
      maxTokens: positiveInt.optional(),
      system: z.string().optional(),
    }),
  ]);

  const priceOverrideSchema = z.strictObject({
    model: z.string().min(1),
    provider: z.string().min(1).optional(),
    input: nonNegative,
    output: nonNegative,
    cacheRead: nonNegative.optional(),
    cacheWrite: nonNegative.optional(),
    cacheWrite1h: nonNegative.optional(),
    /** In force from this date (a schedule of prices: see PriceOverride.from). */
    from: z
      .string()
      .refine((text) => parseIsoTime(text) !== undefined, {
        message: 'must be an ISO date or date-time that exists, such as 2026-09-01 or 2026-09-01T00:00:00Z',
      })
      .optional(),
  });

  const durationSchema = z.string().refine((text) => parseDuration(text) !== undefined, {
    message: 'must be a duration such as 30s, 5m, 24h or 7d',
  });

  /**
   * `prices`: the bare list of overrides, or the object form with the refresh schedule
   * (README "Prices"). Refreshing is off unless `refresh` is set: nothing is fetched otherwise.
   */
  const pricesSchema = z.union([
    z.array(priceOverrideSchema),
    z.strictObject({
      overrides: z.array(priceOverrideSchema).optional(),
      /** How often `serve` fetches the catalog file (off when absent). */
      refresh: durationSchema.optional(),
      /** Where from: an http(s) URL or a file path (default: the catalog's published file). */
      source: z.string().min(1).optional(),
      /** How often `serve` looks in the ledger for data another process installed. @default 1m */
      check: durationSchema.optional(),
    }),
  ]);

  const rateLimitSchema = z.strictObject({
    provider: z.string().min(1),
    /** Applies to every model of the provider when absent. */
    model: z.string().min(1).optional(),
    rpm: positiveInt.optional(),
    tpm: positiveInt.optional(),
    concurrency: positiveInt.optional(),
  });

  const retrySchema = z.strictObject({
    maxAttempts: positiveInt.optional(),
    baseDelayMs: nonNegative.optional(),
    maxDelayMs: nonNegative.optional(),
    maxRetryAfterMs: nonNegative.optional(),
    deadlineMs: positiveInt.optional(),
  });

  const budgetSchema = buildBudgetSchema(z);

  const budgetsSchema = z.array(budgetSchema).superRefine((budgets, context) => {
    const seen = new Set<string>();
    for (const [index, budget] of budgets.entries()) {
      if (seen.has(budget.name)) {
        context.addIssue({ code: 'custom', message: `duplicate budget name ${budget.name}`, path: [index, 'name'] });
      }
      seen.add(budget.name);
    }
  });

  const configFileSchema = z.strictObject({
    /** Store URL: `sqlite:./tokenledger.db`, a file path, `postgres://...`, `memory:`. */
    store: z.string().min(1).optional(),
    providers: z.record(z.string().min(1), providerFileSchema).optional(),
    agents: z.record(z.string().min(1), agentFileSchema).optional(),
    prices: pricesSchema.optional(),
    rateLimits: z.array(rateLimitSchema).optional(),
    retry: retrySchema.optional(),
    /** `redis://` URL: rate limits shared by every process using it. */
    redis: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    server: serverSchema.optional(),
    /** Spend caps enforced before calls are sent (README "Budgets"). */
    budgets: budgetsSchema.optional(),
    /** Send every recorded call to an OpenTelemetry collector as a span and metrics (README). */
    otel: z
      .strictObject({
        /** The collector's OTLP/HTTP base URL; spans go to `/v1/traces`, metrics to `/v1/metrics` under it. */
        endpoint: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
        /** Headers sent with each export (values may be `env:NAME` references). */
        headers: z.record(z.string().min(1), z.string()).optional(),
        /** How often metrics are exported, ms. @default 60000 */
        metricIntervalMs: z.number().int().min(100).max(3_600_000).optional(),
      })
      .optional(),
  });
  return configFileSchema;
}

let schema: ReturnType<typeof build> | undefined;

/** The schema, built on first use: zod loads then, not at import (src/lazy). */
export function configFileSchema(): ReturnType<typeof build> {
  schema ??= build(loadZod().z);
  return schema;
}

export type ConfigFile = Zod.infer<ReturnType<typeof build>>;
/** One budget as the config file writes it (src/budgets turns it into a `BudgetSpec`). */
export type BudgetConfig = NonNullable<ConfigFile['budgets']>[number];
