export {
  TokenledgerError,
  ValidationError,
  InvalidUsageError,
  ConfigError,
  StoreError,
  ProviderError,
  RateLimitError,
  AuthenticationError,
  TimeoutError,
  ConnectionError,
  AbortError,
  isRetryableStatus,
  providerErrorFromStatus,
} from './errors.js';
export type { TokenledgerErrorOptions, ProviderErrorOptions } from './errors.js';
export { redactSecrets, redactHeaders, isSecretHeader, REDACTED } from './redact.js';
