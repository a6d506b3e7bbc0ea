/**
 * The resolved config: what the rest of tokenledger reads. Secrets are resolved from the
 * environment once, and each keeps the reference it came from so messages can name it safely.
 *
 * @module
 */
import type { ClientAdapterKind } from '../providers/index.js';
import type { PriceOverride } from '../types/index.js';
import type { SecretValue } from './env-ref.js';
import type { BudgetConfig } from './schema.js';
import type { ServerConfig } from './server-config.js';

/** The wire protocol a configured provider is called with (the client adapter). */
export type ProviderType = ClientAdapterKind;

export interface ProviderConfig {
  /** Canonical provider id (`openai`, `openrouter`, `anthropic`, `google`...), or any name of yours. */
  id: string;
  type: ProviderType;
  /** Base URL; `undefined` means the provider's default (known ids only). */
  baseURL: string | undefined;
  /** Keys in rotation order. Entries whose variable is unset have `value: undefined`. */
  apiKeys: SecretValue[];
  /** True for local servers (Ollama, vLLM) that need no key. */
  keyOptional: boolean;
  /** Extra headers sent with every request. */
  headers: Record<string, string>;
}

export interface AgentConfig {
  /** Provider id; resolved from `provider/model` strings by {@link resolveModelRef}. */
  provider: string;
  model: string;
  temperature?: number;
  maxTokens?: number;
  system?: string;
}

export interface RateLimitConfig {
  provider: string;
  /** Every model of the provider when absent. */
  model?: string;
  /** Requests per minute. */
  rpm?: number;
  /** Tokens (input + output) per minute. */
  tpm?: number;
  /** Calls in flight at once. */
  concurrency?: number;
}

export interface RetryConfig {
  /** Attempts in all, the first included. @default 3 */
  maxAttempts?: number;
  /** First backoff delay. @default 500 */
  baseDelayMs?: number;
  /** Cap on a backoff delay. @default 8000 */
  maxDelayMs?: number;
  /** Cap on a server's Retry-After; longer asks are not waited for. @default 60000 */
  maxRetryAfterMs?: number;
  /** Give up when the next attempt would start after this many ms from the first. */
  deadlineMs?: number;
}

/** The settings that can come from the environment with no config file (env-basics.ts). */
export type BasicSetting =
  | 'store'
  | 'server.host'
  | 'server.port'
  | 'server.logLevel'
  | 'server.adminKey'
  | 'server.ingestKey'
  | 'server.readKey'
  | 'server.gatewayKeys';

export interface Config {
  /** Where the config came from: a file path, or `env` when there was no file. */
  source: string;
  /**
   * Where each basic setting came from, for `serve` to say: the config file's path, or the
   * environment variable's name. Settings left at their default are absent.
   */
  settingSources: Partial<Record<BasicSetting, string>>;
  /** Environment variables that were set but lost to the config file. */
  ignoredEnv: string[];
  /** Store URL, or `undefined` for the default. */
  store: string | undefined;
  providers: Record<string, ProviderConfig>;
  agents: Record<string, AgentConfig>;
  prices: PriceOverride[];
  /** `prices.refresh`, `prices.source`, `prices.check` (the object form of `prices`). */
  priceRefresh: PriceRefreshConfig;
  rateLimits: RateLimitConfig[];
  retry: RetryConfig;
  /** `redis://` URL for shared rate limits. */
  redis: string | undefined;
  server: ServerConfig;
  /** Budgets as written (scope providers canonical); src/budgets turns them into `BudgetSpec`s. */
  budgets: BudgetConfig[];
  /** Where tokenledger sends its own calls as OTLP spans and metrics; `undefined`: nowhere. */
  otel: OtelExportConfig | undefined;
}

export interface OtelExportConfig {
  /** OTLP/HTTP base URL, without a trailing slash (`http://collector:4318`). */
  endpoint: string;
  /** Headers for the collector, references resolved (secrets: never log them). */
  headers: Record<string, string>;
  /** Metric export interval, ms. */
  metricIntervalMs: number;
}

/** How often `serve` looks in the ledger for price data another process installed. */
export const DEFAULT_PRICE_CHECK_MS = 60_000;

export interface PriceRefreshConfig {
  /** How often `serve` fetches and installs the catalog file; `undefined`: never (the default). */
  everyMs: number | undefined;
  /** URL or file path; `undefined`: the catalog's published file. */
  source: string | undefined;
  /** How often `serve` picks up data installed by another process. @default 60_000 */
  checkMs: number;
}
