import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRateLimiter, type Permit } from '#src/client/rate-limiter.js';
import { AbortError, ValidationError } from '#src/errors/index.js';

const key = { provider: 'openai', model: 'gpt-4o-mini' };

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => {
  vi.useRealTimers();
});

/** Starts `count` acquisitions and records when each is granted. */
function race(limiter: ReturnType<typeof createRateLimiter>, count: number, tokens = 0, which = key) {
  const grants: number[] = [];
  const permits: Permit[] = [];
  for (let index = 0; index < count; index++) {
    void limiter.acquire(which, { tokens }).then((permit) => {
      grants.push(Date.now());
      permits.push(permit);
    });
  }
  return { grants, permits };
}

describe('in-process rate limiter', () => {
  it('lets calls through at once without limits', async () => {
    const limiter = createRateLimiter();
    const { grants } = race(limiter, 100);
    await vi.advanceTimersByTimeAsync(0);
    expect(grants).toHaveLength(100);
  });

  it('caps concurrency and hands the slot on at release', async () => {
    const limiter = createRateLimiter({ limits: [{ provider: 'openai', concurrency: 2 }] });
    const { grants, permits } = race(limiter, 5);
    await vi.advanceTimersByTimeAsync(0);
    expect(grants).toHaveLength(2);
    permits[0]!.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(grants).toHaveLength(3);
  });

  it('keeps requests per window on a sliding log', async () => {
    const limiter = createRateLimiter({
      limits: [{ provider: 'openai', model: 'gpt-4o-mini', rpm: 10 }],
      windowMs: 1000,
    });
    const { grants, permits } = race(limiter, 25);
    await vi.advanceTimersByTimeAsync(0);
    expect(grants).toHaveLength(10);
    for (const permit of permits) permit.release();
    await vi.advanceTimersByTimeAsync(999);
    expect(grants).toHaveLength(10);
    await vi.advanceTimersByTimeAsync(1);
    expect(grants).toHaveLength(20);
    await vi.advanceTimersByTimeAsync(1000);
    expect(grants).toHaveLength(25);
  });

  it('does not limit another model under a model-specific rule', async () => {
    const limiter = createRateLimiter({ limits: [{ provider: 'openai', model: 'gpt-4o-mini', rpm: 1 }] });
    race(limiter, 2);
    const other = race(limiter, 3, 0, { provider: 'openai', model: 'gpt-4o' });
    await vi.advanceTimersByTimeAsync(0);
    expect(other.grants).toHaveLength(3);
  });

  it('a provider-wide rule covers all its models together', async () => {
    const limiter = createRateLimiter({ limits: [{ provider: 'openai', rpm: 3 }], windowMs: 1000 });
    const a = race(limiter, 2, 0, { provider: 'openai', model: 'a' });
    const b = race(limiter, 2, 0, { provider: 'openai', model: 'b' });
    await vi.advanceTimersByTimeAsync(0);
    expect(a.grants.length + b.grants.length).toBe(3);
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.grants.length + b.grants.length).toBe(4);
  });

  it('counts tokens per window and corrects the estimate with real usage', async () => {
    const limiter = createRateLimiter({ limits: [{ provider: 'openai', tpm: 1000 }], windowMs: 1000 });
    const first = await limiter.acquire(key, { tokens: 600 });
    const second = limiter.acquire(key, { tokens: 600 });
    let granted = false;
    void second.then(() => (granted = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(granted).toBe(false);
    // The call really used 100 tokens: 100 + 600 fit.
    first.release({ tokens: 100 });
    await vi.advanceTimersByTimeAsync(0);
    expect(granted).toBe(true);
  });

  it('lets one call bigger than tpm go alone rather than never', async () => {
    const limiter = createRateLimiter({ limits: [{ provider: 'openai', tpm: 100 }] });
    await expect(limiter.acquire(key, { tokens: 5000 })).resolves.toBeDefined();
  });

  it('a 429 pauses the bucket for its Retry-After', async () => {
    const limiter = createRateLimiter();
    const permit = await limiter.acquire(key);
    permit.release({ pauseMs: 2000 });
    const { grants } = race(limiter, 3);
    await vi.advanceTimersByTimeAsync(1999);
    expect(grants).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(grants).toHaveLength(3);
  });

  it('remaining/reset headers tighten the limit', async () => {
    const limiter = createRateLimiter();
    const permit = await limiter.acquire(key);
    permit.release({ hint: { requestsRemaining: 1, requestsResetAt: 5000 } });
    const { grants } = race(limiter, 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(grants).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(4999);
    expect(grants).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(grants).toHaveLength(3);
  });

  it('an aborted wait rejects and frees its place', async () => {
    const limiter = createRateLimiter({ limits: [{ provider: 'openai', concurrency: 1 }] });
    const held = await limiter.acquire(key);
    const controller = new AbortController();
    const waiting = limiter.acquire(key, { signal: controller.signal });
    const after = race(limiter, 1);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    held.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(after.grants).toHaveLength(1);
  });

  it('validates its options eagerly, naming the value', () => {
    expect(() => createRateLimiter({ limits: [{ provider: 'x', rpm: 0 }] })).toThrow(ValidationError);
    expect(() => createRateLimiter({ limits: [{ provider: 'x', rpm: 0 }] })).toThrow(/limits\[0\]\.rpm.*got 0/);
  });

  it('holds 600 per window exactly under a flood', async () => {
    const limiter = createRateLimiter({ limits: [{ provider: 'openai', rpm: 600 }], windowMs: 60_000 });
    const { grants, permits } = race(limiter, 2000);
    for (let second = 0; second < 150; second++) {
      await vi.advanceTimersByTimeAsync(1000);
      for (const permit of permits.splice(0)) permit.release();
    }
    // Sliding window: never more than 600 in any 60 s.
    for (let index = 600; index < grants.length; index++)
      expect(grants[index]! - grants[index - 600]!).toBeGreaterThanOrEqual(60_000);
    expect(grants).toHaveLength(1800);
  });
});
