import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  usageByAgentModel,
  usageByAgent,
  usageByModel,
  usageByRun,
  compareModels,
  usageOverview,
  renderRunReport,
  deleteEvents,
  loadRunReport,
  summarizeUsage,
  usageTimeseries,
} from '#src/analytics/index.js';
import type { Store } from '#src/store/index.js';
import { AAPL_REPORT, EVENTS } from './dataset.js';
import { testStores } from './stores.js';

const stores = testStores('tl_analytics');
afterAll(async () => {
  for (const s of stores) await s.cleanup();
});

/** Answers from every store, kept to check they are identical. */
const answers = new Map<string, unknown[]>();

describe.each(stores)('analytics on $kind', (testStore) => {
  let store: Store;
  const mine: unknown[] = [];
  beforeAll(async () => {
    store = await testStore.open();
    await store.insert(EVENTS);
    answers.set(testStore.kind, mine);
  });
  afterAll(async () => {
    await store.close();
  });

  it('summarizes one run with hand-computed figures', async () => {
    const s = await summarizeUsage(store, { run: 'AAPL' });
    mine.push(s);
    expect(s.calls).toBe(6);
    expect(s.successes).toBe(5);
    expect(s.failures).toBe(1);
    expect(s.successRate).toBeCloseTo(5 / 6, 12);
    expect(s.tokens).toEqual({ input: 1150, output: 540, total: 1690, cacheRead: 100, cacheWrite: 0, reasoning: 0 });
    expect(s.avgTokensPerCall).toBeCloseTo(1690 / 6, 12);
    expect(s.cost.totalNanos).toBe(2_997_000);
    expect(s.cost.total).toBe(2_997_000 / 1e9);
    expect(s.cost.input).toBe((60_000 + 45_000 + 375_000 + 30_000) / 1e9);
    expect(s.cost.cacheRead).toBe(12_000 / 1e9);
    expect(s.cost.output).toBe((250_000 + 125_000 + 2_000_000 + 100_000) / 1e9);
    expect(s.cost.cacheSavings).toBe(112_000 / 1e9);
    expect(s.unpricedCalls).toBe(2);
    expect(s.estimatedCalls).toBe(1);
    expect(s.usageUnavailableCalls).toBe(1);
    // durations sorted: 500 800 1000 1200 2500 3000; nearest rank ceil(p*n)
    expect(s.latency).toEqual({
      count: 6,
      avgMs: 1500,
      p50Ms: 1000,
      p95Ms: 3000,
      p99Ms: 3000,
      percentilesApproximate: false,
      maxMs: 3000,
    });
    expect(s.timeToFirstToken).toEqual({
      count: 2,
      avgMs: 200,
      p50Ms: 100,
      p95Ms: 300,
      p99Ms: 300,
      percentilesApproximate: false,
      maxMs: null,
    });
    expect(s.firstTime).toBe('2025-01-01T10:00:00.000Z');
    expect(s.lastTime).toBe('2025-01-01T10:00:08.000Z');
    // last-started call at +8 s lasted 0.8 s
    expect(s.wallTimeMs).toBe(8800);
  });

  it('summarizes everything, and nothing', async () => {
    const all = await summarizeUsage(store);
    mine.push(all);
    expect(all.calls).toBe(8);
    expect(all.cost.totalNanos).toBe(2_997_000 + 1_550_000 + 225_000);
    expect(all.cost.providerReported).toBeCloseTo(0.0003, 12);
    const none = await summarizeUsage(store, { run: 'nope' });
    expect(none.calls).toBe(0);
    expect(none.successRate).toBeNull();
    expect(none.avgTokensPerCall).toBeNull();
    expect(none.latency.p50Ms).toBeNull();
    expect(none.wallTimeMs).toBeNull();
  });

  it('filters by tags, provider, agent, status and time range', async () => {
    expect((await summarizeUsage(store, { tags: { team: 'a' } })).calls).toBe(6);
    expect((await summarizeUsage(store, { tags: { team: 'b' } })).tokens.total).toBe(1500);
    expect((await summarizeUsage(store, { provider: 'openai' })).calls).toBe(1);
    expect((await summarizeUsage(store, { agent: 'volume_agent' })).calls).toBe(2);
    expect((await summarizeUsage(store, { status: 'error' })).calls).toBe(1);
    const range = await summarizeUsage(store, {
      from: new Date('2025-01-01T10:00:02.000Z'),
      to: new Date('2025-01-01T10:00:06.000Z'),
    });
    expect(range.calls).toBe(3); // +2 s, +3 s, +5 s: from inclusive, to exclusive (+6 s left out)
  });

  it('breaks down by model with the agents using each', async () => {
    const models = await usageByModel(store, { run: 'AAPL' });
    mine.push(models);
    expect(models.map((m) => [m.model, m.calls, m.tokens.total, m.agents])).toEqual([
      ['gemini-2.5-pro', 2, 1050, ['final_decision_agent', 'sector_agent']],
      ['gemini-2.5-flash', 4, 640, ['indicator_agent', 'volume_agent', 'mtf_agent']],
    ]);
    // Shares of the run's $0.002997: pro 2,387,000 nanos, flash 310,000 + 170,000 + 130,000.
    expect(models.map((m) => [m.cost.totalNanos, m.costShare])).toEqual([
      [2_387_000, 2_387_000 / 2_997_000],
      [610_000, 610_000 / 2_997_000],
    ]);
    expect(models[1]?.successRate).toBe(0.75);
    expect(models[1]?.latency.p50Ms).toBe(800); // 500 800 1000 1200 -> rank 2
  });

  it('breaks down by agent with the models each used, agent x model, and by run', async () => {
    const agents = await usageByAgent(store);
    mine.push(agents);
    // Most expensive first; sector_agent's only call has usage but no price: no known share.
    const total = 4_772_000;
    expect(agents.map((a) => [a.agent, a.calls, a.tokens.total, a.models, a.costShare])).toEqual([
      ['final_decision_agent', 1, 600, ['gemini-2.5-pro'], 2_387_000 / total],
      ['indicator_agent', 2, 1800, ['gemini-2.5-flash'], 1_860_000 / total],
      [null, 1, 60, ['gpt-4o'], 225_000 / total],
      ['volume_agent', 2, 200, ['gemini-2.5-flash'], 170_000 / total],
      ['mtf_agent', 1, 140, ['gemini-2.5-flash'], 130_000 / total],
      ['sector_agent', 1, 450, ['gemini-2.5-pro'], null],
    ]);
    const pairs = await usageByAgentModel(store, { tags: { team: 'a' } });
    mine.push(pairs);
    expect(pairs.map((p) => [p.agent, p.model, p.calls])).toEqual([
      ['final_decision_agent', 'gemini-2.5-pro', 1],
      ['indicator_agent', 'gemini-2.5-flash', 1],
      ['mtf_agent', 'gemini-2.5-flash', 1],
      ['sector_agent', 'gemini-2.5-pro', 1],
      ['volume_agent', 'gemini-2.5-flash', 2],
    ]);
    const runs = await usageByRun(store);
    mine.push(runs);
    expect(runs.map((r) => [r.run, r.calls, r.wallTimeMs])).toEqual([
      [null, 1, null],
      ['MSFT', 1, 2000],
      ['AAPL', 6, 8800],
    ]);
  });

  it('compares models side by side', async () => {
    const { models } = await compareModels(store, ['gemini-2.5-flash', 'gemini-2.5-pro', 'nope']);
    mine.push(models);
    const [flash, pro, nope] = models;
    // flash: events 1 2 4 6 7; 4 is a failure without usage and price
    expect(flash).toMatchObject({
      model: 'gemini-2.5-flash',
      calls: 5,
      successRate: 0.8,
      avgTokensPerCall: 2140 / 5,
      unpricedCalls: 1,
    });
    expect(flash?.avgCostPerCall).toBeCloseTo(2_160_000 / 4 / 1e9, 15);
    expect(flash?.costPer1kOutputTokens).toBeCloseTo(((2_160_000 / 690) * 1000) / 1e9, 15);
    expect([flash?.latencyP50Ms, flash?.latencyP95Ms]).toEqual([1000, 2000]);
    expect(pro).toMatchObject({
      model: 'gemini-2.5-pro',
      calls: 2,
      successRate: 1,
      avgTokensPerCall: 525,
      latencyP50Ms: 2500,
      latencyP95Ms: 3000,
    });
    expect(pro?.avgCostPerCall).toBeCloseTo(2_387_000 / 1e9, 15);
    expect(pro?.tokensPerCallVsFirst).toBeCloseTo(525 / 428, 12);
    expect(flash?.tokensPerCallVsFirst).toBe(1);
    expect(nope).toMatchObject({
      calls: 0,
      successRate: null,
      avgCostPerCall: null,
      latencyP50Ms: null,
      tokensPerCallVsFirst: null,
    });
  });

  it('buckets a timeseries and fills the gaps', async () => {
    const series = await usageTimeseries(store, '1h');
    mine.push(series);
    expect(series.buckets).toHaveLength(15); // 10:00 .. 00:00 next day
    expect(series.buckets[0]).toMatchObject({ start: '2025-01-01T10:00:00.000Z', calls: 6, failures: 1 });
    expect(series.buckets[1]).toMatchObject({ start: '2025-01-01T11:00:00.000Z', calls: 1 });
    expect(series.buckets[2]).toMatchObject({ start: '2025-01-01T12:00:00.000Z', calls: 0, successRate: null });
    expect(series.buckets[14]).toMatchObject({ start: '2025-01-02T00:00:00.000Z', calls: 1 });
    const minutes = await usageTimeseries(store, '1m', { run: 'AAPL' });
    expect(minutes.buckets.map((b) => b.calls)).toEqual([6]);
    // Percentiles per bucket only on request (they cost a histogram merge per bucket).
    expect(series.buckets[0]?.latency.p50Ms).toBeNull();
    expect(series.buckets[0]?.latency.avgMs).not.toBeNull();
    const withPercentiles = await usageTimeseries(store, '1h', {}, { percentiles: true });
    expect(withPercentiles.buckets[0]?.latency.p50Ms).toBeGreaterThan(0);
  });

  it('renders the run report in the seed-002 layout', async () => {
    const report = renderRunReport(await loadRunReport(store, { run: 'AAPL' }), { subject: 'AAPL' });
    expect(report).toBe(AAPL_REPORT);
    const overall = await usageOverview(store);
    mine.push(overall);
    expect(overall.summary.calls).toBe(8);
    expect(overall.agentModels).toHaveLength(6);
  });

  it('resets by filter and says how many it removed', async () => {
    expect(await deleteEvents(store, { run: 'MSFT' })).toBe(1);
    expect((await summarizeUsage(store)).calls).toBe(7);
    expect(await deleteEvents(store, { run: 'MSFT' })).toBe(0);
  });
});

describe('across stores', () => {
  it('gives identical answers on memory, SQLite and PostgreSQL', () => {
    const memory = answers.get('memory');
    expect(memory?.length).toBeGreaterThan(5);
    expect(answers.get('sqlite')).toEqual(memory);
    expect(answers.get('postgres')).toEqual(memory);
  });
});
