/**
 * What the server's routes are built from. Everything is injected (store, ledger, logger,
 * upstream fetch, clock, environment) so tests run real parts in-process.
 *
 * @module
 */
import type { Config, ServerLimitsConfig } from '../config/index.js';
import type { CreateUsageMeter } from '../http/index.js';
import type { RecordingLedger } from '../ledger/index.js';
import type { BudgetGuard, BudgetRegistry } from '../budgets/index.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../types/index.js';
import type { Binding } from './binding.js';
import type { ServerMetrics } from './metrics.js';

/** The limits in force: every configured size and timeout, with the defaults below filled in. */
export type ServerLimits = Required<Omit<ServerLimitsConfig, 'sqliteMaxPageCount'>> & {
  /** No default: SQLite's own limit applies when unset. */
  sqliteMaxPageCount: number | undefined;
};

export const DEFAULT_LIMITS: ServerLimits = {
  maxBodyBytes: 5 * 1024 * 1024,
  maxIngestEvents: 1000,
  maxOtlpBodyBytes: 20 * 1024 * 1024,
  maxOtlpPendingSpans: 50_000,
  maxGatewayBodyBytes: 32 * 1024 * 1024,
  maxGatewayUploadBytes: 512 * 1024 * 1024,
  upstreamTimeoutMs: 600_000,
  headersTimeoutMs: 66_000,
  requestTimeoutMs: 300_000,
  uploadIdleTimeoutMs: 60_000,
  uploadTimeoutMs: 3_600_000,
  keepAliveTimeoutMs: 65_000,
  sqliteBusyTimeoutMs: 5_000,
  sqliteMaxPageCount: undefined,
  postgresConnectTimeoutMs: 5_000,
  postgresStatementTimeoutMs: 30_000,
  postgresIdleInTransactionTimeoutMs: 30_000,
  postgresQueryTimeoutMs: 35_000,
};

export interface ServerDeps {
  store: Store;
  ledger: RecordingLedger;
  config: Config;
  logger: Logger;
  metrics: ServerMetrics;
  /** Reads usage from upstream bodies (the tracking fetch's meter). */
  createMeter: CreateUsageMeter;
  /** Environment for upstream defaults (`OPENAI_BASE_URL`...). @default process.env */
  env?: Record<string, string | undefined>;
  limits?: Partial<ServerLimits>;
  /** Directory of the built dashboard (web/dist); a placeholder page is served when absent. */
  dashboardDir?: string;
  /** Where the server listens, and whether `--insecure-open` was given. @default 127.0.0.1, not open */
  binding?: Binding;
  /** Budgets the gateway enforces before each call (`budgets:` in the config, and the admin API's). */
  budgets?: BudgetGuard;
  /** The budgets in force and where the API's are stored: `/v1/budgets` is served with it. */
  budgetRegistry?: BudgetRegistry;
}
