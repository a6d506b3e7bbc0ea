/**
 * The error hierarchy. Every error tokenledger throws is a `TokenledgerError`; each subclass
 * carries what a caller needs to act on it. Messages pass through `redactSecrets`, so an API
 * key can never travel inside one.
 *
 * @module
 */
import { redactSecrets } from './redact.js';

const MARKER = Symbol.for('tokenledger.error');

export interface TokenledgerErrorOptions {
  cause?: unknown;
  /** The input field the error is about, e.g. `usage.inputTokens`. */
  field?: string;
}

export class TokenledgerError extends Error {
  /** Stable machine-readable code, e.g. `invalid_usage`, `config`. */
  readonly code: string;
  readonly field: string | undefined;
  readonly [MARKER] = true;

  constructor(code: string, message: string, options: TokenledgerErrorOptions = {}) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.field = options.field;
  }

  /** True for any tokenledger error, even from a second copy of the package. */
  static isInstance(value: unknown): value is TokenledgerError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** Bad input: a field with the wrong type or value. */
export class ValidationError extends TokenledgerError {
  constructor(message: string, options: TokenledgerErrorOptions = {}) {
    super('invalid_input', message, options);
  }
}

/** A usage object or stream that cannot be trusted. */
export class InvalidUsageError extends TokenledgerError {
  constructor(message: string, options: TokenledgerErrorOptions = {}) {
    super('invalid_usage', message, options);
  }
}

/** A bad config file, unknown agent/model, missing key. Raised before any request is sent. */
export class ConfigError extends TokenledgerError {
  constructor(message: string, options: TokenledgerErrorOptions = {}) {
    super('config', message, options);
  }
}

/** The store cannot be opened, read or written. */
export class StoreError extends TokenledgerError {
  /** True when retrying later may succeed (store down, locked, full). */
  readonly retryable: boolean;
  /**
   * True when the store refused what was written (a constraint, an encoding or a value out of
   * range): the same events fail again whenever they are retried, while other events would
   * not. A writer then looks for the event at fault and dead-letters it (never retryable).
   */
  readonly contentRejected: boolean;
  constructor(
    message: string,
    options: TokenledgerErrorOptions & { retryable?: boolean; contentRejected?: boolean } = {},
  ) {
    super('store', message, options);
    this.contentRejected = options.contentRejected ?? false;
    this.retryable = !this.contentRejected && (options.retryable ?? true);
  }
}

export interface ProviderErrorOptions extends TokenledgerErrorOptions {
  status?: number;
  headers?: Headers;
  requestId?: string;
  /** Response body text (redacted, truncated). */
  body?: string;
  /** Overrides the retryable verdict computed from the status. */
  retryable?: boolean;
}

/** Statuses worth retrying: request timeout, conflict, rate limit, server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** A provider answered with an error status, or could not be reached. */
export class ProviderError extends TokenledgerError {
  readonly status: number | undefined;
  readonly headers: Headers | undefined;
  readonly requestId: string | undefined;
  readonly body: string | undefined;
  /** Settled at construction: whether a retry may succeed. */
  readonly retryable: boolean;

  constructor(message: string, options: ProviderErrorOptions = {}, code = 'provider') {
    super(code, message, options);
    this.status = options.status;
    this.headers = options.headers;
    this.requestId = options.requestId;
    this.body = options.body === undefined ? undefined : redactSecrets(options.body).slice(0, 2000);
    const shouldRetryHeader = options.headers?.get('x-should-retry');
    this.retryable =
      options.retryable ??
      (shouldRetryHeader === 'true'
        ? true
        : shouldRetryHeader === 'false'
          ? false
          : options.status === undefined
            ? true
            : isRetryableStatus(options.status));
  }
}

/** 429: the provider's rate limit. */
export class RateLimitError extends ProviderError {
  constructor(message: string, options: ProviderErrorOptions = {}) {
    super(message, { ...options, status: options.status ?? 429 }, 'rate_limit');
  }
}

/** 401/403: the key was refused. */
export class AuthenticationError extends ProviderError {
  constructor(message: string, options: ProviderErrorOptions = {}) {
    super(message, options, 'authentication');
  }
}

/** No answer within the timeout. */
export class TimeoutError extends ProviderError {
  constructor(message: string, options: ProviderErrorOptions = {}) {
    super(message, { ...options, retryable: options.retryable ?? true }, 'timeout');
  }
}

/** Network failure: refused, reset, DNS. */
export class ConnectionError extends ProviderError {
  constructor(message: string, options: ProviderErrorOptions = {}) {
    super(message, { ...options, retryable: options.retryable ?? true }, 'connection');
  }
}

/** The caller aborted. Never retried. */
export class AbortError extends TokenledgerError {
  constructor(message = 'The operation was aborted', options: TokenledgerErrorOptions = {}) {
    super('aborted', message, options);
  }
}

/** Picks the error class from an HTTP status, as the official SDKs do. */
export function providerErrorFromStatus(
  status: number,
  message: string,
  options: ProviderErrorOptions = {},
): ProviderError {
  const withStatus = { ...options, status };
  if (status === 429) return new RateLimitError(message, withStatus);
  if (status === 401 || status === 403) return new AuthenticationError(message, withStatus);
  if (status === 408) return new TimeoutError(message, withStatus);
  return new ProviderError(message, withStatus);
}

/** The facts of a budget refusal, as the error, the gateway's body and its headers give them. */
export interface BudgetRefusalFacts {
  /** The budget's name. */
  budget: string;
  unit: 'usd' | 'tokens';
  /** The cap, settled spend and live holds in the budget's unit (USD, or tokens). */
  cap: number;
  spent: number;
  held: number;
  /** What the call needed to hold (its worst case). */
  requested: number;
  /** When the window's spend stops counting (ISO time); absent for lifetime budgets. */
  resetsAt?: string;
  /** `cap`: the worst case does not fit; `unpriced`: a USD budget cannot price the model. */
  reason: 'cap' | 'unpriced';
}

/** A call refused before it was sent: a budget would be exceeded. Never retried; never a fallback. */
export class BudgetExceededError extends TokenledgerError {
  readonly status = 429;
  readonly retryable = false;
  readonly facts: BudgetRefusalFacts;

  constructor(facts: BudgetRefusalFacts, options: TokenledgerErrorOptions = {}) {
    super('budget_exceeded', budgetMessage(facts), options);
    this.facts = facts;
  }
}

function budgetMessage(facts: BudgetRefusalFacts): string {
  const money = (value: number) =>
    facts.unit === 'usd' ? `$${value.toFixed(6).replace(/0{1,4}$/, '')}` : `${value} tokens`;
  const resets = facts.resetsAt === undefined ? '' : `; resets at ${facts.resetsAt}`;
  if (facts.reason === 'unpriced') {
    return `budget ${facts.budget}: refused: the model has no known price, so its worst case cannot be held against a USD cap (set unpricedHoldUsd on the budget to admit it)`;
  }
  return `budget ${facts.budget} exceeded: cap ${money(facts.cap)}, spent ${money(facts.spent)}, held ${money(facts.held)}, this call needs up to ${money(facts.requested)}${resets}`;
}

/** The budget counters could not answer in time and the budget fails closed (503). */
export class BudgetUnavailableError extends TokenledgerError {
  readonly status = 503;
  readonly retryable = true;
  readonly budget: string;

  constructor(budget: string, options: TokenledgerErrorOptions = {}) {
    super(
      'budget_unavailable',
      `budget ${budget}: the budget counters did not answer in time; refused (failureMode: closed)`,
      options,
    );
    this.budget = budget;
  }
}

/** Why the admin API refused a budget change. */
export type BudgetAdminRefusal = 'not_found' | 'read_only' | 'exists' | 'not_prepaid' | 'contended';

/**
 * A budget change the admin API cannot make: no such budget (404), a budget from the config
 * file (read-only through the API), a name taken, a top-up of a budget that is not prepaid, or
 * a budget others kept changing while this change was retried (409s).
 */
export class BudgetAdminError extends TokenledgerError {
  readonly reason: BudgetAdminRefusal;
  readonly budget: string;

  constructor(reason: BudgetAdminRefusal, budget: string, message: string, options: TokenledgerErrorOptions = {}) {
    super(`budget_${reason}`, message, options);
    this.reason = reason;
    this.budget = budget;
  }
}
