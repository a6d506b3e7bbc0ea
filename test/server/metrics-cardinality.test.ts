/**
 * Prometheus label cardinality is bounded: the first `server.metrics.maxLabelSets` distinct
 * provider/model/agent sets keep their own series, later ones share `other`, and no counter
 * ever goes backwards. 30,000 invented agent names leave the scrape the size of 500.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import { createServerMetrics, type RunningServer, startServer } from '#src/server/index.js';
import type { UsageEvent } from '#src/types/index.js';

const ADMIN_KEY = 'tl-admin-cardinality-0123456789';

function event(agent: string, model = 'gpt-4o-mini'): UsageEvent {
  return {
    id: `e-${agent}`,
    time: '2026-12-01T12:00:00.000Z',
    provider: 'openai',
    model,
    agent,
    tags: {},
    usage: {
      inputTokens: 10,
      outputTokens: 2,
      totalTokens: 12,
      cacheReadTokens: undefined,
      cacheWriteTokens: undefined,
      reasoningTokens: undefined,
    },
    cost: null,
    durationMs: 100,
    status: 'ok',
    attempts: 1,
    estimated: false,
  };
}

/** The value of one sample line, or undefined when the series does not exist. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const calls = (agent: string, model = 'gpt-4o-mini', provider = 'openai'): string =>
  `tokenledger_calls_total{provider="${provider}",model="${model}",agent="${agent}",status="ok"}`;
const OTHER_CALLS = calls('other', 'other', 'other');

describe('label sets through serve (server.metrics.maxLabelSets: 2)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const env = { ADMIN: ADMIN_KEY };
    const config = parseConfig({ server: { adminKey: 'env:ADMIN', metrics: { maxLabelSets: 2 } } }, 'inline', env);
    server = await startServer({ config, port: 0, db: 'memory:', env, logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await server.close();
  });

  const auth = { authorization: `Bearer ${ADMIN_KEY}` };
  const ingest = async (agents: string[]): Promise<void> => {
    const response = await fetch(`${server.url}/v1/usage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify(
        agents.map((agent) => ({
          provider: 'openai',
          model: 'gpt-4o-mini',
          agent,
          usage: { inputTokens: 10, outputTokens: 2 },
        })),
      ),
    });
    expect(response.status).toBe(200);
  };
  const scrape = async (): Promise<string> => (await fetch(`${server.url}/metrics`, { headers: auth })).text();

  it('the first two sets keep their series, the rest share other, counts exact and never lower', async () => {
    await ingest(['a', 'b', 'c', 'd', 'a', 'e']);
    const first = await scrape();
    expect(sample(first, calls('a'))).toBe(2);
    expect(sample(first, calls('b'))).toBe(1);
    expect(sample(first, calls('c'))).toBeUndefined();
    expect(sample(first, OTHER_CALLS)).toBe(3);
    expect(sample(first, 'tokenledger_metrics_label_sets_overflow_total')).toBe(3);
    // 'a' keeps its own series once the budget is spent; other only grows.
    await ingest(['a', 'f']);
    const second = await scrape();
    expect(sample(second, calls('a'))).toBe(3);
    expect(sample(second, calls('b'))).toBe(1);
    expect(sample(second, OTHER_CALLS)).toBe(4);
    expect(sample(second, 'tokenledger_metrics_label_sets_overflow_total')).toBe(4);
  });
});

describe('30,000 distinct agents', () => {
  it('make at most 500 label sets plus other; the scrape stays small', async () => {
    const metrics = createServerMetrics({ defaultMetrics: false });
    for (let index = 0; index < 30_000; index++) metrics.observeEvent(event(`agent-${index}`));
    const text = await metrics.registry.metrics();
    const series = text.split('\n').filter((line) => line.startsWith('tokenledger_calls_total{'));
    expect(series).toHaveLength(501);
    expect(sample(text, calls('agent-499'))).toBe(1);
    expect(sample(text, calls('agent-500'))).toBeUndefined();
    expect(sample(text, OTHER_CALLS)).toBe(29_500);
    expect(metrics.labelSets()).toEqual({ admitted: 500, max: 500, overflowed: 29_500 });
    // About 5 KB per set (counters and two histograms): 30k sets were 375 MB.
    expect(text.length).toBeLessThan(5 * 1024 * 1024);
  });

  it('error types from clients are bounded too', async () => {
    const metrics = createServerMetrics({ defaultMetrics: false });
    for (let index = 0; index < 1000; index++)
      metrics.observeEvent({ ...event('a'), status: 'error', error: { type: `Invented${index}`, message: 'x' } });
    const text = await metrics.registry.metrics();
    const series = text.split('\n').filter((line) => line.startsWith('tokenledger_errors_total{'));
    expect(series).toHaveLength(65);
    expect(sample(text, 'tokenledger_errors_total{provider="openai",model="gpt-4o-mini",agent="a",type="other"}')).toBe(
      936,
    );
  });
});

function costOf(total: number): NonNullable<UsageEvent['cost']> {
  return {
    input: total,
    cacheRead: 0,
    cacheWrite: 0,
    output: 0,
    total,
    currency: 'USD',
    totalNanos: total * 1e9,
    cacheSavings: 0,
  };
}

describe('a batch of events (observeEvents, as OTLP and ingest count them)', () => {
  it('makes the same scrape as counting each event alone, past the label-set limit too', async () => {
    const events: UsageEvent[] = [];
    for (let index = 0; index < 40; index++) {
      const base = event(`agent-${index % 5}`, index % 2 === 0 ? 'gpt-4o-mini' : 'gpt-4o');
      events.push({
        ...base,
        id: `e-${index}`,
        usage: { ...base.usage, cacheReadTokens: index, reasoningTokens: index % 3 },
        // Quarters: the batch's sums are exact, so the scrape must be equal to the digit.
        cost: index % 4 === 0 ? null : costOf(index * 0.25),
        timeToFirstTokenMs: index * 10,
        ...(index % 7 === 0 ? { status: 'error' as const, error: { type: `T${index % 2}`, message: 'x' } } : {}),
      });
    }
    const one = createServerMetrics({ defaultMetrics: false, maxLabelSets: 6 });
    for (const item of events) one.observeEvent(item);
    const batch = createServerMetrics({ defaultMetrics: false, maxLabelSets: 6 });
    batch.observeEvents(events.slice(0, 13));
    batch.observeEvents(events.slice(13));
    const text = await batch.registry.metrics();
    expect(text).toBe(await one.registry.metrics());
    expect(
      sample(text, 'tokenledger_tokens_total{provider="openai",model="gpt-4o",agent="agent-1",kind="cache_read"}'),
    ).toBe(1 + 11 + 21 + 31);
    expect(batch.labelSets()).toEqual(one.labelSets());
  });
});
