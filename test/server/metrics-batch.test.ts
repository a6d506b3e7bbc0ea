/**
 * `observeEvents` (a batch: OTLP, ingest) leaves the scrape exactly as `observeEvent` on each
 * event does: same series, same counts, same histogram buckets, the label-set bound applied per
 * event, errors by type.
 */
import { describe, expect, it } from 'vitest';
import { createServerMetrics } from '#src/server/index.js';
import type { UsageEvent } from '#src/types/index.js';

function event(n: number): UsageEvent {
  const failed = n % 5 === 0;
  return {
    id: `e-${n}`,
    time: '2026-12-01T12:00:00.000Z',
    provider: n % 2 === 0 ? 'openai' : 'anthropic',
    model: n % 3 === 0 ? 'gpt-4o-mini' : 'claude-haiku-4-5',
    agent: `agent-${n % 7}`,
    tags: {},
    usage: {
      inputTokens: 100 + n,
      outputTokens: 10 + (n % 4),
      totalTokens: 110 + n + (n % 4),
      cacheReadTokens: n % 2 === 0 ? 50 : undefined,
      cacheWriteTokens: undefined,
      reasoningTokens: n % 3 === 0 ? 5 : undefined,
    },
    // Costs in whole nano-dollars' worth of binary fractions, so sums are exact in any order.
    cost: {
      input: 0.5,
      cacheRead: 0,
      cacheWrite: 0,
      output: 0.25,
      total: 0.75,
      currency: 'USD',
      totalNanos: 750_000_000,
      cacheSavings: 0,
    },
    durationMs: 40 + n * 13,
    ...(n % 4 === 0 ? { timeToFirstTokenMs: 20 + n } : {}),
    status: failed ? 'error' : 'ok',
    ...(failed ? { error: { type: n % 10 === 0 ? 'RateLimit' : 'Timeout', message: 'x' } } : {}),
    attempts: 1,
    estimated: false,
  };
}

describe('observeEvents', () => {
  it('scrapes the same as observeEvent on each event, label-set bound included', async () => {
    const events = Array.from({ length: 120 }, (_, n) => event(n));
    const one = createServerMetrics({ defaultMetrics: false, maxLabelSets: 9 });
    const batch = createServerMetrics({ defaultMetrics: false, maxLabelSets: 9 });
    for (const e of events) one.observeEvent(e);
    batch.observeEvents(events.slice(0, 50));
    batch.observeEvents(events.slice(50));
    const scrape = async (metrics: typeof one) =>
      (await metrics.registry.metrics()).split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    const expected = await scrape(one);
    expect(expected.some((line) => line.startsWith('tokenledger_errors_total{'))).toBe(true);
    expect(expected.some((line) => line.includes('agent="other"'))).toBe(true);
    expect((await scrape(batch)).sort()).toEqual(expected.sort());
    expect(batch.labelSets()).toEqual(one.labelSets());
  });
});
