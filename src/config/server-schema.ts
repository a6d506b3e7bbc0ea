/**
 * The `server` section of the config file: every key `tokenledger serve` reads, in one
 * strict schema, so a misspelt key is an error naming its path rather than a silent no-op.
 *
 * @module
 */
import type * as Zod from 'zod';

/** pino's levels (TOKENLEDGER_LOG_LEVEL). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The `server` section's schema, built with the zod the config schema loaded (schema.ts). */
export function buildServerSchema(z: typeof Zod.z) {
  const positiveInt = z.number().int().positive();
  const nonNegative = z.number().nonnegative();
  /** `env:NAME`, `${NAME}` or (discouraged) a literal key. */
  const secretRef = z.string().min(1);
  const providerId = z.string().min(1);

  const gatewayKeySchema = z
    .strictObject({
      key: secretRef,
      /** The one provider this key may reach. */
      provider: providerId.optional(),
      /** The providers this key may reach: one id or a list. */
      providers: z.union([providerId, z.array(providerId).min(1)]).optional(),
      /** Sent upstream instead of the server's key for the provider; only with one provider. */
      upstreamKey: secretRef.optional(),
      agent: z.string().optional(),
      run: z.string().optional(),
      tags: z.record(z.string(), z.string()).optional(),
    })
    .superRefine((entry, context) => {
      if (entry.provider === undefined && entry.providers === undefined)
        context.addIssue({
          code: 'custom',
          path: ['providers'],
          message:
            'a gateway key must name the providers it may reach (provider: openai, or providers: [openai, groq])',
        });
      if (entry.provider !== undefined && entry.providers !== undefined)
        context.addIssue({ code: 'custom', path: ['provider'], message: 'give provider or providers, not both' });
      const count =
        entry.provider !== undefined ? 1 : typeof entry.providers === 'string' ? 1 : entry.providers?.length;
      if (entry.upstreamKey !== undefined && count !== undefined && count > 1)
        context.addIssue({
          code: 'custom',
          path: ['upstreamKey'],
          message: "an upstream key belongs to one provider; a key for several uses each provider's configured key",
        });
    });

  const upstreamSchema = z.strictObject({
    provider: providerId,
    baseURL: z.string().url(),
    apiKey: secretRef.optional(),
  });

  /** OpenAI-style requests whose model starts with `prefix` go to `provider`. */
  const modelRouteSchema = z.strictObject({ prefix: z.string().min(1), provider: providerId });

  /** Opt-in upstream retries per route label (`openai.chat`, `anthropic.messages`...), or `'*'`. */
  const gatewayRetrySchema = z.strictObject({
    routes: z.union([z.literal('*'), z.array(z.string().min(1)).min(1)]),
    /** Attempts in all, the first included. @default 3 */
    maxAttempts: z.number().int().min(1).max(10).optional(),
    baseDelayMs: nonNegative.optional(),
    maxDelayMs: nonNegative.optional(),
    maxRetryAfterMs: nonNegative.optional(),
  });

  /** One step of a fallback chain: a model on a provider. */
  const fallbackStepSchema = z.strictObject({
    provider: providerId,
    // Said in the x-tokenledger-attempt-model header, which takes printable ASCII.
    model: z
      .string()
      .min(1)
      .regex(/^[\x20-\x7e]+$/, 'a model id of printable ASCII characters'),
  });

  /**
   * A fallback chain (src/server/gateway/fallbacks.ts): a call to the chain's first model that
   * the upstream answers with a 429 or 5xx, or never answers, is sent to the next one.
   */
  const fallbackSchema = z.strictObject({
    chain: z.array(fallbackStepSchema).min(2),
    /** Route labels it covers: `openai.chat`, `openai.responses`, `openai.embeddings`. @default all three */
    routes: z.array(z.string().min(1)).min(1).optional(),
    /** Gateway key names (`env:CI_KEY` is `CI_KEY`) it covers. @default every caller */
    keys: z.array(z.string().min(1)).min(1).optional(),
  });

  /** Sizes and timeouts; defaults in src/server/deps.ts. */
  const serverLimitsSchema = z.strictObject({
    maxBodyBytes: positiveInt.optional(),
    maxIngestEvents: positiveInt.optional(),
    maxOtlpBodyBytes: positiveInt.optional(),
    maxOtlpPendingSpans: positiveInt.optional(),
    maxGatewayBodyBytes: positiveInt.optional(),
    maxGatewayUploadBytes: positiveInt.optional(),
    upstreamTimeoutMs: positiveInt.optional(),
    headersTimeoutMs: positiveInt.optional(),
    requestTimeoutMs: positiveInt.optional(),
    uploadIdleTimeoutMs: positiveInt.optional(),
    uploadTimeoutMs: positiveInt.optional(),
    keepAliveTimeoutMs: positiveInt.optional(),
    sqliteBusyTimeoutMs: positiveInt.optional(),
    sqliteMaxPageCount: positiveInt.optional(),
    postgresConnectTimeoutMs: positiveInt.optional(),
    postgresStatementTimeoutMs: positiveInt.optional(),
    postgresIdleInTransactionTimeoutMs: positiveInt.optional(),
    postgresQueryTimeoutMs: positiveInt.optional(),
  });

  const serverMetricsSchema = z.strictObject({
    /** Distinct provider/model/agent label sets with their own series; later ones are `other`. */
    maxLabelSets: positiveInt.optional(),
  });

  /** The local spool between a delivered call and the store; defaults in src/server/spool-location.ts. */
  const serverSpoolSchema = z.strictObject({
    /** Directory of the spool's segment files. @default next to the SQLite file (`<db>.spool`), else ./tokenledger.spool */
    path: z.string().min(1).optional(),
    /** Most bytes the spool keeps on disk; beyond it events are refused, counted and reported. @default 512 MiB */
    maxBytes: positiveInt.optional(),
  });

  const serverSchema = z.strictObject({
    /** Interface to bind. */
    host: z.string().min(1).optional(),
    port: z.number().int().min(0).max(65535).optional(),
    logLevel: z.enum(LOG_LEVELS).optional(),
    /** Reset and everything the read key may do. */
    adminKey: secretRef.optional(),
    /** POST /v1/usage and POST /v1/traces. */
    ingestKey: secretRef.optional(),
    /** Analytics reads and /metrics, no reset. */
    readKey: secretRef.optional(),
    gatewayKeys: z.array(gatewayKeySchema).optional(),
    upstreams: z.array(upstreamSchema).optional(),
    modelRoutes: z.array(modelRouteSchema).optional(),
    retry: gatewayRetrySchema.optional(),
    fallbacks: z.array(fallbackSchema).optional(),
    /** Host names served besides loopback names and IP addresses (a name in front of the server). */
    allowedHosts: z.array(z.string().min(1)).optional(),
    limits: serverLimitsSchema.optional(),
    /**
     * `inject` (default): chat streams of providers that send usage only when asked get
     * `stream_options.include_usage` added, and the added chunks are removed from the answer;
     * `off`: bodies are forwarded exactly as sent.
     */
    streamUsage: z.enum(['inject', 'off']).optional(),
    metrics: serverMetricsSchema.optional(),
    spool: serverSpoolSchema.optional(),
  });
  return serverSchema;
}
