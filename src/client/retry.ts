/**
 * Retry: a pure policy (`shouldRetry`, `retryDelayMs`) plus a generic loop (`withRetry`) that
 * receives the policy as arguments, as vercel/ai splits `retry-with-exponential-backoff.ts`.
 *
 * @module
 */
import { AbortError, TokenledgerError, ProviderError } from '../errors/index.js';
import { onAbort } from './abort-listeners.js';

/** Retry settings; every field is optional and defaults as documented. */
export interface RetryOptions {
  /** Attempts in all, the first included; 1 disables retries. @default 3 */
  maxAttempts?: number;
  /** First backoff delay; doubles on each retry. @default 500 */
  baseDelayMs?: number;
  /** Cap on a backoff delay. @default 8000 */
  maxDelayMs?: number;
  /** Cap on a delay asked by `retry-after-ms` / `retry-after`. @default 60000 */
  maxRetryAfterMs?: number;
  /**
   * Total deadline from the first attempt: a retry that would start later is not made.
   * @default undefined (none)
   */
  deadlineMs?: number;
}

export const RETRY_DEFAULTS = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
} as const;

/**
 * Whether an error is worth another attempt: never an abort; a provider error by its
 * `retryable` verdict (settled at construction: `x-should-retry`, then 408/409/429/5xx, network
 * errors and timeouts yes; 400/401/403/404/422 no). Anything else is a bug, not retried.
 */
export function shouldRetry(error: unknown): boolean {
  if (error instanceof AbortError) return false;
  if (error instanceof ProviderError) return error.retryable;
  if (TokenledgerError.isInstance(error)) return 'retryable' in error && error.retryable === true;
  return false;
}

/**
 * The delay a server asked for: `retry-after-ms` first (OpenAI's, "may not be standard", per
 * openai-node `src/client.ts`), then `retry-after` as delay-seconds or an HTTP date
 * (RFC 9110 §10.2.3). `undefined` when absent or unreadable.
 */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (headers === undefined) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Exponential backoff with up to 25 % jitter taken off (openai-node's shape: 0.5 s doubling to 8 s). */
export function backoffDelayMs(
  attempt: number,
  options: RetryOptions = {},
  random: () => number = Math.random,
): number {
  const base = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const max = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const raw = Math.min(base * 2 ** Math.max(0, attempt - 1), max);
  return raw * (1 - 0.25 * random());
}

/**
 * The delay before the retry that follows failed attempt `attempt` (1-based): the server's
 * Retry-After when it gave one (capped at `maxRetryAfterMs`), else the backoff.
 */
export function retryDelayMs(
  attempt: number,
  error: unknown,
  options: RetryOptions = {},
  clock: { now?: () => number; random?: () => number } = {},
): number {
  const headers = error instanceof ProviderError ? error.headers : undefined;
  const asked = retryAfterMs(headers, (clock.now ?? Date.now)());
  if (asked !== undefined) return Math.min(asked, options.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs);
  return backoffDelayMs(attempt, options, clock.random);
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Sleeps `ms`, rejecting with an AbortError as soon as `signal` aborts. Timer-based, so fake timers drive it. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new AbortError());
      return;
    }
    const timer = setTimeout(() => {
      stopListening?.();
      resolve();
    }, ms);
    const stopListening =
      signal === undefined
        ? undefined
        : onAbort(signal, () => {
            clearTimeout(timer);
            reject(new AbortError());
          });
  });
}

export interface RetryLoopOptions extends RetryOptions {
  signal?: AbortSignal;
  /** @default {@link shouldRetry} */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** @default {@link retryDelayMs} */
  delayMs?: (attempt: number, error: unknown) => number;
  /** Called after every failed attempt, retried or not (metering hooks in here). */
  onAttemptError?: (error: unknown, attempt: number, willRetry: boolean) => void;
  /** @default Date.now */
  now?: () => number;
}

/**
 * Runs `task` until it succeeds, the policy says stop, attempts run out or the deadline would
 * pass. Rejects with the last error, unwrapped; an abort rejects at once and is never retried.
 */
export async function withRetry<T>(task: (attempt: number) => Promise<T>, options: RetryLoopOptions = {}): Promise<T> {
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts;
  const decide = options.shouldRetry ?? shouldRetry;
  const delayFor =
    options.delayMs ?? ((attempt: number, error: unknown) => retryDelayMs(attempt, error, options, { now }));
  const started = now();
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted === true) throw new AbortError();
    try {
      return await task(attempt);
    } catch (error) {
      let retry = attempt < maxAttempts && !isAborted(options.signal) && decide(error, attempt);
      let delay = 0;
      if (retry) {
        delay = delayFor(attempt, error);
        if (options.deadlineMs !== undefined && now() - started + delay > options.deadlineMs) retry = false;
      }
      options.onAttemptError?.(error, attempt, retry);
      if (!retry) throw error;
      await sleep(delay, options.signal);
    }
  }
}
