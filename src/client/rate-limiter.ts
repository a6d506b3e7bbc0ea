/**
 * Rate limits per provider and model: calls in flight, requests and tokens per window (sliding
 * log), a pause after a 429, and the provider's own remaining/reset headers, which only ever
 * tighten. This is the in-process strategy; `redis-rate-limiter.ts` shares the same contract
 * across processes.
 *
 * @module
 */
import { AbortError, ValidationError } from '../errors/index.js';
import type { RateLimitConfig } from '../config/index.js';
import { onAbort } from './abort-listeners.js';

/** What a call is limited by. */
export interface LimitKey {
  provider: string;
  model: string;
}

/** A provider's view of what is left, read from its response headers (epoch ms for resets). */
export interface RateLimitHint {
  requestsRemaining?: number;
  requestsResetAt?: number;
  tokensRemaining?: number;
  tokensResetAt?: number;
}

/** What a finished call tells the limiter. */
export interface ReleaseOutcome {
  /** Tokens the call really used (input + output), correcting the estimate. */
  tokens?: number;
  /** Pause the model's bucket this long (a 429's Retry-After). */
  pauseMs?: number;
  /** Remaining/reset figures from the response headers. */
  hint?: RateLimitHint;
}

/** The right to make one call; release it exactly once when the call has ended. */
export interface Permit {
  release(outcome?: ReleaseOutcome): void;
}

export interface AcquireOptions {
  /** Estimated tokens of the call (input estimate + max output), counted against tpm. @default 0 */
  tokens?: number;
  signal?: AbortSignal;
}

/** The contract every limiter strategy fulfils. */
export interface RateLimiter {
  acquire(key: LimitKey, options?: AcquireOptions): Promise<Permit>;
  /** Frees timers and connections. */
  close(): Promise<void>;
}

export interface RateLimiterOptions {
  /** Limits; a rule without `model` covers all models of its provider together. @default [] */
  limits?: readonly RateLimitConfig[];
  /**
   * Length of the rpm/tpm window. 60 000 makes them per minute; tests and benchmarks may
   * shorten it to scale time (then `rpm` means requests per window).
   * @default 60000
   */
  windowMs?: number;
  /** @default Date.now */
  now?: () => number;
}

interface TokenEntry {
  time: number;
  tokens: number;
}

class Bucket {
  inFlight = 0;
  pausedUntil = 0;
  private readonly requestTimes: number[] = [];
  private requestHead = 0;
  private readonly tokenLog: TokenEntry[] = [];
  private tokenHead = 0;
  private tokenSum = 0;
  private hint: RateLimitHint = {};
  readonly lanes = new Set<Lane>();

  constructor(
    readonly rpm: number | undefined,
    readonly tpm: number | undefined,
    readonly concurrency: number | undefined,
    private readonly windowMs: number,
  ) {}

  private expire(now: number): void {
    const edge = now - this.windowMs;
    while (this.requestHead < this.requestTimes.length && (this.requestTimes[this.requestHead] ?? 0) <= edge)
      this.requestHead++;
    while (this.tokenHead < this.tokenLog.length) {
      const entry = this.tokenLog[this.tokenHead];
      if (entry === undefined || entry.time > edge) break;
      this.tokenSum -= entry.tokens;
      this.tokenHead++;
    }
    // Compact now and then so the logs stay as long as one window.
    if (this.requestHead > 1024 && this.requestHead * 2 > this.requestTimes.length) {
      this.requestTimes.splice(0, this.requestHead);
      this.requestHead = 0;
    }
    if (this.tokenHead > 1024 && this.tokenHead * 2 > this.tokenLog.length) {
      this.tokenLog.splice(0, this.tokenHead);
      this.tokenHead = 0;
    }
  }

  /** 0 when a call of `tokens` may start now; ms to wait; Infinity when waiting on a release. */
  waitMs(now: number, tokens: number): number {
    if (this.pausedUntil > now) return this.pausedUntil - now;
    if (this.concurrency !== undefined && this.inFlight >= this.concurrency) return Number.POSITIVE_INFINITY;
    this.expire(now);
    let wait = 0;
    if (this.rpm !== undefined && this.requestTimes.length - this.requestHead >= this.rpm) {
      wait = Math.max(wait, (this.requestTimes[this.requestHead] ?? now) + this.windowMs - now);
    }
    if (this.tpm !== undefined && this.tokenSum > 0 && this.tokenSum + tokens > this.tpm) {
      // Wait until enough old entries leave the window; a call bigger than tpm goes alone.
      let left = this.tokenSum;
      for (let index = this.tokenHead; index < this.tokenLog.length; index++) {
        const entry = this.tokenLog[index];
        if (entry === undefined) break;
        left -= entry.tokens;
        if (left <= 0 || left + tokens <= this.tpm) {
          wait = Math.max(wait, entry.time + this.windowMs - now);
          break;
        }
      }
    }
    const { requestsRemaining, requestsResetAt, tokensRemaining, tokensResetAt } = this.hint;
    if (
      requestsRemaining !== undefined &&
      requestsResetAt !== undefined &&
      requestsResetAt > now &&
      requestsRemaining <= 0
    ) {
      wait = Math.max(wait, requestsResetAt - now);
    }
    if (
      tokensRemaining !== undefined &&
      tokensResetAt !== undefined &&
      tokensResetAt > now &&
      tokensRemaining < Math.max(1, tokens)
    ) {
      wait = Math.max(wait, tokensResetAt - now);
    }
    return Math.max(0, wait);
  }

  grant(now: number, tokens: number): TokenEntry {
    this.inFlight++;
    if (this.rpm !== undefined) this.requestTimes.push(now);
    const entry = { time: now, tokens };
    if (this.tpm !== undefined) {
      this.tokenLog.push(entry);
      this.tokenSum += tokens;
    }
    if (this.hint.requestsRemaining !== undefined) this.hint.requestsRemaining--;
    if (this.hint.tokensRemaining !== undefined) this.hint.tokensRemaining -= tokens;
    return entry;
  }

  release(entry: TokenEntry, outcome: ReleaseOutcome, now: number): void {
    this.inFlight--;
    if (outcome.tokens !== undefined && this.tpm !== undefined && entry.time > now - this.windowMs) {
      this.tokenSum += outcome.tokens - entry.tokens;
    }
    if (outcome.tokens !== undefined) entry.tokens = outcome.tokens;
  }

  tighten(hint: RateLimitHint): void {
    // A header describes the state when the provider answered; later answers replace it.
    if (hint.requestsRemaining !== undefined) {
      this.hint.requestsRemaining = hint.requestsRemaining;
      this.hint.requestsResetAt = hint.requestsResetAt;
    }
    if (hint.tokensRemaining !== undefined) {
      this.hint.tokensRemaining = hint.tokensRemaining;
      this.hint.tokensResetAt = hint.tokensResetAt;
    }
  }
}

interface Waiter {
  tokens: number;
  resolve: (permit: Permit) => void;
  reject: (error: unknown) => void;
  /** Leaves the signal's listeners once granted. */
  stopListening: (() => void) | undefined;
}

class Lane {
  readonly queue: Waiter[] = [];
  head = 0;
  timer: ReturnType<typeof setTimeout> | undefined;
  timerAt = Number.POSITIVE_INFINITY;
  constructor(
    readonly buckets: Bucket[],
    /** The bucket of this exact provider/model: pauses and header hints land here. */
    readonly own: Bucket,
  ) {}
}

function validate(rule: RateLimitConfig, index: number): void {
  for (const field of ['rpm', 'tpm', 'concurrency'] as const) {
    const value = rule[field];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new ValidationError(`limits[${index}].${field}: expected an integer from 1 up, got ${String(value)}`, {
        field: `limits.${index}.${field}`,
      });
    }
  }
}

/** In-process limiter: exact within one process, FIFO per provider/model. */
export class InProcessRateLimiter implements RateLimiter {
  private readonly rules: readonly RateLimitConfig[];
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();
  private readonly lanes = new Map<string, Lane>();

  constructor(options: RateLimiterOptions = {}) {
    this.rules = options.limits ?? [];
    this.rules.forEach(validate);
    this.windowMs = options.windowMs ?? 60_000;
    if (!(this.windowMs > 0))
      throw new ValidationError(`windowMs: expected a positive number, got ${String(this.windowMs)}`);
    this.now = options.now ?? Date.now;
  }

  private bucket(name: string, rule: Partial<RateLimitConfig>): Bucket {
    let bucket = this.buckets.get(name);
    if (bucket === undefined) {
      bucket = new Bucket(rule.rpm, rule.tpm, rule.concurrency, this.windowMs);
      this.buckets.set(name, bucket);
    }
    return bucket;
  }

  private lane(key: LimitKey): Lane {
    const name = `${key.provider}\u0000${key.model}`;
    let lane = this.lanes.get(name);
    if (lane !== undefined) return lane;
    const buckets: Bucket[] = [];
    const merge = (rules: RateLimitConfig[]): Partial<RateLimitConfig> => ({
      rpm: min(rules.map((rule) => rule.rpm)),
      tpm: min(rules.map((rule) => rule.tpm)),
      concurrency: min(rules.map((rule) => rule.concurrency)),
    });
    const providerRules = this.rules.filter((rule) => rule.provider === key.provider && rule.model === undefined);
    if (providerRules.length > 0) buckets.push(this.bucket(`${key.provider}\u0000*`, merge(providerRules)));
    const modelRules = this.rules.filter((rule) => rule.provider === key.provider && rule.model === key.model);
    const own = this.bucket(name, merge(modelRules));
    buckets.push(own);
    lane = new Lane(buckets, own);
    for (const bucket of buckets) bucket.lanes.add(lane);
    this.lanes.set(name, lane);
    return lane;
  }

  acquire(key: LimitKey, options: AcquireOptions = {}): Promise<Permit> {
    const tokens = options.tokens ?? 0;
    const signal = options.signal;
    if (signal?.aborted === true) return Promise.reject(new AbortError());
    const lane = this.lane(key);
    if (lane.head === lane.queue.length) {
      const now = this.now();
      if (this.laneWait(lane, now, tokens) === 0) return Promise.resolve(this.grant(lane, now, tokens));
    }
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = { tokens, resolve, reject, stopListening: undefined };
      if (signal !== undefined) {
        waiter.stopListening = onAbort(signal, () => {
          const index = lane.queue.indexOf(waiter, lane.head);
          if (index >= 0) lane.queue.splice(index, 1);
          reject(new AbortError());
          this.pump(lane);
        });
      }
      lane.queue.push(waiter);
      this.pump(lane);
    });
  }

  private laneWait(lane: Lane, now: number, tokens: number): number {
    let wait = 0;
    for (const bucket of lane.buckets) wait = Math.max(wait, bucket.waitMs(now, tokens));
    return wait;
  }

  private grant(lane: Lane, now: number, tokens: number): Permit {
    const entries = lane.buckets.map((bucket) => bucket.grant(now, tokens));
    let released = false;
    return {
      release: (outcome: ReleaseOutcome = {}) => {
        if (released) return;
        released = true;
        const at = this.now();
        lane.buckets.forEach((bucket, index) => {
          bucket.release(entries[index] as TokenEntry, outcome, at);
        });
        if (outcome.hint !== undefined) lane.own.tighten(outcome.hint);
        if (outcome.pauseMs !== undefined && outcome.pauseMs > 0) {
          lane.own.pausedUntil = Math.max(lane.own.pausedUntil, at + outcome.pauseMs);
        }
        const touched = new Set<Lane>();
        for (const bucket of lane.buckets) for (const other of bucket.lanes) touched.add(other);
        for (const other of touched) this.pump(other);
      },
    };
  }

  private pump(lane: Lane): void {
    while (lane.head < lane.queue.length) {
      const waiter = lane.queue[lane.head] as Waiter;
      const now = this.now();
      const wait = this.laneWait(lane, now, waiter.tokens);
      if (wait > 0) {
        if (Number.isFinite(wait)) this.wakeAt(lane, now + wait);
        break;
      }
      lane.head++;
      waiter.stopListening?.();
      waiter.resolve(this.grant(lane, now, waiter.tokens));
    }
    if (lane.head > 1024 && lane.head * 2 > lane.queue.length) {
      lane.queue.splice(0, lane.head);
      lane.head = 0;
    }
    if (lane.head === lane.queue.length && lane.head > 0) {
      lane.queue.length = 0;
      lane.head = 0;
    }
  }

  private wakeAt(lane: Lane, at: number): void {
    if (lane.timer !== undefined && lane.timerAt <= at) return;
    if (lane.timer !== undefined) clearTimeout(lane.timer);
    lane.timerAt = at;
    lane.timer = setTimeout(
      () => {
        lane.timer = undefined;
        lane.timerAt = Number.POSITIVE_INFINITY;
        this.pump(lane);
      },
      Math.max(0, at - this.now()),
    );
  }

  async close(): Promise<void> {
    for (const lane of this.lanes.values()) {
      if (lane.timer !== undefined) clearTimeout(lane.timer);
      for (let index = lane.head; index < lane.queue.length; index++)
        lane.queue[index]?.reject(new AbortError('rate limiter closed'));
      lane.queue.length = 0;
      lane.head = 0;
    }
  }
}

function min(values: Array<number | undefined>): number | undefined {
  let out: number | undefined;
  for (const value of values) if (value !== undefined && (out === undefined || value < out)) out = value;
  return out;
}

/** The in-process limiter (the default strategy). */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  return new InProcessRateLimiter(options);
}
