/**
 * The resolved `server` section: what `tokenledger serve` reads, secrets resolved from the
 * environment (each keeping the reference it came from, safe to print).
 *
 * @module
 */
import type { SecretValue } from './env-ref.js';
import type { LOG_LEVELS } from './server-schema.js';

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface GatewayKeyConfig {
  key: SecretValue;
  /** The providers the key may reach (at least one). */
  providers: string[];
  /** Only when `providers` has one entry. */
  upstreamKey?: SecretValue;
  agent?: string;
  run?: string;
  tags?: Record<string, string>;
}

export interface UpstreamConfig {
  provider: string;
  baseURL: string;
  apiKey?: SecretValue;
}

export interface ModelRouteConfig {
  prefix: string;
  provider: string;
}

export interface GatewayRetryConfig {
  routes: '*' | string[];
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxRetryAfterMs?: number;
}

/** A fallback chain (`server.fallbacks`), providers canonical. */
export interface FallbackConfig {
  /** The model it covers first, then the ones tried in turn. */
  chain: { provider: string; model: string }[];
  /** Route labels covered; absent: every OpenAI-compatible route. */
  routes?: string[];
  /** Gateway key names covered; absent: every caller. */
  keys?: string[];
}

/**
 * Sizes and timeouts (`server.limits`), each optional: the server fills in the defaults named
 * here (DEFAULT_LIMITS in src/server/deps.ts).
 */
export interface ServerLimitsConfig {
  /**
   * Largest request body accepted by the ingest and analytics endpoints, in bytes.
   * @default 5 MiB
   */
  maxBodyBytes?: number;
  /**
   * Most events one `POST /v1/usage` may carry.
   * @default 1000
   */
  maxIngestEvents?: number;
  /**
   * Largest OTLP request body (`POST /v1/traces`), in bytes, counted after decompression too
   * (the OTLP specification's recommended default).
   * @default 20 MiB
   */
  maxOtlpBodyBytes?: number;
  /**
   * Most spans' events waiting for the store (held by OTLP requests in flight, plus, with a spool,
   * every event the spool's drain has not stored yet); a request that would go past it is
   * answered 429 with Retry-After (exporters retry it), so a slow store cannot grow memory or
   * the spool without bound.
   * @default 50000
   */
  maxOtlpPendingSpans?: number;
  /**
   * Largest request body the gateway forwards, in bytes (prompts with images are large).
   * @default 32 MiB
   */
  maxGatewayBodyBytes?: number;
  /**
   * Largest upload the gateway streams through to the upstream without holding it
   * (`POST /v1/files`, `POST /v1/uploads/{id}/parts`, gateway/streamed-body.ts): OpenAI's
   * own limit for a file. Counted as the bytes pass; memory stays that of a few chunks.
   * @default 512 MiB
   */
  maxGatewayUploadBytes?: number;
  /**
   * How long the gateway waits for an upstream's response headers, and then for each body
   * chunk, before cutting the call (recorded as a failed `TimeoutError`).
   * @default 600000 (10 min)
   */
  upstreamTimeoutMs?: number;
  /**
   * How long a client may take to send a request's headers (node:http `headersTimeout`).
   * @default 66000
   */
  headersTimeoutMs?: number;
  /**
   * How long a client may take to send a whole request, body included (node:http
   * `requestTimeout`). Never applies to waiting for the upstream or to a quiet stream.
   * @default 300000 (5 min)
   */
  requestTimeoutMs?: number;
  /**
   * An upload the gateway streams through (`POST /v1/files`, upload parts) is cut after a pause
   * this long between bytes; `requestTimeoutMs` does not apply to it.
   * @default 60000 (1 min)
   */
  uploadIdleTimeoutMs?: number;
  /**
   * Longest time a streamed upload may take in all (512 MiB at 150 KB/s).
   * @default 3600000 (1 h)
   */
  uploadTimeoutMs?: number;
  /**
   * How long an idle keep-alive connection stays open between requests; above the 60 s idle
   * timeout of common load balancers, so they close first.
   * @default 65000
   */
  keepAliveTimeoutMs?: number;
  /**
   * SQLite: how long one store call of the server waits for another process's write lock
   * (`tokenledger import`, a second `serve`) before it fails (retryable). The store runs in a
   * worker thread, so the wait never stalls the gateway, `/healthz` or `/metrics`: it bounds how
   * long a spool drain, an ingest (which answers `spooled` after 2 s anyway), an analytics query
   * that must apply pending rollups, or a reset waits. Past it the drain retries with backoff,
   * analytics answer 503 (retry later), and `/healthz` is degraded (`store_failing`) while
   * events wait in the spool: a lock held longer than this is worth an operator's look.
   * @default 5000
   */
  sqliteBusyTimeoutMs?: number;
  /**
   * SQLite: the most pages (4 KiB each by default) the ledger file may grow to (`PRAGMA
   * max_page_count` on the server's connection); past it the store is full as on a full disk:
   * writes fail (retryable), the spool keeps the events, `/healthz` says `store_failing`, and
   * storing resumes once pages are freed (a reset, a delete) or the server restarts with more.
   * The outage tests use it to fill a ledger while the spool's disk has room.
   * @default none (SQLite's own limit)
   */
  sqliteMaxPageCount?: number;
  /**
   * PostgreSQL: how long to wait for a connection (to connect, or for a free one in the pool).
   * @default 5000
   */
  postgresConnectTimeoutMs?: number;
  /**
   * PostgreSQL `statement_timeout`: the server cancels a statement running longer (an insert
   * waiting on a lock, an analytics query over too much); the spool keeps the events meanwhile.
   * @default 30000
   */
  postgresStatementTimeoutMs?: number;
  /**
   * PostgreSQL `idle_in_transaction_session_timeout`: a session idle inside a transaction this
   * long is ended, releasing its locks.
   * @default 30000
   */
  postgresIdleInTransactionTimeoutMs?: number;
  /**
   * PostgreSQL, client side: a query with no answer at all this long (the database gone silent,
   * no reset) fails and its connection is dropped; the drain retries with backoff. Ingest does
   * not wait for it: a durable write settles as spooled (202) after 2 s, or at once while store
   * writes are failing.
   * @default 35000 (postgresStatementTimeoutMs + 5000)
   */
  postgresQueryTimeoutMs?: number;
}

export interface ServerConfig {
  host?: string;
  port?: number;
  logLevel?: LogLevel;
  adminKey?: SecretValue;
  ingestKey?: SecretValue;
  readKey?: SecretValue;
  gatewayKeys: GatewayKeyConfig[];
  upstreams: UpstreamConfig[];
  modelRoutes: ModelRouteConfig[];
  retry?: GatewayRetryConfig;
  fallbacks: FallbackConfig[];
  allowedHosts: string[];
  /** Whether the gateway asks plain chat streams for their usage. @default 'inject' */
  streamUsage: 'inject' | 'off';
  limits: ServerLimitsConfig;
  metrics: { maxLabelSets?: number };
  /** The local spool (src/server/spool-location.ts fills in the defaults). */
  spool: { path?: string; maxBytes?: number };
}
