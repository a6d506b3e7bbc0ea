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
  BudgetExceededError,
  BudgetUnavailableError,
  isRetryableStatus,
  providerErrorFromStatus,
} from './errors.js';
export type { TokenledgerErrorOptions, ProviderErrorOptions, BudgetRefusalFacts } from './errors.js';
export { redactSecrets, redactHeaders, isSecretHeader, REDACTED } from './redact.js';
