/**
 * A small known data set with hand-computed answers (see analytics.test.ts). Costs are given
 * in nano-dollars by hand, so the analytics tests do not depend on catalog prices.
 */
import type { Cost, UsageEvent } from '#src/types/index.js';

const BASE = Date.parse('2025-01-01T10:00:00.000Z');

function cost(parts: {
  input?: number;
  cacheRead?: number;
  cacheWrite?: number;
  output?: number;
  savings?: number;
}): Cost {
  const input = parts.input ?? 0;
  const cacheRead = parts.cacheRead ?? 0;
  const cacheWrite = parts.cacheWrite ?? 0;
  const output = parts.output ?? 0;
  const totalNanos = input + cacheRead + cacheWrite + output;
  return {
    input: input / 1e9,
    cacheRead: cacheRead / 1e9,
    cacheWrite: cacheWrite / 1e9,
    output: output / 1e9,
    total: totalNanos / 1e9,
    currency: 'USD',
    totalNanos,
    cacheSavings: (parts.savings ?? 0) / 1e9,
  };
}

interface Spec {
  n: number;
  at: number;
  model: string;
  provider?: string;
  agent?: string;
  run?: string;
  tags?: Record<string, string>;
  input?: number;
  output?: number;
  cacheRead?: number;
  cost: Cost | null;
  status?: 'ok' | 'error';
  durationMs?: number;
  ttftMs?: number;
  estimated?: boolean;
  providerCost?: number;
}

function event(spec: Spec): UsageEvent {
  const known = spec.input !== undefined;
  const e: UsageEvent = {
    id: `01JGZZZZZZZZZZZZZZZZZZZZ${String(spec.n).padStart(2, '0')}`,
    time: new Date(spec.at).toISOString(),
    provider: spec.provider ?? 'google',
    model: spec.model,
    tags: spec.tags ?? {},
    usage: {
      inputTokens: spec.input,
      outputTokens: spec.output,
      totalTokens: known ? (spec.input ?? 0) + (spec.output ?? 0) : undefined,
      cacheReadTokens: known ? (spec.cacheRead ?? 0) : undefined,
      cacheWriteTokens: known ? 0 : undefined,
      reasoningTokens: known ? 0 : undefined,
    },
    cost: spec.cost,
    status: spec.status ?? 'ok',
    attempts: 1,
    estimated: spec.estimated ?? false,
  };
  if (spec.agent !== undefined) e.agent = spec.agent;
  if (spec.run !== undefined) e.run = spec.run;
  if (!known) e.usageUnavailableReason = 'no usage reported';
  if (spec.cost === null) e.costUnavailableReason = known ? 'no price known' : 'usage unavailable';
  if (spec.durationMs !== undefined) e.durationMs = spec.durationMs;
  if (spec.ttftMs !== undefined) e.timeToFirstTokenMs = spec.ttftMs;
  if (spec.status === 'error') e.error = { type: 'ProviderError', status: 500, message: 'upstream failed' };
  if (spec.providerCost !== undefined) e.providerCost = spec.providerCost;
  return e;
}

const FLASH = 'gemini-2.5-flash';
const PRO = 'gemini-2.5-pro';
const A = { team: 'a' };

export const EVENTS: UsageEvent[] = [
  event({
    n: 1,
    at: BASE,
    model: FLASH,
    agent: 'indicator_agent',
    run: 'AAPL',
    tags: A,
    input: 200,
    output: 100,
    durationMs: 1000,
    ttftMs: 100,
    cost: cost({ input: 60_000, output: 250_000 }),
  }),
  event({
    n: 2,
    at: BASE + 2000,
    model: FLASH,
    agent: 'volume_agent',
    run: 'AAPL',
    tags: A,
    input: 150,
    output: 50,
    durationMs: 1200,
    cost: cost({ input: 45_000, output: 125_000 }),
  }),
  event({
    n: 3,
    at: BASE + 3000,
    model: PRO,
    agent: 'final_decision_agent',
    run: 'AAPL',
    tags: A,
    input: 400,
    output: 200,
    cacheRead: 100,
    durationMs: 3000,
    ttftMs: 300,
    cost: cost({ input: 375_000, cacheRead: 12_000, output: 2_000_000, savings: 112_000 }),
  }),
  event({
    n: 4,
    at: BASE + 5000,
    model: FLASH,
    agent: 'volume_agent',
    run: 'AAPL',
    tags: A,
    status: 'error',
    durationMs: 500,
    cost: null,
  }),
  event({
    n: 5,
    at: BASE + 6000,
    model: PRO,
    agent: 'sector_agent',
    run: 'AAPL',
    tags: A,
    input: 300,
    output: 150,
    durationMs: 2500,
    cost: null,
  }),
  event({
    n: 6,
    at: BASE + 8000,
    model: FLASH,
    agent: 'mtf_agent',
    run: 'AAPL',
    tags: A,
    input: 100,
    output: 40,
    durationMs: 800,
    estimated: true,
    cost: cost({ input: 30_000, output: 100_000 }),
  }),
  event({
    n: 7,
    at: BASE + 3_630_000,
    model: FLASH,
    agent: 'indicator_agent',
    run: 'MSFT',
    tags: { team: 'b' },
    input: 1000,
    output: 500,
    durationMs: 2000,
    cost: cost({ input: 300_000, output: 1_250_000 }),
  }),
  event({
    n: 8,
    at: Date.parse('2025-01-02T00:00:00.000Z'),
    provider: 'openai',
    model: 'gpt-4o',
    input: 50,
    output: 10,
    durationMs: 400,
    providerCost: 0.0003,
    cost: cost({ input: 125_000, output: 100_000 }),
  }),
];

/** The seed-002 layout for run AAPL of this data set (first-use order). */
export const AAPL_REPORT = [
  '='.repeat(80),
  '📊 TOKEN USAGE SUMMARY for AAPL',
  '='.repeat(80),
  'Total Analysis Time: 8.80s',
  'Total LLM Calls: 6',
  'Total Input Tokens: 1,150',
  'Total Output Tokens: 540',
  'Total Tokens: 1,690',
  'Total Cost: $0.002997 (1 call with usage but no known price, not included)',
  'Failures: 1 of 6 calls (success rate 83.3%)',
  'Cache Savings: $0.000112 (100 cached input tokens)',
  '',
  '📱 Model Usage:',
  '  gemini-2.5-flash     |   640 tokens |  4 calls |   $0.00061 (20.4%) | agents: indicator_agent, volume_agent, mtf_agent',
  '  gemini-2.5-pro       | 1,050 tokens |  2 calls | $0.002387* (79.6%) | agents: final_decision_agent, sector_agent',
  '',
  '🤖 Agent Usage:',
  '  indicator_agent      |    300 tokens |  1 calls |   $0.00031 (10.3%)',
  '  volume_agent         |    200 tokens |  2 calls |   $0.00017  (5.7%)',
  '  final_decision_agent |    600 tokens |  1 calls |  $0.002387 (79.6%)',
  '  sector_agent         |    450 tokens |  1 calls |       n/a*   (n/a)',
  '  mtf_agent            |    140 tokens |  1 calls |   $0.00013  (4.3%)',
  '='.repeat(80),
].join('\n');
