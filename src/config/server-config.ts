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

/** Sizes and timeouts as configured; the server fills in its defaults (src/server/deps.ts). */
export interface ServerLimitsConfig {
  maxBodyBytes?: number;
  maxIngestEvents?: number;
  maxGatewayBodyBytes?: number;
  maxGatewayUploadBytes?: number;
  upstreamTimeoutMs?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  uploadIdleTimeoutMs?: number;
  uploadTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  sqliteBusyTimeoutMs?: number;
  sqliteMaxPageCount?: number;
  postgresConnectTimeoutMs?: number;
  postgresStatementTimeoutMs?: number;
  postgresIdleInTransactionTimeoutMs?: number;
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
