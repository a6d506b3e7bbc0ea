/**
 * The rate limiter shared by every process using the same Redis and key prefix. Each decision
 * is one atomic Lua script that reads and writes the sliding logs with Redis's own clock
 * (`TIME`), so processes never drift apart and never over-grant between them.
 *
 * Waiting is polling: a script that refuses says how long to wait (exact for rpm/tpm and
 * pauses); a call blocked on concurrency retries every `pollMs`.
 *
 * @module
 */
import type { Redis } from 'ioredis';
import { AbortError, ValidationError } from '../errors/index.js';
import { loadCrypto, loadIoredis } from '../lazy/index.js';
import type { RateLimitConfig } from '../config/index.js';
import { sleep } from './retry.js';
import type { AcquireOptions, LimitKey, Permit, RateLimiter, ReleaseOutcome } from './rate-limiter.js';

export interface RedisRateLimiterOptions {
  /** `redis://host:port/db`, or an ioredis client to share (not closed by `close()`). */
  redis: string | Redis;
  /** Limits, as for the in-process limiter. @default [] */
  limits?: readonly RateLimitConfig[];
  /** Key prefix: processes sharing limits use the same one. @default 'tokenledger:rl' */
  prefix?: string;
  /** Window of rpm/tpm; shorten it to scale time in tests. @default 60000 */
  windowMs?: number;
  /** Poll interval while blocked on concurrency. @default 10 */
  pollMs?: number;
  /** A call that never releases (a crashed process) frees its concurrency slot after this. @default 600000 */
  leaseMs?: number;
}

// KEYS: 4 per bucket (requests zset, tokens zset, in-flight zset, state hash).
// ARGV: buckets, window, id, tokens, leaseMs, then rpm, tpm, concurrency per bucket (0 = none).
// Returns { wait, now }: wait 0 = granted, -1 = blocked on concurrency, else ms to wait.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(ARGV[1]); local window = tonumber(ARGV[2]); local id = ARGV[3]
local tokens = tonumber(ARGV[4]); local leaseMs = tonumber(ARGV[5])
local wait = 0
for i = 0, n - 1 do
  local req, tok, inf, st = KEYS[i*4+1], KEYS[i*4+2], KEYS[i*4+3], KEYS[i*4+4]
  local rpm = tonumber(ARGV[6+i*3]); local tpm = tonumber(ARGV[7+i*3]); local conc = tonumber(ARGV[8+i*3])
  redis.call('ZREMRANGEBYSCORE', req, '-inf', now - window)
  redis.call('ZREMRANGEBYSCORE', tok, '-inf', now - window)
  redis.call('ZREMRANGEBYSCORE', inf, '-inf', now)
  local s = redis.call('HMGET', st, 'pausedUntil', 'reqLeft', 'reqReset', 'tokLeft', 'tokReset')
  local paused = tonumber(s[1] or '0')
  if paused > now then wait = math.max(wait, paused - now) end
  if s[2] and tonumber(s[3]) > now and tonumber(s[2]) <= 0 then wait = math.max(wait, tonumber(s[3]) - now) end
  if s[4] and tonumber(s[5]) > now and tonumber(s[4]) < math.max(1, tokens) then wait = math.max(wait, tonumber(s[5]) - now) end
  if rpm > 0 and redis.call('ZCARD', req) >= rpm then
    local oldest = redis.call('ZRANGE', req, 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + window - now)
  end
  if tpm > 0 then
    local entries = redis.call('ZRANGE', tok, 0, -1, 'WITHSCORES')
    local sum = 0
    for j = 1, #entries, 2 do sum = sum + tonumber(string.match(entries[j], ':(%d+)$')) end
    if sum > 0 and sum + tokens > tpm then
      local left = sum
      for j = 1, #entries, 2 do
        left = left - tonumber(string.match(entries[j], ':(%d+)$'))
        if left <= 0 or left + tokens <= tpm then
          wait = math.max(wait, tonumber(entries[j+1]) + window - now)
          break
        end
      end
    end
  end
  if wait == 0 and conc > 0 and redis.call('ZCARD', inf) >= conc then wait = -1 end
end
if wait ~= 0 then return { wait, now } end
for i = 0, n - 1 do
  local req, tok, inf, st = KEYS[i*4+1], KEYS[i*4+2], KEYS[i*4+3], KEYS[i*4+4]
  local rpm = tonumber(ARGV[6+i*3]); local tpm = tonumber(ARGV[7+i*3]); local conc = tonumber(ARGV[8+i*3])
  if rpm > 0 then redis.call('ZADD', req, now, id); redis.call('PEXPIRE', req, window * 2) end
  if tpm > 0 then redis.call('ZADD', tok, now, id .. ':' .. tokens); redis.call('PEXPIRE', tok, window * 2) end
  if conc > 0 then redis.call('ZADD', inf, now + leaseMs, id); redis.call('PEXPIRE', inf, leaseMs * 2) end
  if redis.call('HEXISTS', st, 'reqLeft') == 1 then redis.call('HINCRBY', st, 'reqLeft', -1) end
  if redis.call('HEXISTS', st, 'tokLeft') == 1 then redis.call('HINCRBY', st, 'tokLeft', -tokens) end
end
return { 0, now }
`;

// KEYS: as ACQUIRE. ARGV: buckets, id, estimated tokens, actual tokens (-1 = unknown), pauseMs,
// reqLeft, reqResetIn, tokLeft, tokResetIn ('' = none). Pause and hints land on the last bucket.
const RELEASE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(ARGV[1]); local id = ARGV[2]; local est = ARGV[3]; local actual = tonumber(ARGV[4])
for i = 0, n - 1 do
  local tok, inf = KEYS[i*4+2], KEYS[i*4+3]
  redis.call('ZREM', inf, id)
  if actual >= 0 then
    local score = redis.call('ZSCORE', tok, id .. ':' .. est)
    if score then
      redis.call('ZREM', tok, id .. ':' .. est)
      redis.call('ZADD', tok, score, id .. ':' .. actual)
    end
  end
end
local st = KEYS[n*4]
local ttl = 0
local pause = tonumber(ARGV[5])
if pause > 0 then
  local current = tonumber(redis.call('HGET', st, 'pausedUntil') or '0')
  if now + pause > current then redis.call('HSET', st, 'pausedUntil', now + pause) end
  ttl = math.max(ttl, pause)
end
if ARGV[6] ~= '' then redis.call('HSET', st, 'reqLeft', ARGV[6], 'reqReset', now + tonumber(ARGV[7])); ttl = math.max(ttl, tonumber(ARGV[7])) end
if ARGV[8] ~= '' then redis.call('HSET', st, 'tokLeft', ARGV[8], 'tokReset', now + tonumber(ARGV[9])); ttl = math.max(ttl, tonumber(ARGV[9])) end
if ttl > 0 then redis.call('PEXPIRE', st, ttl + 1000) end
return 1
`;

const sha1 = (text: string): string => loadCrypto().createHash('sha1').update(text).digest('hex');

function ruleFor(
  rules: readonly RateLimitConfig[],
  provider: string,
  model: string | undefined,
): [number, number, number] {
  const matching = rules.filter((rule) => rule.provider === provider && rule.model === model);
  const min = (field: 'rpm' | 'tpm' | 'concurrency'): number =>
    matching.reduce(
      (best, rule) =>
        rule[field] !== undefined && (best === 0 || (rule[field] as number) < best) ? (rule[field] as number) : best,
      0,
    );
  return [min('rpm'), min('tpm'), min('concurrency')];
}

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly ownsClient: boolean;
  private readonly rules: readonly RateLimitConfig[];
  private readonly prefix: string;
  private readonly windowMs: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly processId = loadCrypto().randomBytes(6).toString('hex');
  private counter = 0;
  private readonly pending = new Set<Promise<void>>();

  constructor(options: RedisRateLimiterOptions) {
    this.rules = options.limits ?? [];
    this.rules.forEach((rule, index) => {
      for (const field of ['rpm', 'tpm', 'concurrency'] as const) {
        const value = rule[field];
        if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
          throw new ValidationError(`limits[${index}].${field}: expected an integer from 1 up, got ${String(value)}`, {
            field: `limits.${index}.${field}`,
          });
        }
      }
    });
    this.prefix = options.prefix ?? 'tokenledger:rl';
    this.windowMs = options.windowMs ?? 60_000;
    this.pollMs = options.pollMs ?? 10;
    this.leaseMs = options.leaseMs ?? 600_000;
    this.ownsClient = typeof options.redis === 'string';
    // ioredis is loaded on first use: processes without shared limits never pay its ~25 MiB.
    const { Redis: RedisClient } = loadIoredis();
    this.redis =
      typeof options.redis === 'string'
        ? new RedisClient(options.redis, { lazyConnect: false, maxRetriesPerRequest: 3 })
        : options.redis;
  }

  private async run(script: string, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await this.redis.evalsha(sha1(script), keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
      return this.redis.eval(script, keys.length, ...keys, ...args);
    }
  }

  private bucketsOf(key: LimitKey): { keys: string[]; args: number[] } {
    const keys: string[] = [];
    const args: number[] = [];
    const add = (name: string, rule: [number, number, number]): void => {
      const base = `${this.prefix}:${name}`;
      keys.push(`${base}:req`, `${base}:tok`, `${base}:inf`, `${base}:st`);
      args.push(...rule);
    };
    const providerRule = ruleFor(this.rules, key.provider, undefined);
    if (providerRule.some((value) => value > 0)) add(`${key.provider}|*`, providerRule);
    add(`${key.provider}|${key.model}`, ruleFor(this.rules, key.provider, key.model));
    return { keys, args };
  }

  /**
   * One decision, no waiting: a permit, or how long to wait (-1: blocked on concurrency).
   * `grantedAt` is Redis's clock at the decision.
   */
  async tryAcquire(
    key: LimitKey,
    tokens = 0,
  ): Promise<{ permit: Permit | undefined; waitMs: number; grantedAt: number }> {
    const rounded = Math.max(0, Math.round(tokens));
    const { keys, args } = this.bucketsOf(key);
    const id = `${this.processId}-${(this.counter++).toString(36)}`;
    const reply = (await this.run(ACQUIRE, keys, [
      keys.length / 4,
      this.windowMs,
      id,
      rounded,
      this.leaseMs,
      ...args,
    ])) as [number, number];
    const wait = Number(reply[0]);
    if (wait !== 0) return { permit: undefined, waitMs: wait, grantedAt: Number(reply[1]) };
    let released = false;
    const permit: Permit = {
      release: (outcome: ReleaseOutcome = {}) => {
        if (released) return;
        released = true;
        const done = this.release(keys, id, rounded, outcome).finally(() => this.pending.delete(done));
        this.pending.add(done);
      },
    };
    return { permit, waitMs: 0, grantedAt: Number(reply[1]) };
  }

  async acquire(key: LimitKey, options: AcquireOptions = {}): Promise<Permit> {
    for (;;) {
      if (options.signal?.aborted === true) throw new AbortError();
      const { permit, waitMs } = await this.tryAcquire(key, options.tokens);
      if (permit !== undefined) return permit;
      await sleep(waitMs < 0 ? this.pollMs : waitMs, options.signal);
    }
  }

  private async release(keys: string[], id: string, tokens: number, outcome: ReleaseOutcome): Promise<void> {
    const now = Date.now();
    const hint = outcome.hint;
    const relative = (at: number | undefined): number => Math.max(0, (at ?? now) - now);
    try {
      await this.run(RELEASE, keys, [
        keys.length / 4,
        id,
        tokens,
        outcome.tokens === undefined ? -1 : Math.max(0, Math.round(outcome.tokens)),
        Math.max(0, Math.round(outcome.pauseMs ?? 0)),
        hint?.requestsRemaining === undefined ? '' : hint.requestsRemaining,
        relative(hint?.requestsResetAt),
        hint?.tokensRemaining === undefined ? '' : hint.tokensRemaining,
        relative(hint?.tokensResetAt),
      ]);
    } catch {
      // A lost release only costs a slot until its lease ends; it must not break the caller.
    }
  }

  /** Resolves once every release sent so far has reached Redis. */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    await this.settled();
    if (this.ownsClient) await this.redis.quit().catch(() => undefined);
  }
}

/** The shared limiter over Redis. */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  return new RedisRateLimiter(options);
}
