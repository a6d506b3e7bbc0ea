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
  BudgetAdminError,
  isRetryableStatus,
  providerErrorFromStatus,
} from './errors.js';
export type {
  TokenledgerErrorOptions,
  ProviderErrorOptions,
  BudgetRefusalFacts,
  BudgetAdminRefusal,
} from './errors.js';
export { redactSecrets, redactHeaders, isSecretHeader, REDACTED } from './redact.js';
export { toWireError, fromWireError } from './wire.js';
export type { WireError } from './wire.js';
