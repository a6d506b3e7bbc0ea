export { loadConfig, parseConfig, findConfigFile } from './load-config.js';
export type { LoadConfigOptions } from './load-config.js';
export { resolveModelRef } from './resolve-model.js';
export type { ModelTarget } from './resolve-model.js';
export { resolveSecret, envRefName, expandEnv } from './env-ref.js';
export type { SecretValue } from './env-ref.js';
export { ENV_PROVIDERS } from './env-providers.js';
export type { EnvProvider } from './env-providers.js';
export { configFileSchema } from './schema.js';
export type { ConfigFile } from './schema.js';
export type {
  Config,
  ProviderConfig,
  ProviderType,
  AgentConfig,
  RateLimitConfig,
  RetryConfig,
  GatewayKeyConfig,
  UpstreamConfig,
  ServerConfig,
} from './config.js';
