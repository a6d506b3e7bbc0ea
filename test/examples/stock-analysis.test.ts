/**
 * examples/stock-analysis: the analysis runs in-process against its stand-in for Gemini (real
 * HTTP on 127.0.0.1) into a real SQLite file, and what it recorded is checked against the
 * events themselves; the one-command script runs as a user runs it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '#src/store/index.js';
import type { Filter, UsageEvent } from '#src/types/index.js';
import { AGENTS, runStockAnalysis, type AgentName } from '../../examples/stock-analysis/analysis.js';

const ROOT = join(import.meta.dirname, '..', '..');
let dir: string;
let store: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tl-stock-'));
  store = await openStore(`sqlite:${join(dir, 'ledger.db')}`);
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function eventsOf(filter: Filter): Promise<UsageEvent[]> {
  const events: UsageEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.events({ filter, limit: 100, ...(cursor === undefined ? {} : { cursor }) });
    events.push(...page.events);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return events;
}

const CALLS_PER_AGENT: Record<AgentName, number> = {
  indicator_agent: 1,
  volume_agent: 2,
  mtf_agent: 2,
  sector_agent: 1,
  risk_agent: 1,
  final_decision_agent: 1,
};

const sum = (events: UsageEvent[], pick: (event: UsageEvent) => number | undefined): number =>
  events.reduce((total, event) => total + (pick(event) ?? 0), 0);

describe('stock-analysis example', () => {
  it('records one event per agent call, on the agent model, with run = ticker, and reports exactly those', async () => {
    const lines: string[] = [];
    const { tickers } = await runStockAnalysis({
      tickers: ['AAPL'],
      store,
      latencyScale: 0,
      log: (line) => lines.push(line),
    });
    const [aapl] = tickers;
    if (aapl === undefined) throw new Error('no analysis');
    expect(lines).toHaveLength(8);

    const events = await eventsOf({ run: 'AAPL' });
    expect(events).toHaveLength(8);
    expect(aapl.calls).toHaveLength(8);
    for (const event of events) {
      expect(event.run).toBe('AAPL');
      expect(event.status).toBe('ok');
      // Configured as `gemini/...`, recorded under Google's canonical id, as every Gemini call is.
      expect(event.provider).toBe('google');
      const agent = event.agent as AgentName;
      // The model the agent is configured with is the model that answered and was priced.
      expect(`gemini/${event.model}`).toBe(AGENTS[agent]);
      expect(event.cost).not.toBeNull();
    }
    for (const [agent, count] of Object.entries(CALLS_PER_AGENT)) {
      expect(
        events.filter((event) => event.agent === agent),
        agent,
      ).toHaveLength(count);
    }
    expect(events.filter((event) => event.model === 'gemini-2.5-flash')).toHaveLength(5);
    expect(events.filter((event) => event.model === 'gemini-2.5-pro')).toHaveLength(3);

    // The report's totals are the events' sums (and the client's own count of its calls).
    const { summary, models, agents } = aapl.report;
    expect(summary.calls).toBe(8);
    expect(summary.failures).toBe(0);
    expect(summary.tokens.input).toBe(sum(events, (event) => event.usage.inputTokens));
    expect(summary.tokens.output).toBe(sum(events, (event) => event.usage.outputTokens));
    expect(summary.tokens.total).toBe(sum(events, (event) => event.usage.totalTokens));
    expect(summary.tokens.cacheRead).toBe(sum(events, (event) => event.usage.cacheReadTokens));
    expect(summary.cost.totalNanos).toBe(sum(events, (event) => event.cost?.totalNanos));
    expect(summary.cost.cacheSavings).toBeGreaterThan(0);
    expect(summary.tokens.total).toBe(aapl.clientStats.totalTokens);
    expect(aapl.clientStats.total).toBe(8);
    // The recorded answers: flash 3,564 tokens (3,512 cached), pro 550.
    expect(summary.tokens.total).toBe(5 * 3_564 + 3 * 550);
    expect(models.map((m) => [m.model, m.calls]).sort()).toEqual([
      ['gemini-2.5-flash', 5],
      ['gemini-2.5-pro', 3],
    ]);
    expect(agents.find((a) => a.agent === 'volume_agent')?.calls).toBe(2);

    expect(aapl.reportText).toContain('TOKEN USAGE SUMMARY for AAPL');
    expect(aapl.reportText).toContain('Total LLM Calls: 8');
    expect(aapl.reportText).toContain('Total Tokens: 19,470');
    expect(aapl.reportText).toMatch(
      /gemini-2\.5-pro +\| +1,650 tokens \| +3 calls \| +\$0\.01293 \(92\.2%\) \| agents: .*final_decision_agent/,
    );
  });

  it('keeps tickers apart, records a retried 503 as a failure, and reports only the analysis just run', async () => {
    const before = new Date();
    const { tickers } = await runStockAnalysis({
      tickers: ['MSFT', 'NVDA', 'AAPL'],
      store,
      latencyScale: 0,
      overloaded: 1,
    });
    expect(tickers.map((analysis) => analysis.ticker)).toEqual(['MSFT', 'NVDA', 'AAPL']);
    for (const analysis of tickers) {
      const events = await eventsOf({ run: analysis.ticker, from: before });
      const failed = events.filter((event) => event.status === 'error');
      expect(failed).toHaveLength(1);
      expect(failed[0]?.error?.status).toBe(503);
      expect(analysis.calls.filter((call) => call.attempts === 2)).toHaveLength(1);
      expect(analysis.report.summary.failures).toBe(1);
      expect(analysis.report.summary.calls).toBe(9);
      expect(analysis.reportText).toContain('Failures: 1 of 9 calls');
    }
    // AAPL was analysed in the first test too: the store holds both runs, the report only this one.
    expect(await eventsOf({ run: 'AAPL' })).toHaveLength(17);
    const aapl = tickers[2];
    expect(aapl?.report.summary.calls).toBe(9);
    expect(aapl?.report.summary.successes).toBe(8);
  });

  it('spaces the analyses in time when asked, the last one now, each report still whole', async () => {
    const hour = 3_600_000;
    const { tickers } = await runStockAnalysis({ tickers: ['IBM', 'ORCL'], store, latencyScale: 0, spacingMs: hour });
    const now = Date.now();
    const ibm = await eventsOf({ run: 'IBM' });
    const orcl = await eventsOf({ run: 'ORCL' });
    expect(ibm).toHaveLength(8);
    expect(orcl).toHaveLength(8);
    for (const event of ibm) expect(Math.abs(Date.parse(event.time) - (now - hour))).toBeLessThan(30_000);
    for (const event of orcl) expect(Math.abs(Date.parse(event.time) - now)).toBeLessThan(30_000);
    expect(tickers.map((analysis) => analysis.report.summary.calls)).toEqual([8, 8]);
  });

  it('runs as one command and prints each ticker report; bad input is one line and exit 1', async () => {
    const run = promisify(execFile);
    // The npm script, as a user runs it: it imports the package by name (tsx, --conditions=tokenledger-source).
    const example = (args: string[]) => run('npm', ['run', '--silent', 'example:stock', '--', ...args], { cwd: ROOT });
    const db = `sqlite:${join(dir, 'cli.db')}`;
    const { stdout } = await example(['--tickers', 'AAPL,TSLA', '--db', db, '--latency-scale', '0']);
    expect(stdout).toContain('TOKEN USAGE SUMMARY for AAPL');
    expect(stdout).toContain('TOKEN USAGE SUMMARY for TSLA');
    expect(stdout.match(/Total LLM Calls: 8/g)).toHaveLength(2);
    const cliStore = await openStore(db);
    try {
      const page = await cliStore.events({ filter: { run: 'TSLA' }, limit: 100 });
      expect(page.events).toHaveLength(8);
    } finally {
      await cliStore.close();
    }

    const bad = await example(['--tickers', 'not a ticker']).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(bad?.code).toBe(1);
    expect(
      bad?.stderr
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('stock-analysis:')),
    ).toEqual(['stock-analysis: --tickers: expected symbols like AAPL,MSFT, got "not a ticker"']);
    expect(bad?.stderr).not.toContain('    at ');
  });
});
