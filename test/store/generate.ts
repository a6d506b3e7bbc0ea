/**
 * A seeded generator of realistic, varied UsageEvents for the store tests and benchmarks:
 * events with and without agent/run/tags, unpriced events, unavailable usage, errors,
 * estimated usage, fractional latencies. Values are already in the stores' precision
 * (nano-dollars, microseconds, ms times) so a round trip is exact.
 */
import type { UsageEvent } from '#src/types/index.js';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const MODELS = [
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4o-mini'],
  ['anthropic', 'claude-sonnet-4'],
  ['anthropic', 'claude-haiku-4'],
  ['google', 'gemini-2.5-flash'],
] as const;
export const AGENTS = ['indicator_agent', 'news_agent', 'trader', undefined] as const;
export const RUNS = ['AAPL', 'MSFT', 'NVDA', undefined] as const;

export interface GenerateOptions {
  seed: number;
  count: number;
  /** Epoch ms of the earliest event. */
  startMs: number;
  /** Events spread over this many ms. */
  spanMs: number;
  idPrefix?: string;
}

export function generateEvents(options: GenerateOptions): UsageEvent[] {
  const random = mulberry32(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (max: number): number => Math.floor(random() * max);
  const events: UsageEvent[] = [];
  for (let i = 0; i < options.count; i++) {
    const [provider, model] = pick(MODELS);
    const agent = pick(AGENTS);
    const run = pick(RUNS);
    const status = random() < 0.1 ? 'error' : 'ok';
    const usageUnavailable = random() < 0.07;
    const unpriced = !usageUnavailable && random() < 0.1;
    const input = 100 + int(5000);
    const cacheRead = random() < 0.3 ? int(input) : 0;
    const output = 10 + int(2000);
    const reasoning = random() < 0.2 ? int(output) : undefined;
    const tags: Record<string, string> = {};
    if (random() < 0.5) tags['team'] = pick(['red', 'blue']);
    if (random() < 0.3) tags['user'] = pick(['ana', 'bo', 'cy']);
    const inputNanos = int(50_000_000);
    const cacheReadNanos = cacheRead > 0 ? int(5_000_000) : 0;
    const outputNanos = int(90_000_000);
    const totalNanos = inputNanos + cacheReadNanos + outputNanos;
    const time = options.startMs + int(options.spanMs);
    const event: UsageEvent = {
      id: `${options.idPrefix ?? 'e'}${String(i).padStart(7, '0')}${pick(['A', 'b', 'Z', '_'])}`,
      time: new Date(time).toISOString(),
      provider,
      model,
      tags,
      usage: usageUnavailable
        ? {
            inputTokens: undefined,
            outputTokens: undefined,
            totalTokens: undefined,
            cacheReadTokens: undefined,
            cacheWriteTokens: undefined,
            reasoningTokens: undefined,
          }
        : {
            inputTokens: input,
            outputTokens: output,
            totalTokens: input + output,
            cacheReadTokens: cacheRead,
            cacheWriteTokens: provider === 'anthropic' ? int(300) : undefined,
            reasoningTokens: reasoning,
          },
      cost:
        usageUnavailable || unpriced
          ? null
          : {
              input: inputNanos / 1e9,
              cacheRead: cacheReadNanos / 1e9,
              cacheWrite: 0,
              output: outputNanos / 1e9,
              total: totalNanos / 1e9,
              currency: 'USD',
              totalNanos,
              cacheSavings: (cacheReadNanos * 9) / 1e9,
            },
      status,
      attempts: 1 + (random() < 0.1 ? int(3) : 0),
      estimated: random() < 0.05,
    };
    if (agent !== undefined) event.agent = agent;
    if (run !== undefined) event.run = run;
    if (model !== 'gpt-4o') event.requestedModel = model;
    if (usageUnavailable) event.usageUnavailableReason = 'stream ended before usage';
    else event.rawUsage = { prompt_tokens: input, completion_tokens: output };
    if (unpriced) event.costUnavailableReason = 'no price for model';
    if (provider === 'google' && random() < 0.5) event.providerCost = int(1_000_000) / 1e9;
    // As the ledger flags it: both figures where they differ by more than 1% of the provider's.
    const reported = event.providerCost === undefined ? undefined : Math.round(event.providerCost * 1e9);
    if (event.cost !== null && reported !== undefined && Math.abs(event.cost.totalNanos - reported) * 100 > reported)
      event.providerCostMismatch = { ours: event.cost.total, provider: event.providerCost as number };
    if (random() < 0.95) event.durationMs = Math.round((50 + random() ** 2 * 20_000) * 1000) / 1000;
    if (random() < 0.4) event.timeToFirstTokenMs = Math.round((5 + random() * 2000) * 1000) / 1000;
    if (status === 'error') event.error = { type: 'RateLimitError', status: 429, message: 'rate limited' };
    // From the index, not the random sequence, so the other fields stay what they were.
    if (i % 11 === 3) event.warnings = ['cacheReadTokens dropped: larger than inputTokens'];
    if (i % 37 === 5) event.warnings = ['tags.note truncated to 256 characters', 'agent "x y" kept as given'];
    // Every 7th call carries a trace context; derived from i, so the random sequence is unchanged.
    if (i % 7 === 3)
      event.trace = {
        traceId: `${(i + 1).toString(16).padStart(8, '0')}`.repeat(4),
        spanId: `${(i + 17).toString(16).padStart(16, '0')}`,
      };
    events.push(event);
  }
  return events;
}

/** The events worker N of the multi-process tests sends (deterministic, so the parent can recompute them). */
export function workerEvents(worker: number, count: number, startMs: number): UsageEvent[] {
  return generateEvents({ seed: 1000 + worker, count, startMs, spanMs: 48 * 3_600_000, idPrefix: `w${worker}-` });
}

/** 1,000 events every worker sends: each must be stored once. */
export function sharedEvents(startMs: number): UsageEvent[] {
  return generateEvents({ seed: 999, count: 1000, startMs, spanMs: 48 * 3_600_000, idPrefix: 'shared-' });
}
