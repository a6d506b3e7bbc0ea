/**
 * One process of the shared-limit test: prints `ready` once loaded, reads the start instant
 * (epoch ms) from its first stdin line, takes permits from a Redis limiter as fast as it can
 * from then for DURATION_MS, and prints the Redis time of each grant as JSON.
 *
 *   npx tsx test/client/redis-limiter-worker.ts REDIS_URL PREFIX RPM WINDOW_MS DURATION_MS
 */
import { createInterface } from 'node:readline';
import { RedisRateLimiter } from '#src/client/index.js';

const [url, prefix, rpm, windowMs, durationMs] = process.argv.slice(2);
const limiter = new RedisRateLimiter({
  redis: url!,
  prefix: prefix!,
  limits: [{ provider: 'mock', rpm: Number(rpm) }],
  windowMs: Number(windowMs),
});
const key = { provider: 'mock', model: 'm' };
const grants: number[] = [];
// A loaded machine may take seconds to start a process: the parent names the start instant
// only once every worker is ready, so none misses part of the first window.
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
const startAt = await new Promise<string>((resolve) => lines.once('line', resolve));
lines.close();
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const end = Number(startAt) + Number(durationMs);
await Promise.all(
  Array.from({ length: 20 }, async () => {
    while (Date.now() < end) {
      const { permit, waitMs, grantedAt } = await limiter.tryAcquire(key);
      if (permit !== undefined) {
        if (grantedAt < end) grants.push(grantedAt);
        permit.release();
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(waitMs, 1), Math.max(1, end - Date.now()))));
    }
  }),
);
await limiter.close();
process.stdout.write(JSON.stringify(grants));
