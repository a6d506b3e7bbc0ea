/**
 * A deterministic multi-agent data set like the stock-analysis example's: five agents on
 * gemini-2.5-flash and gemini-2.5-pro, one run per ticker, a few failures, an unpriced local
 * model with estimated counts. Used by the browser tests (small) and the first-paint bench
 * (1M events, inserted straight into the store in big batches).
 */
import { monotonicFactory } from 'ulid';
import { createPricer } from '#src/pricing/index.js';
import type { Store } from '#src/store/index.js';
import type { Usage, UsageEvent } from '#src/types/index.js';

export const AGENTS = [
  'indicator_agent',
  'volume_agent',
  'sector_agent',
  'risk_agent',
  'final_decision_agent',
] as const;
export const TICKERS = ['AAPL', 'MSFT', 'NVDA', 'GOOG', 'AMZN', 'TSLA', 'META', 'AMD'] as const;

/** Which model each agent runs on (the example's agent-to-model config), and its usual size. */
const PLAN: Record<(typeof AGENTS)[number], { model: string; input: number; output: number; ms: number }> = {
  indicator_agent: { model: 'gemini-2.5-flash', input: 2_400, output: 500, ms: 1_800 },
  volume_agent: { model: 'gemini-2.5-flash', input: 1_900, output: 420, ms: 1_500 },
  sector_agent: { model: 'gemini-2.5-flash', input: 3_100, output: 650, ms: 2_100 },
  risk_agent: { model: 'gemini-2.5-pro', input: 4_200, output: 1_300, ms: 6_500 },
  final_decision_agent: { model: 'gemini-2.5-pro', input: 6_800, output: 2_100, ms: 9_000 },
};

/** Small fast PRNG so the data set is the same on every run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedOptions {
  /** How many events. */
  count: number;
  /** Time of the first event (ms). */
  start: number;
  /** Span the events are spread over (ms). */
  spanMs: number;
  seed?: number;
  /** Insert batch size. @default 5000 */
  batch?: number;
  /** Run names: tickers, or `TICKER-N` when there are more events than one analysis per ticker. @default 'ticker' */
  runs?: 'ticker' | 'many';
}

/** Generates the events lazily, in time order. */
export function* seedEvents(options: SeedOptions): Generator<UsageEvent> {
  const random = mulberry32(options.seed ?? 42);
  const pricer = createPricer();
  const ulid = monotonicFactory();
  const step = options.spanMs / Math.max(1, options.count);
  for (let index = 0; index < options.count; index++) {
    const time = Math.floor(options.start + index * step);
    const agent = AGENTS[index % AGENTS.length]!;
    const plan = PLAN[agent];
    const ticker = TICKERS[Math.floor(index / AGENTS.length) % TICKERS.length]!;
    const run = options.runs === 'many' ? `${ticker}-${Math.floor(index / (AGENTS.length * TICKERS.length))}` : ticker;
    // One call in 40 goes to a local model with no price and estimated counts.
    const local = index % 40 === 39;
    const model = local ? 'local-llama-3.1-8b' : plan.model;
    const provider = local ? 'ollama' : 'google';
    const failed = !local && random() < 0.03;
    const jitter = 0.6 + random() * 0.8;
    const input = Math.round(plan.input * jitter);
    const output = Math.round(plan.output * (0.5 + random()));
    const cacheRead = agent === 'final_decision_agent' ? Math.round(input * 0.4) : 0;
    const reasoning = plan.model === 'gemini-2.5-pro' ? Math.round(output * 0.3) : 0;
    const usage: Usage = failed
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
          cacheWriteTokens: 0,
          reasoningTokens: reasoning,
        };
    const priced = failed ? undefined : pricer.price({ provider, model, usage, time: new Date(time) });
    const event: UsageEvent = {
      id: ulid(time),
      time: new Date(time).toISOString(),
      provider,
      model,
      agent,
      run,
      tags: { team: index % 3 === 0 ? 'research' : 'quant' },
      usage,
      cost: priced?.cost ?? null,
      durationMs: Math.round(plan.ms * jitter),
      status: failed ? 'error' : 'ok',
      attempts: failed ? 3 : 1,
      estimated: local,
    };
    if (priced !== undefined && priced.cost === null) event.costUnavailableReason = priced.reason;
    if (failed) {
      event.usageUnavailableReason = 'the call failed';
      event.error =
        random() < 0.7
          ? { type: 'RateLimitError', status: 429, message: 'Resource has been exhausted (e.g. check quota).' }
          : { type: 'TimeoutError', message: 'no response within 60000 ms' };
    }
    yield event;
  }
}

/** Inserts the data set in batches; returns how many events were stored. */
export async function seedStore(store: Store, options: SeedOptions): Promise<number> {
  const size = options.batch ?? 5_000;
  let batch: UsageEvent[] = [];
  let stored = 0;
  for (const event of seedEvents(options)) {
    batch.push(event);
    if (batch.length >= size) {
      stored += await store.insert(batch);
      batch = [];
    }
  }
  if (batch.length > 0) stored += await store.insert(batch);
  return stored;
}
