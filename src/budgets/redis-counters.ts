/**
 * Counters in Redis, for the lowest admission latency across processes and machines. Every
 * operation is one Lua script, which Redis runs alone: a reserve checks every counter and holds
 * on all of them, or on none. Per counter (under the key prefix):
 * - `spent:<counter>`: hash bucket -> settled amount;
 * - `held:<counter>`: hash bucket -> sum of the live holds;
 * - `live:<counter>`: sorted set of live holds (`reservation|bucket|amount`, scored by lease end);
 * and per reservation `res:<id>`: hash counter -> its hold, kept a day past the lease so that a
 * late settle still charges. A lapsed hold leaves `live` (and `held`) the next time a script
 * touches its counter. Amounts travel as decimal strings: Lua numbers print large integers in
 * exponent form, which HINCRBY refuses. Waiting is bounded by the client's command timeout.
 * The scripts derive their keys from the prefix, so they suit one Redis (or a replica set),
 * not a cluster.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DAY_MS } from '../units/index.js';
import { StoreError } from '../errors/index.js';
import { loadIoredis } from '../lazy/index.js';
import {
  LAPSED_HOLD_KEEP_MS,
  type BudgetCounters,
  type CounterState,
  type CounterWindow,
  type ReserveOutcome,
  type ReserveRequest,
} from './counters.js';
import type {
  AuditQuery,
  BudgetAuditEntry,
  BudgetDefinitionStore,
  DefinitionWrite,
  DefinitionWriteOutcome,
  StoredBudget,
} from './definitions.js';
import {
  type RedisRunner,
  redisAuditLog,
  redisDefinitionsVersion,
  redisListDefinitions,
  redisWriteDefinition,
} from './redis-definitions.js';

// Shared by every script: drops the lapsed holds of one counter (prefix, counter, now).
const EXPIRE = `
local function expire(prefix, counter, now)
  local live = prefix .. ':live:' .. counter
  local lapsed = redis.call('ZRANGEBYSCORE', live, '-inf', now)
  if #lapsed == 0 then return end
  for _, member in ipairs(lapsed) do
    local _, _, bucket, amount = string.find(member, '^[^|]*|([^|]*)|([^|]*)$')
    redis.call('HINCRBY', prefix .. ':held:' .. counter, bucket, '-' .. amount)
  end
  redis.call('ZREMRANGEBYSCORE', live, '-inf', now)
end
local function window_sum(hash, from, to, step)
  local total = 0
  local bucket = from
  while bucket <= to do
    total = total + tonumber(redis.call('HGET', hash, string.format('%d', bucket)) or '0')
    bucket = bucket + step
  end
  return total
end
`;

// ARGV: prefix, reservation, now, expiresAt, keepMs, n, then n x (counter, bucket, from, step, cap, amount).
const RESERVE = `${EXPIRE}
local prefix, reservation, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local expires_at, keep, n = ARGV[4], ARGV[5], tonumber(ARGV[6])
local states = {'ok'}
for i = 0, n - 1 do
  local base = 7 + i * 6
  local counter = ARGV[base]
  local bucket, from, step = tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  local cap, amount = tonumber(ARGV[base + 4]), tonumber(ARGV[base + 5])
  expire(prefix, counter, now)
  local spent = window_sum(prefix .. ':spent:' .. counter, from, bucket, step)
  local held = window_sum(prefix .. ':held:' .. counter, from, bucket, step)
  if spent + held + amount > cap then
    return {'refused', counter, ARGV[base + 4], string.format('%d', spent), string.format('%d', held), ARGV[base + 5]}
  end
  states[#states + 1] = string.format('%d', spent)
  states[#states + 1] = string.format('%d', held)
end
local res = prefix .. ':res:' .. reservation
for i = 0, n - 1 do
  local base = 7 + i * 6
  local counter, bucket, amount = ARGV[base], ARGV[base + 1], ARGV[base + 5]
  local member = reservation .. '|' .. bucket .. '|' .. amount
  redis.call('ZADD', prefix .. ':live:' .. counter, expires_at, member)
  redis.call('HINCRBY', prefix .. ':held:' .. counter, bucket, amount)
  redis.call('HSET', res, counter, member)
end
redis.call('PEXPIRE', res, tonumber(expires_at) - now + tonumber(keep))
return states
`;

// ARGV: prefix, reservation, then pairs (counter, amount).
const SETTLE = `
local prefix, reservation = ARGV[1], ARGV[2]
local res = prefix .. ':res:' .. reservation
local holds = redis.call('HGETALL', res)
if #holds == 0 then return 0 end
local amounts = {}
for i = 3, #ARGV, 2 do amounts[ARGV[i]] = ARGV[i + 1] end
for i = 1, #holds, 2 do
  local counter, member = holds[i], holds[i + 1]
  local _, _, bucket, amount = string.find(member, '^[^|]*|([^|]*)|([^|]*)$')
  if redis.call('ZREM', prefix .. ':live:' .. counter, member) == 1 then
    redis.call('HINCRBY', prefix .. ':held:' .. counter, bucket, '-' .. amount)
  end
  redis.call('HINCRBY', prefix .. ':spent:' .. counter, bucket, amounts[counter] or '0')
end
redis.call('DEL', res)
return 1
`;

// ARGV: prefix, reservation, now, expiresAt, keepMs.
const RENEW = `
local prefix, reservation, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local res = prefix .. ':res:' .. reservation
local holds = redis.call('HGETALL', res)
local renewed = 0
for i = 1, #holds, 2 do
  local live = prefix .. ':live:' .. holds[i]
  local score = redis.call('ZSCORE', live, holds[i + 1])
  if score and tonumber(score) > now then
    redis.call('ZADD', live, 'XX', ARGV[4], holds[i + 1])
    renewed = 1
  end
end
if renewed == 1 then redis.call('PEXPIRE', res, tonumber(ARGV[4]) - now + tonumber(ARGV[5])) end
return renewed
`;

// ARGV: prefix, now, n, then n x (counter, bucket, from, step).
const STATE = `${EXPIRE}
local prefix, now, n = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {}
for i = 0, n - 1 do
  local base = 4 + i * 4
  local counter = ARGV[base]
  local bucket, from, step = tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  expire(prefix, counter, now)
  out[#out + 1] = string.format('%d', window_sum(prefix .. ':spent:' .. counter, from, bucket, step))
  out[#out + 1] = string.format('%d', window_sum(prefix .. ':held:' .. counter, from, bucket, step))
end
return out
`;

export interface RedisBudgetCountersOptions {
  /** A `redis://` URL, or a client of yours (not closed by `close()`). */
  redis: string | Redis;
  /** Key prefix. @default 'tokenledger:budgets' */
  prefix?: string;
  /** Longest wait for an answer before the budget's failure mode applies. @default 2000 */
  commandTimeoutMs?: number;
}

// Each script's hash, computed once (a hash per admission was a few microseconds of its CPU).
const hashes = new Map<string, string>();
function sha1(text: string): string {
  let hash = hashes.get(text);
  if (hash === undefined) {
    hash = createHash('sha1').update(text).digest('hex');
    hashes.set(text, hash);
  }
  return hash;
}
const int = (value: number): string => String(Math.round(value));

export class RedisBudgetCounters implements BudgetCounters, BudgetDefinitionStore {
  private readonly redis: Redis;
  private readonly owned: boolean;
  private readonly prefix: string;

  constructor(options: RedisBudgetCountersOptions) {
    const { Redis: RedisClient } = loadIoredis();
    this.owned = typeof options.redis === 'string';
    this.redis =
      typeof options.redis === 'string'
        ? new RedisClient(options.redis, {
            maxRetriesPerRequest: 1,
            commandTimeout: options.commandTimeoutMs ?? 2000,
          })
        : options.redis;
    this.prefix = options.prefix ?? 'tokenledger:budgets';
  }

  async reserve(request: ReserveRequest): Promise<ReserveOutcome> {
    const args = [
      this.prefix,
      request.reservationId,
      int(request.now),
      int(request.now + request.leaseMs),
      int(LAPSED_HOLD_KEEP_MS),
      String(request.lines.length),
    ];
    for (const line of request.lines) {
      args.push(
        line.counter,
        int(line.bucket),
        int(line.fromBucket),
        int(line.stepMs),
        int(line.cap),
        int(line.amount),
      );
    }
    const reply = (await this.run('reserve', RESERVE, args)) as string[];
    if (reply[0] === 'ok') {
      return {
        admitted: true,
        states: request.lines.map((_, index) => ({
          spent: Number(reply[1 + index * 2] ?? 0),
          held: Number(reply[2 + index * 2] ?? 0),
        })),
      };
    }
    const [, counter = '', cap, spent, held, amount] = reply;
    return {
      admitted: false,
      refusal: { counter, cap: Number(cap), spent: Number(spent), held: Number(held), amount: Number(amount) },
    };
  }

  async settle(reservationId: string, amounts: Readonly<Record<string, number>>): Promise<boolean> {
    const args = [this.prefix, reservationId];
    for (const [counter, amount] of Object.entries(amounts)) args.push(counter, int(amount));
    return (await this.run('settle', SETTLE, args)) === 1;
  }

  async renew(reservationId: string, now: number, leaseMs: number): Promise<boolean> {
    const args = [this.prefix, reservationId, int(now), int(now + leaseMs), int(LAPSED_HOLD_KEEP_MS)];
    return (await this.run('renew', RENEW, args)) === 1;
  }

  async state(windows: readonly CounterWindow[], now: number): Promise<CounterState[]> {
    const args = [this.prefix, int(now), String(windows.length)];
    for (const window of windows) {
      args.push(window.counter, int(window.bucket), int(window.fromBucket), int(window.stepMs));
    }
    const reply = (await this.run('read', STATE, args)) as string[];
    return windows.map((_, index) => ({
      spent: Number(reply[index * 2] ?? 0),
      held: Number(reply[index * 2 + 1] ?? 0),
    }));
  }

  async claimAlert(
    counter: string,
    bucket: number,
    threshold: number,
    keepUntil: number | undefined,
  ): Promise<boolean> {
    const key = `${this.prefix}:alert:${counter}:${bucket}:${threshold}`;
    // SET NX: one claimant; the key outlives the window by a day, or stays (lifetime budgets).
    const reply = await this.command('claim alert', () =>
      keepUntil === undefined
        ? this.redis.set(key, '1', 'NX')
        : this.redis.set(key, '1', 'PX', Math.max(1, keepUntil + DAY_MS - Date.now()), 'NX'),
    );
    if (reply !== 'OK') return false;
    // Remembered per counter for alertsSent (the claim keys themselves expire and are not listed).
    await this.command('claim alert', () =>
      this.redis.hset(`${this.prefix}:alerts-sent:${counter}`, `${int(bucket)}|${threshold}`, '1'),
    );
    return true;
  }

  async alertsSent(windows: readonly CounterWindow[]): Promise<number[][]> {
    const out: number[][] = [];
    for (const window of windows) {
      const sent = await this.command('read', () => this.redis.hkeys(`${this.prefix}:alerts-sent:${window.counter}`));
      const thresholds = new Set<number>();
      for (const field of sent) {
        const [bucket, threshold] = field.split('|');
        const at = Number(bucket);
        if (at >= window.fromBucket && at <= window.bucket) thresholds.add(Number(threshold));
      }
      out.push([...thresholds].sort((a, b) => a - b));
    }
    return out;
  }

  /** One plain command, its failure a retryable StoreError like the scripts'. */
  private async command<T>(doing: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw new StoreError(`budget counters in Redis: ${doing} failed: ${(error as Error).message}`, {
        cause: error,
        retryable: true,
      });
    }
  }

  async countRefusal(counter: string, bucket: number): Promise<void> {
    await this.command('count refusal', () => this.redis.hincrby(`${this.prefix}:refusals:${counter}`, int(bucket), 1));
  }

  async refusals(windows: readonly CounterWindow[]): Promise<number[]> {
    const out: number[] = [];
    for (const window of windows) {
      const buckets = await this.command('read', () => this.redis.hgetall(`${this.prefix}:refusals:${window.counter}`));
      let total = 0;
      for (const [bucket, n] of Object.entries(buckets)) {
        const at = Number(bucket);
        if (at >= window.fromBucket && at <= window.bucket) total += Number(n);
      }
      out.push(total);
    }
    return out;
  }

  definitionsVersion(): Promise<number> {
    return redisDefinitionsVersion(this.runner, this.prefix);
  }

  listDefinitions(): Promise<{ version: number; budgets: StoredBudget[] }> {
    return redisListDefinitions(this.runner, this.prefix);
  }

  writeDefinition(write: DefinitionWrite): Promise<DefinitionWriteOutcome> {
    return redisWriteDefinition(this.runner, this.prefix, write);
  }

  auditLog(query: AuditQuery): Promise<BudgetAuditEntry[]> {
    return redisAuditLog(this.runner, this.prefix, query);
  }

  private readonly runner: RedisRunner = {
    script: (doing, script, args) => this.run(doing, script, args),
    get: (doing, key) => this.command(doing, () => this.redis.get(key)),
    lrange: (doing, key) => this.command(doing, () => this.redis.lrange(key, 0, -1)),
  };

  async close(): Promise<void> {
    if (this.owned) await this.redis.quit().catch(() => undefined);
  }

  /** Runs a script by its hash, loading it on first use. */
  private async run(doing: string, script: string, args: string[]): Promise<unknown> {
    try {
      try {
        return await this.redis.evalsha(sha1(script), 0, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
        return await this.redis.eval(script, 0, ...args);
      }
    } catch (error) {
      throw new StoreError(`budget counters in Redis: ${doing} failed: ${(error as Error).message}`, {
        cause: error,
        retryable: true,
      });
    }
  }
}
