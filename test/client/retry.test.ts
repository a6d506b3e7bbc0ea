import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelayMs, retryAfterMs, retryDelayMs, shouldRetry, withRetry } from '#src/client/retry.js';
import { AbortError, ConnectionError, TimeoutError, providerErrorFromStatus } from '#src/errors/index.js';

const statusError = (status: number, headers: Record<string, string> = {}) =>
  providerErrorFromStatus(status, `HTTP ${status}`, { headers: new Headers(headers) });

describe('shouldRetry', () => {
  for (const status of [408, 409, 429, 500, 502, 503, 504, 529]) {
    it(`retries ${status}`, () => expect(shouldRetry(statusError(status))).toBe(true));
  }
  for (const status of [400, 401, 403, 404, 422]) {
    it(`never retries ${status}`, () => expect(shouldRetry(statusError(status))).toBe(false));
  }
  it('retries network errors and timeouts', () => {
    expect(shouldRetry(new ConnectionError('reset'))).toBe(true);
    expect(shouldRetry(new TimeoutError('slow'))).toBe(true);
  });
  it('never retries an abort or a plain bug', () => {
    expect(shouldRetry(new AbortError())).toBe(false);
    expect(shouldRetry(new TypeError('x is undefined'))).toBe(false);
  });
  it('obeys x-should-retry both ways', () => {
    expect(shouldRetry(statusError(400, { 'x-should-retry': 'true' }))).toBe(true);
    expect(shouldRetry(statusError(503, { 'x-should-retry': 'false' }))).toBe(false);
  });
});

describe('retry delays', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads retry-after-ms before retry-after', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
  });
  it('reads retry-after as seconds', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
  });
  it('reads retry-after as an HTTP date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }), now)).toBe(0);
  });
  it('ignores garbage', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '-5' }), now)).toBeUndefined();
  });
  it('caps the server ask', () => {
    expect(retryDelayMs(1, statusError(429, { 'retry-after': '3600' }), { maxRetryAfterMs: 30_000 })).toBe(30_000);
  });
  it('backs off exponentially with at most 25% jitter, capped', () => {
    expect(backoffDelayMs(1, {}, () => 0)).toBe(500);
    expect(backoffDelayMs(2, {}, () => 0)).toBe(1000);
    expect(backoffDelayMs(3, {}, () => 1)).toBe(1500);
    expect(backoffDelayMs(10, {}, () => 0)).toBe(8000);
    expect(backoffDelayMs(10, { maxDelayMs: 2000 }, () => 0)).toBe(2000);
  });
});

describe('withRetry', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries a 429 after its Retry-After, then succeeds', async () => {
    const calls: number[] = [];
    const task = vi.fn(async (attempt: number) => {
      calls.push(Date.now());
      if (attempt === 1) throw statusError(429, { 'retry-after': '2' });
      return 'ok';
    });
    const done = withRetry(task, { maxAttempts: 3 });
    await vi.advanceTimersByTimeAsync(1999);
    expect(task).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(done).resolves.toBe('ok');
    expect(calls[1]! - calls[0]!).toBe(2000);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const errors = [statusError(500), statusError(502), statusError(503)];
    const seen: Array<[number, boolean]> = [];
    const done = withRetry(async (attempt) => Promise.reject(errors[attempt - 1]), {
      maxAttempts: 3,
      delayMs: () => 100,
      onAttemptError: (_error, attempt, willRetry) => seen.push([attempt, willRetry]),
    });
    const assertion = expect(done).rejects.toBe(errors[2]);
    await vi.advanceTimersByTimeAsync(200);
    await assertion;
    expect(seen).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
  });

  for (const status of [400, 401, 403, 404, 422]) {
    it(`does not retry ${status}`, async () => {
      const task = vi.fn(async () => Promise.reject(statusError(status)));
      await expect(withRetry(task, { maxAttempts: 5 })).rejects.toMatchObject({ status });
      expect(task).toHaveBeenCalledTimes(1);
    });
  }

  it('stops at the deadline', async () => {
    const task = vi.fn(async () => Promise.reject(statusError(503)));
    const done = withRetry(task, { maxAttempts: 10, deadlineMs: 1000, delayMs: () => 400 });
    const assertion = expect(done).rejects.toMatchObject({ status: 503 });
    await vi.advanceTimersByTimeAsync(5000);
    await assertion;
    // attempts at 0, 400, 800; a fourth at 1200 would pass the deadline.
    expect(task).toHaveBeenCalledTimes(3);
  });

  it('an abort during the wait rejects at once and makes no more attempts', async () => {
    const controller = new AbortController();
    const task = vi.fn(async () => Promise.reject(statusError(503)));
    const done = withRetry(task, { maxAttempts: 5, delayMs: () => 10_000, signal: controller.signal });
    const assertion = expect(done).rejects.toBeInstanceOf(AbortError);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    await assertion;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(task).toHaveBeenCalledTimes(1);
  });
});
