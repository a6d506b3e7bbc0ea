/**
 * One process of the shared-limit test: takes permits from a Redis limiter as fast as it can
 * between two instants and prints the Redis time of each grant as JSON.
 *
 *   npx tsx test/client/redis-limiter-worker.ts REDIS_URL PREFIX RPM WINDOW_MS START_AT DURATION_MS
 */
import { RedisRateLimiter } from '#src/client/index.js';

const [url, prefix, rpm, windowMs, startAt, durationMs] = process.argv.slice(2);
const limiter = new RedisRateLimiter({
  redis: url!,
  prefix: prefix!,
  limits: [{ provider: 'mock', rpm: Number(rpm) }],
  windowMs: Number(windowMs),
});
const key = { provider: 'mock', model: 'm' };
const grants: number[] = [];
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
