import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  emptyStats,
  formatCount,
  formatDuration,
  formatPercentile,
  formatUsd,
  renderRunReport,
  type RunReportData,
} from '#src/analytics/index.js';
import type { AgentStats, ModelStats, UsageStats } from '#src/types/index.js';

/** The example block of seed 002, exactly as the product notes print it (see test/fixtures/seeds/SOURCES.md). */
function seedBlock(): string {
  return readFileSync(new URL('../fixtures/seeds/002-token-usage-summary.txt', import.meta.url), 'utf8').trimEnd();
}

/** The report's data sets cost to 1,000 nanos a token, so each line's share is its share of the tokens. */
const TOTAL_NANOS = 12_340_000;

function stats(calls: number, total: number, firstTime: string): UsageStats & { costShare: number } {
  const totalNanos = total * 1000;
  return {
    ...emptyStats(),
    calls,
    successes: calls,
    tokens: { ...emptyStats().tokens, total },
    cost: { ...emptyStats().cost, total: totalNanos / 1e9, totalNanos },
    costShare: totalNanos / TOTAL_NANOS,
    firstTime,
  };
}

const t = (s: number) => new Date(Date.UTC(2025, 0, 1, 10, 0, s)).toISOString();

function model(name: string, calls: number, total: number, first: number, agents: string[]): ModelStats {
  return { model: name, agents, ...stats(calls, total, t(first)) };
}
function agent(name: string, calls: number, total: number, first: number): AgentStats {
  return { agent: name, models: [], ...stats(calls, total, t(first)) };
}

/** The seed's own numbers (they are illustrative: its agent lines do not add up to its totals). */
const SEED_DATA: RunReportData = {
  summary: {
    ...emptyStats(),
    calls: 8,
    successes: 7,
    failures: 1,
    successRate: 7 / 8,
    tokens: { input: 2650, output: 1325, total: 3975, cacheRead: 1200, cacheWrite: 0, reasoning: 0 },
    cost: { ...emptyStats().cost, total: 0.01234, cacheSavings: 0.00027, totalNanos: 12_340_000 },
    wallTimeMs: 45_230,
  },
  models: [
    model('gemini-2.5-pro', 3, 2700, 1, ['final_decision_agent', 'sector_agent', 'risk_agent']),
    model('gemini-2.5-flash', 5, 1275, 0, ['indicator_agent', 'volume_agent', 'mtf_agent']),
  ],
  agents: [
    agent('risk_agent', 1, 450, 5),
    agent('final_decision_agent', 1, 750, 0),
    agent('volume_agent', 2, 600, 1),
    agent('indicator_agent', 1, 450, 2),
    agent('sector_agent', 1, 525, 3),
  ],
};

describe('renderRunReport', () => {
  it('reproduces the seed-002 block, plus cost, failures and cache savings lines', () => {
    // The seed's lines, each model and agent line with its cost and share of the cost added.
    const cost: Record<string, string> = {
      'gemini-2.5-flash': ' $0.001275 (10.3%)',
      'gemini-2.5-pro': '   $0.0027 (21.9%)',
      final_decision_agent: '  $0.00075  (6.1%)',
      volume_agent: '   $0.0006  (4.9%)',
      indicator_agent: '  $0.00045  (3.6%)',
      sector_agent: ' $0.000525  (4.3%)',
      risk_agent: '  $0.00045  (3.6%)',
    };
    const withCost = (line: string): string => {
      const name = line.trim().split(' ')[0] ?? '';
      if (cost[name] === undefined) return line;
      return line.includes(' | agents:')
        ? line.replace(' | agents:', ` |${cost[name]} | agents:`)
        : `${line} |${cost[name]}`;
    };
    const seedLines = seedBlock().split('\n');
    const expected = [
      ...seedLines.slice(0, 8),
      'Total Cost: $0.01234',
      'Failures: 1 of 8 calls (success rate 87.5%)',
      'Cache Savings: $0.00027 (1,200 cached input tokens)',
      ...seedLines.slice(8).map(withCost),
    ].join('\n');
    expect(renderRunReport(SEED_DATA, { subject: 'AAPL' })).toBe(expected);
  });

  it('orders by volume on request, widens the name column, and names missing agents', () => {
    const data: RunReportData = {
      ...SEED_DATA,
      agents: [agent('a_very_long_agent_name_indeed', 1, 10, 0), { ...agent('x', 2, 99, 1), agent: null }],
    };
    const lines = renderRunReport(data, { order: 'volume' }).split('\n');
    expect(lines[1]).toBe('📊 TOKEN USAGE SUMMARY');
    expect(lines).toContain(
      '  gemini-2.5-pro                | 2,700 tokens |  3 calls |   $0.0027 (21.9%) | agents: final_decision_agent, sector_agent, risk_agent',
    );
    expect(lines.slice(-3, -1)).toEqual([
      '  (no agent)                    |     99 tokens |  2 calls | $0.000099  (0.8%)',
      '  a_very_long_agent_name_indeed |     10 tokens |  1 calls |  $0.00001  (0.1%)',
    ]);
  });

  it('widens the token columns for big figures so the bars stay aligned', () => {
    const data: RunReportData = {
      ...SEED_DATA,
      models: [
        model('gemini-2.5-flash', 5, 17_820, 0, ['indicator_agent']),
        model('gemini-2.5-pro', 3, 1_650, 1, ['risk_agent']),
      ],
      agents: [agent('indicator_agent', 5, 1_234_567, 0), agent('risk_agent', 3, 1_650, 1)],
    };
    const lines = renderRunReport(data).split('\n');
    // Up to the calls column (the cost column after it is tested above).
    const upToCalls = (line: string) => line.slice(0, line.indexOf(' calls |') + ' calls'.length);
    const modelLines = lines.filter((line) => line.includes(' | agents:'));
    expect(modelLines.map(upToCalls)).toEqual([
      '  gemini-2.5-flash     | 17,820 tokens |  5 calls',
      '  gemini-2.5-pro       |  1,650 tokens |  3 calls',
    ]);
    const agentLines = lines.slice(lines.indexOf('🤖 Agent Usage:') + 1, -1);
    expect(agentLines).toHaveLength(2);
    expect(agentLines.map((line) => line.indexOf('|'))).toEqual([23, 23]);
    expect(agentLines.map((line) => line.lastIndexOf('|'))).toEqual([
      agentLines[0]?.lastIndexOf('|'),
      agentLines[0]?.lastIndexOf('|'),
    ]);
    expect(agentLines[1]).toContain('|     1,650 tokens |');
  });

  it('says what the failed calls cost when they were billed', () => {
    const summary = { ...SEED_DATA.summary, cost: { ...SEED_DATA.summary.cost, failed: 0.0021 } };
    const lines = renderRunReport({ ...SEED_DATA, summary }).split('\n');
    expect(lines).toContain('Failures: 1 of 8 calls (success rate 87.5%), $0.0021 spent on them');
  });

  it('says n/a rather than inventing figures for an empty report', () => {
    const text = renderRunReport({ summary: { ...emptyStats(), wallTimeMs: null }, models: [], agents: [] });
    expect(text).toContain('Total Analysis Time: n/a');
    expect(text).toContain('Failures: 0 of 0 calls (success rate n/a)');
  });
});

describe('formatting', () => {
  it('groups thousands and prints dollars readably', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(-1234.5, 1)).toBe('-1,234.5');
    expect(formatUsd(1234.567)).toBe('$1,234.57');
    expect(formatUsd(0.0005)).toBe('$0.0005');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.1)).toBe('$0.10');
  });

  it('marks percentiles from the latency histogram as approximate, without false decimals', () => {
    expect(formatPercentile(1420.04, true)).toBe('~1,420ms');
    expect(formatPercentile(1420.5, false)).toBe('1,420.5ms');
    expect(formatPercentile(null, true)).toBe('n/a');
  });

  it('humanizes durations: seconds under a minute, then the two largest units', () => {
    expect(formatDuration(5710)).toBe('5.71s');
    expect(formatDuration(59_994)).toBe('59.99s');
    expect(formatDuration(59_996)).toBe('1m 00s');
    expect(formatDuration(725_000)).toBe('12m 05s');
    expect(formatDuration(11_040_000)).toBe('3h 04m');
    // The 2590936.61s: 29 days 23.7 hours.
    expect(formatDuration(2_590_936_610)).toBe('30d 00h');
    expect(formatDuration(2_588_400_000)).toBe('29d 23h');
    expect(formatDuration(29_600, 0)).toBe('30s');
    expect(formatDuration(null)).toBe('n/a');
  });
});
