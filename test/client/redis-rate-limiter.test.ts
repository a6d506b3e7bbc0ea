import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimiter } from '#src/client/index.js';

const REDIS = 'redis://127.0.0.1:6379';
const prefix = `tl-test-client-${process.pid}-${randomBytes(4).toString('hex')}`;
const key = { provider: 'openai', model: 'gpt-4o-mini' };
let admin: Redis;
const limiters: RedisRateLimiter[] = [];
let counter = 0;

function limiter(
  options: Partial<ConstructorParameters<typeof RedisRateLimiter>[0]> & { scope: string },
): RedisRateLimiter {
  const made = new RedisRateLimiter({ redis: admin, prefix: `${prefix}:${options.scope}`, ...options });
  limiters.push(made);
  return made;
}

beforeAll(() => {
  admin = new Redis(REDIS);
});
afterAll(async () => {
  for (const made of limiters) await made.close();
  const keys = await admin.keys(`${prefix}:*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

describe('Redis rate limiter', () => {
  it('grants exactly rpm per window, then says how long to wait', async () => {
    const scope = `rpm-${counter++}`;
    const one = limiter({ scope, limits: [{ provider: 'openai', rpm: 5 }] });
    for (let index = 0; index < 5; index++) expect((await one.tryAcquire(key)).permit).toBeDefined();
    const refused = await one.tryAcquire(key);
    expect(refused.permit).toBeUndefined();
    expect(refused.waitMs).toBeGreaterThan(59_000);
    expect(refused.waitMs).toBeLessThanOrEqual(60_000);
  });

  it('is shared by every limiter on the same prefix', async () => {
    const scope = `shared-${counter++}`;
    const a = limiter({ scope, limits: [{ provider: 'openai', rpm: 5 }] });
    const b = limiter({ scope, limits: [{ provider: 'openai', rpm: 5 }] });
    for (let index = 0; index < 3; index++) expect((await a.tryAcquire(key)).permit).toBeDefined();
    for (let index = 0; index < 2; index++) expect((await b.tryAcquire(key)).permit).toBeDefined();
    expect((await a.tryAcquire(key)).permit).toBeUndefined();
    expect((await b.tryAcquire(key)).permit).toBeUndefined();
  });

  it('shares concurrency and frees a slot on release', async () => {
    const scope = `conc-${counter++}`;
    const a = limiter({ scope, limits: [{ provider: 'openai', model: 'gpt-4o-mini', concurrency: 2 }] });
    const b = limiter({ scope, limits: [{ provider: 'openai', model: 'gpt-4o-mini', concurrency: 2 }] });
    const first = (await a.tryAcquire(key)).permit!;
    expect((await a.tryAcquire(key)).permit).toBeDefined();
    expect((await b.tryAcquire(key)).waitMs).toBe(-1);
    first.release();
    await a.settled();
    expect((await b.tryAcquire(key)).permit).toBeDefined();
  });

  it('counts tokens and corrects the estimate with real usage', async () => {
    const scope = `tpm-${counter++}`;
    const one = limiter({ scope, limits: [{ provider: 'openai', tpm: 1000 }] });
    const first = (await one.tryAcquire(key, 600)).permit!;
    expect((await one.tryAcquire(key, 600)).permit).toBeUndefined();
    first.release({ tokens: 100 });
    await one.settled();
    expect((await one.tryAcquire(key, 600)).permit).toBeDefined();
  });

  it('a 429 pauses the bucket for every process', async () => {
    const scope = `pause-${counter++}`;
    const a = limiter({ scope });
    const b = limiter({ scope });
    (await a.tryAcquire(key)).permit!.release({ pauseMs: 5000 });
    await a.settled();
    const refused = await b.tryAcquire(key);
    expect(refused.permit).toBeUndefined();
    expect(refused.waitMs).toBeGreaterThan(4900);
  });

  it('remaining/reset headers tighten the shared bucket', async () => {
    const scope = `hint-${counter++}`;
    const a = limiter({ scope });
    (await a.tryAcquire(key)).permit!.release({ hint: { requestsRemaining: 1, requestsResetAt: Date.now() + 10_000 } });
    await a.settled();
    expect((await a.tryAcquire(key)).permit).toBeDefined();
    expect((await a.tryAcquire(key)).waitMs).toBeGreaterThan(9000);
  });

  it('4 processes sharing 600 per window stay within 2% of it and never above', async () => {
    // Time is scaled: a 3 s window stands for the minute (fake timers cannot span processes).
    const windowMs = 3000;
    const rpm = 600;
    const windows = 3;
    const scope = `${prefix}:procs`;
    const workers = Array.from({ length: 4 }, () =>
      spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'test/client/redis-limiter-worker.ts',
          REDIS,
          scope,
          String(rpm),
          String(windowMs),
          String(windowMs * windows),
        ],
        { cwd: process.cwd(), stdio: 'pipe' },
      ),
    );
    const outputs = workers.map((worker) => {
      let stdout = '';
      worker.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const ready = new Promise<void>((resolve) => {
        const onData = (): void => {
          if (!stdout.startsWith('ready\n')) return;
          worker.stdout.off('data', onData);
          resolve();
        };
        worker.stdout.on('data', onData);
      });
      const done = new Promise<string>((resolve, reject) =>
        worker.on('close', (code) =>
          code === 0 ? resolve(stdout.slice('ready\n'.length)) : reject(new Error(`worker exited ${String(code)}`)),
        ),
      );
      return { worker, ready, done };
    });
    await Promise.all(outputs.map((output) => output.ready));
    const startAt = Date.now() + 200;
    for (const { worker } of outputs) worker.stdin.end(`${startAt}\n`);
    const stdouts = await Promise.all(outputs.map((output) => output.done));
    const perProcess = stdouts.map((stdout) => JSON.parse(stdout) as number[]);
    const grants = perProcess.flat().sort((a, b) => a - b);
    expect(perProcess.every((list) => list.length > 0)).toBe(true);
    // Never more than rpm in any window.
    for (let index = rpm; index < grants.length; index++)
      expect(grants[index]! - grants[index - rpm]!).toBeGreaterThanOrEqual(windowMs);
    // And close to it: the ideal is rpm per window over the run.
    const ideal = rpm * windows;
    expect(grants.length).toBeLessThanOrEqual(ideal);
    expect(grants.length).toBeGreaterThanOrEqual(ideal * 0.98);
  }, 30_000);
});

describe('a client with `redis:` in its config', () => {
  it('shares its limits through Redis', async () => {
    const { startMockProvider } = await import('../helpers/mock-provider.js');
    const { makeClient, mockConfig } = await import('./setup.js');
    const mock = await startMockProvider();
    const model = `gpt-test-${randomBytes(4).toString('hex')}`;
    try {
      const config = mockConfig(mock, { redis: REDIS, rateLimits: [{ provider: 'openai', model, rpm: 1 }] });
      const { client } = makeClient({ config });
      await client.generate({ provider: 'openai', model, prompt: 'hi' });
      await client.close();
      // Another process looking at the same bucket sees the request just made.
      const other = new RedisRateLimiter({ redis: admin, limits: [{ provider: 'openai', model, rpm: 1 }] });
      const seen = await other.tryAcquire({ provider: 'openai', model });
      expect(seen.permit).toBeUndefined();
      expect(seen.waitMs).toBeGreaterThan(50_000);
    } finally {
      await mock.close();
      const keys = await admin.keys(`tokenledger:rl:openai|${model}*`);
      if (keys.length > 0) await admin.del(...keys);
    }
  });
});
