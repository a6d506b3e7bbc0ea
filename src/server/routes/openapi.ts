/**
 * `GET /openapi.json`: an OpenAPI 3.1 description of every endpoint, kept beside the routes.
 *
 * @module
 */
import { Hono } from 'hono';
import type { ServerLimits } from '../deps.js';
import { budgetPaths, budgetSchemas } from './openapi-budgets.js';

const filterParams = [
  {
    name: 'from',
    in: 'query',
    description: 'Inclusive lower bound on event time: ISO-8601 or epoch ms.',
    schema: { type: 'string' },
  },
  {
    name: 'to',
    in: 'query',
    description: 'Exclusive upper bound on event time: ISO-8601 or epoch ms.',
    schema: { type: 'string' },
  },
  ...['provider', 'model', 'agent', 'run'].map((name) => ({
    name,
    in: 'query',
    description: 'Repeat for several values (any of them).',
    schema: { type: 'array', items: { type: 'string' } },
    style: 'form',
    explode: true,
  })),
  { name: 'status', in: 'query', schema: { type: 'string', enum: ['ok', 'error'] } },
  {
    name: 'priceSource',
    in: 'query',
    description:
      "Where the cost's prices came from: override, free, bundled VERSION or catalog SHA (a refreshed catalog); repeat for several.",
    schema: { type: 'array', items: { type: 'string' } },
    style: 'form',
    explode: true,
  },
  {
    name: 'tag.KEY',
    in: 'query',
    description:
      'Tag filter, e.g. tag.team=search; repeat one key for any of several values; different keys combine (AND). Users and sessions are the reserved tags user and session.',
    schema: { type: 'string' },
  },
  {
    name: 'not.FIELD',
    in: 'query',
    description:
      'Leave out calls whose provider, model, agent, run or tag (not.tag.KEY) has this value (repeatable); calls without the field stay in.',
    schema: { type: 'string' },
  },
];

const error = {
  description: 'Bad input or refused: { error: { code, message, field? } }',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};
const json = (description: string, schema: object = { type: 'object' }): object => ({
  description,
  content: { 'application/json': { schema } },
});
const query = (summary: string, extra: object[] = []): object => ({
  get: {
    summary,
    security: [{ key: [] }],
    parameters: [...filterParams, ...extra],
    responses: { 200: json(summary), 400: error, 401: error, 403: error },
  },
});
const gateway = (summary: string): object => ({
  post: {
    summary,
    description:
      'Forwarded to the configured upstream byte for byte (streams unbuffered); usage recorded. Attribution headers: x-tokenledger-agent, x-tokenledger-run, x-tokenledger-tags (k=v,k=v), x-tokenledger-user and x-tokenledger-session (the reserved tags user and session). Every response has x-tokenledger-overhead-ms. With gateway keys configured the client sends one (Authorization: Bearer, x-api-key, x-goog-api-key, ?key= or x-tokenledger-key); it reaches only the providers it names (403 provider_not_allowed otherwise) and is never forwarded (400 gateway_key_in_body when the body holds it).',
    requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
    responses: {
      200: { description: "The upstream's answer, unchanged." },
      400: error,
      401: error,
      403: error,
      413: error,
      502: error,
      504: error,
    },
  },
});

export function openApiDocument(limits: ServerLimits): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'tokenledger',
      version: '0.1.0',
      description: 'Analytics, ingest and a metering gateway for LLM calls.',
    },
    components: {
      schemas: {
        ...budgetSchemas,
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
            },
          },
        },
        RecordInput: {
          type: 'object',
          description:
            'One call: normalized usage, or a raw provider response to normalize, plus attribution. Re-sent ids are idempotent.',
          properties: {
            id: { type: 'string' },
            time: { type: ['string', 'number'] },
            provider: { type: 'string' },
            model: { type: 'string' },
            agent: { type: 'string' },
            run: { type: 'string' },
            tags: { type: 'object', additionalProperties: { type: 'string' } },
            usage: {
              type: 'object',
              description:
                "Our convention (below), or a provider's own usage object as it came (OpenAI prompt_tokens..., Anthropic input_tokens + cache_*, Gemini usageMetadata, Bedrock inputTokens + cacheReadInputTokens, Cohere billed_units/tokens, Ollama, the AI SDK's). An unreadable usage is a 400 naming the field.",
              properties: {
                inputTokens: { type: 'integer' },
                outputTokens: { type: 'integer' },
                cacheReadTokens: { type: 'integer' },
                cacheWriteTokens: { type: 'integer' },
                reasoningTokens: { type: 'integer' },
                iterations: {
                  type: 'array',
                  description:
                    'A call billed in steps (compaction, advisor, fallback): each priced at its own model; the counts above are their sums.',
                  items: {
                    type: 'object',
                    required: ['type', 'usage'],
                    properties: { type: { type: 'string' }, model: { type: 'string' }, usage: { type: 'object' } },
                  },
                },
              },
            },
            response: {
              description: 'A raw provider response body (JSON), or a whole raw stream as one string (SSE, NDJSON).',
            },
            durationMs: { type: 'number' },
            timeToFirstTokenMs: { type: 'number' },
            status: { type: 'string', enum: ['ok', 'error'] },
            error: {
              type: 'object',
              properties: { type: { type: 'string' }, status: { type: 'integer' }, message: { type: 'string' } },
            },
            warnings: {
              type: 'array',
              items: { type: 'string' },
              description:
                'Non-fatal notes kept on the event (deduplicated, at most 32 of 500 characters); counted as warningCalls in the analytics.',
            },
            trace: {
              type: 'object',
              description: 'The OpenTelemetry trace the call belongs to (W3C trace context ids, hex).',
              required: ['traceId', 'spanId'],
              properties: {
                traceId: { type: 'string', pattern: '^[0-9a-fA-F]{32}$' },
                spanId: { type: 'string', pattern: '^[0-9a-fA-F]{16}$' },
              },
            },
          },
        },
      },
      securitySchemes: {
        key: {
          type: 'apiKey',
          in: 'header',
          name: 'x-tokenledger-key',
          description:
            'Admin key (everything, reset included), read key (analytics reads, event export, /metrics) or ingest key (POST /v1/usage); also accepted as Authorization: Bearer. Once any key is configured, a route group whose key is not configured is refused (401 naming the config key).',
        },
      },
    },
    paths: {
      '/analytics/tokens': query('Summary, model, agent and agent x model breakdowns'),
      '/analytics/tokens/models': query('Per model: tokens, calls, cost, avg tokens/call, agents'),
      '/analytics/tokens/agents': query('Per agent: tokens, calls, cost, models'),
      '/analytics/tokens/agent-models': query('Per agent and model'),
      '/analytics/tokens/runs': query(
        'Per run, ranked in the store by `sort` over every matching run (default: most recently started first): `runs` holds at most `limit` of them from `offset`, `total` counts them all',
        [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
          {
            name: 'sort',
            in: 'query',
            schema: { type: 'string', enum: ['recent', 'cost', 'tokens', 'calls', 'latency'], default: 'recent' },
          },
        ],
      ),
      '/analytics/tokens/breakdown': query(
        'Per group of one or two dimensions (provider, model, agent, run, status, errorType, errorStatus, priceSource, tag:KEY), ranked by `sort` (largest first), paged; each group with its costShare; `total` counts every group',
        [
          {
            name: 'by',
            in: 'query',
            required: true,
            description: 'by=tag:team, or two: by=tag:team&by=model',
            schema: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2 },
            style: 'form',
            explode: true,
          },
          {
            name: 'sort',
            in: 'query',
            schema: { type: 'string', enum: ['cost', 'tokens', 'calls', 'latency'], default: 'cost' },
          },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10000, default: 100 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
        ],
      ),
      '/analytics/tokens/runs/{run}': query('One run: summary, models, agents and the text report', [
        { name: 'run', in: 'path', required: true, schema: { type: 'string' } },
      ]),
      '/analytics/tokens/timeseries': query('Buckets of tokens, cost, calls, errors', [
        { name: 'interval', in: 'query', schema: { type: 'string', enum: ['1m', '1h', '1d'], default: '1h' } },
        {
          name: 'percentiles',
          in: 'query',
          description: 'latency percentiles per bucket (slower on big ledgers)',
          schema: { type: 'boolean', default: false },
        },
      ]),
      '/analytics/tokens/compare': {
        post: {
          summary: 'Models side by side',
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['models'],
                  properties: {
                    models: { type: 'array', items: { type: 'string' }, maxItems: 20 },
                    filter: { type: 'object' },
                  },
                },
              },
            },
          },
          security: [{ key: [] }],
          responses: { 200: json('Comparison'), 400: error, 401: error, 403: error },
        },
      },
      '/analytics/tokens/whatif': {
        post: {
          summary: 'The calls of one model priced on another',
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['swaps'],
                  properties: {
                    swaps: {
                      type: 'array',
                      maxItems: 20,
                      items: {
                        type: 'object',
                        required: ['from', 'to'],
                        properties: {
                          from: { type: 'string' },
                          to: { type: 'string' },
                          toProvider: { type: 'string' },
                        },
                      },
                    },
                    filter: { type: 'object' },
                  },
                },
              },
            },
          },
          security: [{ key: [] }],
          responses: { 200: json('WhatIf'), 400: error, 401: error, 403: error },
        },
      },
      '/analytics/tokens/reset': {
        post: {
          summary: 'Remove events (admin key)',
          security: [{ key: [] }],
          requestBody: {
            content: {
              'application/json': {
                schema: { type: 'object', properties: { filter: { type: 'object' }, all: { const: true } } },
              },
            },
          },
          responses: {
            200: json('How many events were removed', { type: 'object', properties: { removed: { type: 'integer' } } }),
            400: error,
            401: error,
            403: json('A read key: it may not reset', { $ref: '#/components/schemas/Error' }),
          },
        },
      },
      '/analytics/tokens/reprice': {
        post: {
          summary:
            'Price the stored events again with the current prices (admin key); dryRun answers the deltas per model, agent and run and writes nothing',
          security: [{ key: [] }],
          requestBody: {
            content: {
              'application/json': {
                schema: { type: 'object', properties: { filter: { type: 'object' }, dryRun: { type: 'boolean' } } },
              },
            },
          },
          responses: {
            200: json('What was (or would be) re-priced: read, changed, written, totals, byModel, byAgent, byRun', {
              type: 'object',
            }),
            400: error,
            401: error,
            403: json('A read key: it may not reprice', { $ref: '#/components/schemas/Error' }),
          },
        },
      },
      '/analytics/calls': query(
        'Every call (attribution, tokens, cost, latency, TTFT, status, warnings), sorted and paged in the store; format=csv or ndjson downloads exactly this page (same filter, sort, limit, cursor; x-next-cursor names the next)',
        [
          {
            name: 'sort',
            in: 'query',
            schema: { type: 'string', enum: ['time', 'cost', 'latency', 'tokens'], default: 'time' },
          },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
          { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'csv', 'ndjson'], default: 'json' } },
        ],
      ),
      '/analytics/calls/{id}': {
        get: {
          summary:
            "One call's detail: the stored event (raw usage, cost breakdown), how today's prices price it (source, prices per 1M, sameAsStored), and the calls of the same trace span (linked attempts)",
          security: [{ key: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: json('The call'), 400: error, 401: error, 403: error, 404: error },
        },
      },
      '/analytics/events': query('Raw events, newest first (paginated); format=csv or ndjson exports every match', [
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        { name: 'cursor', in: 'query', schema: { type: 'string' } },
        { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'csv', 'ndjson'] } },
      ]),
      '/v1/usage': {
        post: {
          summary: `Ingest events: one, an array or {"events": [...]}, at most ${limits.maxIngestEvents} per request and ${limits.maxBodyBytes} bytes`,
          description:
            'Answers 200 with the ids only once every event is durable; 503 when the store is down (nothing of the request acknowledged).',
          security: [{ key: [] }],
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  oneOf: [
                    { $ref: '#/components/schemas/RecordInput' },
                    { type: 'array', items: { $ref: '#/components/schemas/RecordInput' } },
                  ],
                },
              },
            },
          },
          responses: {
            200: json('Stored', {
              type: 'object',
              properties: {
                ids: { type: 'array', items: { type: 'string' } },
                recorded: { type: 'integer', description: 'New events stored' },
                duplicates: {
                  type: 'integer',
                  description:
                    'Events whose id the ledger had already, or that repeated an id of the request (not stored twice)',
                },
                deadLettered: {
                  type: 'array',
                  description: 'Events the store refused for good (kept in GET /v1/dead-letters), with the reason',
                  items: {
                    type: 'object',
                    properties: { id: { type: 'string' }, reason: { type: 'string' } },
                  },
                },
              },
            }),
            400: error,
            401: error,
            413: error,
            503: error,
          },
        },
      },
      ...budgetPaths,
      '/v1/dead-letters': {
        get: {
          summary:
            'Events the store refused for good (a constraint, an encoding, a range), newest first, with the reason and the event; count is how many are kept (read or admin key)',
          security: [{ key: [] }],
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
            { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
          ],
          responses: {
            200: json('Dead letters: { count, limit, offset, deadLetters: [{ id, time, reason, event }] }'),
            400: error,
            401: error,
            403: error,
          },
        },
      },
      '/v1/traces': {
        post: {
          summary: `OTLP/HTTP trace receiver: the spans that are model calls become events (at most ${limits.maxOtlpBodyBytes} bytes after decompression)`,
          description:
            "An OpenTelemetry exporter (any language) points here: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://HOST:PORT/v1/traces, the ingest key in OTEL_EXPORTER_OTLP_HEADERS (x-tokenledger-key=KEY or authorization=Bearer KEY). Model calls are GenAI spans (gen_ai.operation.name chat, text_completion, generate_content, embeddings), the AI SDK's ai.*.doGenerate/doStream/doEmbed spans and OpenInference LLM/EMBEDDING spans; agent, workflow and other parent spans add nothing. Event ids derive from trace and span id, so a retried batch is stored once. Answers 200 only once every call is durable, in the request's encoding: ExportTraceServiceResponse, with partialSuccess when spans were rejected (rejectedSpans) or kept with warnings (rejectedSpans 0). Errors are a google.rpc.Status (JSON: { code, message, error }).",
          security: [{ key: [] }],
          parameters: [
            {
              name: 'content-encoding',
              in: 'header',
              schema: { type: 'string', enum: ['gzip', 'deflate', 'identity'] },
            },
          ],
          requestBody: {
            content: {
              'application/x-protobuf': { schema: { type: 'string', format: 'binary' } },
              'application/json': {
                schema: {
                  type: 'object',
                  description: 'ExportTraceServiceRequest in the OTLP JSON encoding (hex ids, integer enums)',
                  properties: { resourceSpans: { type: 'array', items: { type: 'object' } } },
                },
              },
            },
          },
          responses: {
            200: {
              description: 'ExportTraceServiceResponse',
              content: {
                'application/x-protobuf': { schema: { type: 'string', format: 'binary' } },
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      partialSuccess: {
                        type: 'object',
                        properties: { rejectedSpans: { type: 'string' }, errorMessage: { type: 'string' } },
                      },
                    },
                  },
                },
              },
            },
            400: { description: 'The body does not decode (google.rpc.Status)' },
            401: { description: 'The ingest key is missing or wrong' },
            413: { description: 'The body, or its decompression, is larger than the limit' },
            415: { description: 'Neither application/x-protobuf nor application/json' },
            429: { description: 'Too many spans wait for the store; Retry-After says when to retry' },
            503: { description: 'The store is unavailable; Retry-After says when to retry' },
          },
        },
      },
      '/v1/chat/completions': gateway('OpenAI-compatible chat completions'),
      '/v1/responses': gateway('OpenAI Responses API'),
      '/v1/embeddings': gateway('OpenAI-compatible embeddings'),
      '/v1/models': {
        get: { summary: "The upstream's model list (not recorded)", responses: { 200: { description: 'Unchanged' } } },
      },
      '/v1/{path}': {
        summary:
          'Any other OpenAI path (completions, moderations, images, audio, files, batches, models/{id}...), but /v1/usage, /v1/dead-letters, /v1/traces, /v1/metrics and /v1/logs',
        description:
          'Passed through to the OpenAI-style upstream as it came (any method, any body, multipart uploads within the gateway body limit), with the same key rules, attribution headers and budgets as the routes above. POST, PUT, PATCH and DELETE are recorded (with usage when the JSON answer carries a usage object, else without and with the reason; a request naming no model is recorded under "unknown"); GET, HEAD and OPTIONS are forwarded, not recorded. A path with "." or ".." segments is a 400.',
      },
      '/anthropic/v1/messages': gateway('Anthropic Messages API'),
      '/gemini/v1beta/models/{model}:generateContent': gateway('Gemini generateContent'),
      '/gemini/v1beta/models/{model}:streamGenerateContent': gateway('Gemini streamGenerateContent (alt=sse)'),
      '/metrics': {
        get: {
          summary: 'Prometheus metrics; with keys configured, the read or admin key (Authorization: Bearer)',
          security: [{ key: [] }],
          responses: { 200: { description: 'text/plain; version=0.0.4' }, 401: error },
        },
      },
      '/healthz': { get: { summary: 'Health', responses: { 200: json('ok'), 503: json('store unavailable') } } },
      '/openapi.json': { get: { summary: 'This document', responses: { 200: json('OpenAPI 3.1') } } },
      '/': { get: { summary: 'Dashboard', responses: { 200: { description: 'HTML' } } } },
    },
  };
}

export function createOpenApiRoutes(limits: ServerLimits): Hono {
  const app = new Hono();
  const document = openApiDocument(limits);
  app.get('/', (c) => c.json(document));
  return app;
}
