export { loadConfig, parseConfig, findConfigFile } from './load-config.js';
export type { LoadConfigOptions } from './load-config.js';
export { resolveModelRef } from './resolve-model.js';
export type { ModelTarget } from './resolve-model.js';
export { resolveSecret, envRefName, expandEnv } from './env-ref.js';
export type { SecretValue } from './env-ref.js';
export { configFileSchema } from './schema.js';
export { budgetConfigSchema } from './budget-schema.js';
export type { ConfigFile, BudgetConfig } from './schema.js';
export type {
  Config,
  ProviderConfig,
  ProviderType,
  AgentConfig,
  RateLimitConfig,
  RetryConfig,
  BasicSetting,
  OtelExportConfig,
  PriceRefreshConfig,
} from './config.js';
export { DEFAULT_PRICE_CHECK_MS } from './config.js';
export type {
  GatewayKeyConfig,
  FallbackConfig,
  GatewayRetryConfig,
  LogLevel,
  ModelRouteConfig,
  ServerConfig,
  ServerLimitsConfig,
  UpstreamConfig,
} from './server-config.js';
export { BASIC_ENV, GATEWAY_KEYS_VAR, parseGatewayKeysVar } from './env-basics.js';
export { LOG_LEVELS } from './server-schema.js';
