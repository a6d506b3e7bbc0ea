/**
 * A multi-agent stock analysis, every call metered: the StockAnalyzer of the product notes
 * (seed 002) in TypeScript. Per ticker, three technical agents on gemini-2.5-flash run at once
 * (indicator, volume, multi-timeframe), then the sector and risk agents on gemini-2.5-pro, then
 * the final-decision agent on gemini-2.5-pro reads them all. Every call is recorded with
 * `run = ticker` through `ledger.scope({ run })`, and the run report (the seed's "TOKEN USAGE
 * SUMMARY for AAPL" block, with cost, failures and cache savings) closes each analysis.
 *
 * @module
 */
import {
  createClient,
  createLedger,
  loadRunReport,
  openStore,
  parseConfig,
  renderRunReport,
  type Client,
  type RunReportData,
  type Store,
  type UsageSummary,
} from 'tokenledger';
import { startReplayingGemini, type ReplayingGemini } from './replay.js';

/** The agents and their models, as a team would write them in tokenledger.config.yaml. */
export const AGENTS = {
  indicator_agent: 'gemini/gemini-2.5-flash',
  volume_agent: 'gemini/gemini-2.5-flash',
  mtf_agent: 'gemini/gemini-2.5-flash',
  sector_agent: 'gemini/gemini-2.5-pro',
  risk_agent: 'gemini/gemini-2.5-pro',
  final_decision_agent: 'gemini/gemini-2.5-pro',
} as const;

export type AgentName = keyof typeof AGENTS;

export interface StockAnalysisOptions {
  /** Tickers to analyse, one run each, one after the other. @default ['AAPL'] */
  tickers?: string[];
  /** Store URL the events go to (ignored when `store` is given). @default 'sqlite:./tokenledger.db' */
  db?: string;
  /** An open store to record into; left open (its opener closes it). */
  store?: Store;
  /**
   * Multiplies the stand-in's answer delays (flash 0.4-0.9 s, pro 1.2-2.4 s a call); 0 answers
   * at once (tests). @default 1
   */
  latencyScale?: number;
  /** Per ticker, this many 503 "model overloaded" answers before one call; the client retries them. @default 0 */
  overloaded?: number;
  /**
   * Stamps the analyses as if run this many ms apart, the last one now (the ledger's `clock`
   * shifted per ticker; durations stay real). For filling a dashboard with a day of runs.
   * @default 0 (every event at its real time)
   */
  spacingMs?: number;
  /** Receives one line per finished call. @default nothing */
  log?: (line: string) => void;
}

/** One agent call as the analysis saw it. */
export interface AgentCall {
  agent: AgentName;
  /** Model as answered by the provider. */
  model: string;
  text: string;
  totalTokens: number | undefined;
  /** USD, `null` when unpriced. */
  costUsd: number | null;
  attempts: number;
  durationMs: number;
}

export interface TickerAnalysis {
  ticker: string;
  calls: AgentCall[];
  /** The final-decision agent's answer. */
  decision: string;
  /** What the run report shows: this analysis's events only. */
  report: RunReportData;
  /** The rendered run report. */
  reportText: string;
  /** The client's own totals over this analysis (the seed's get_usage_stats). */
  clientStats: UsageSummary;
}

export interface StockAnalysisResult {
  tickers: TickerAnalysis[];
}

/** A deterministic market snapshot per ticker, so prompts look like the real thing. */
function snapshot(ticker: string): Record<string, number> {
  const seed = hash(ticker);
  const price = 50 + (seed % 40_000) / 100;
  return {
    price,
    rsi14: 30 + (seed % 4_000) / 100,
    macd: ((seed % 600) - 300) / 100,
    sma50: price * (0.9 + (seed % 200) / 1_000),
    volume: 10_000_000 + (seed % 90_000_000),
    avgVolume30d: 12_000_000 + ((seed >> 3) % 80_000_000),
    beta: 0.6 + (seed % 120) / 100,
  };
}

function hash(text: string): number {
  let value = 2166136261;
  for (const char of text) value = Math.imul(value ^ char.charCodeAt(0), 16777619) >>> 0;
  return value;
}

/** A model-like delay for one call: flash 0.4-0.9 s, pro 1.2-2.4 s, varied per ticker and call. */
function latencyOf(model: string, key: string, scale: number): number {
  const spread = hash(key) % 1_000;
  const ms = model.endsWith('-pro') ? 1_200 + spread * 1.2 : 400 + spread * 0.5;
  return Math.round(ms * scale);
}

const SYSTEM: Record<AgentName, string> = {
  indicator_agent:
    'You are a technical analyst. Read RSI, MACD and moving averages; answer with a signal (bullish, bearish, neutral) and one paragraph.',
  volume_agent: 'You analyse trading volume: accumulation, distribution, unusual activity. Answer briefly.',
  mtf_agent: 'You compare trends across timeframes and say where they agree or conflict. Answer briefly.',
  sector_agent: 'You place a company within its sector: relative strength, peers, sector momentum.',
  risk_agent: 'You assess downside risk: volatility, beta, drawdown scenarios, position sizing.',
  final_decision_agent:
    "You are the portfolio manager. Weigh the analysts' reports and answer BUY, HOLD or SELL with a confidence and the main reasons.",
};

/**
 * Runs the analysis for each ticker against a local stand-in for Gemini and returns each
 * run's calls and report.
 *
 * @example
 * const { tickers } = await runStockAnalysis({ tickers: ['AAPL', 'MSFT'] });
 * for (const analysis of tickers) console.log(analysis.reportText);
 */
export async function runStockAnalysis(options: StockAnalysisOptions = {}): Promise<StockAnalysisResult> {
  const tickers = options.tickers ?? ['AAPL'];
  const scale = options.latencyScale ?? 1;
  const log = options.log ?? ((): void => undefined);
  const store = options.store ?? (await openStore(options.db ?? 'sqlite:./tokenledger.db'));
  const gemini = await startReplayingGemini();
  try {
    // The config a team keeps in tokenledger.config.yaml, inline. The key is a placeholder on
    // purpose: the stand-in needs none, and a real GEMINI_API_KEY must never reach it.
    const config = parseConfig(
      {
        providers: { gemini: { baseURL: gemini.baseURL, apiKey: 'env:GEMINI_API_KEY' } },
        agents: AGENTS,
        rateLimits: [{ provider: 'gemini', model: 'gemini-2.5-pro', rpm: 150, concurrency: 4 }],
        retry: { maxAttempts: 3, baseDelayMs: 250 },
      },
      'stock-analysis',
      { GEMINI_API_KEY: 'stand-in-key-not-real' },
    );
    const results: TickerAnalysis[] = [];
    const spacingMs = options.spacingMs ?? 0;
    for (const [index, ticker] of tickers.entries()) {
      const offsetMs = (index - (tickers.length - 1)) * spacingMs;
      results.push(
        await analyse(ticker, { store, offsetMs, config, gemini, scale, overloaded: options.overloaded ?? 0, log }),
      );
    }
    return { tickers: results };
  } finally {
    await gemini.close();
    if (options.store === undefined) await store.close();
  }
}

interface Context {
  store: Store;
  /** Added to the ledger's clock (0: real time). */
  offsetMs: number;
  config: ReturnType<typeof parseConfig>;
  gemini: ReplayingGemini;
  scale: number;
  overloaded: number;
  log: (line: string) => void;
}

async function analyse(ticker: string, context: Context): Promise<TickerAnalysis> {
  const { gemini, scale, log } = context;
  const root = createLedger({
    store: context.store,
    ...(context.offsetMs === 0 ? {} : { clock: () => Date.now() + context.offsetMs }),
  });
  const startedAt = new Date(Date.now() + context.offsetMs);
  // Every event of this analysis carries run = ticker, whichever agent makes the call.
  const ledger = root.scope({ run: ticker });
  const client: Client = createClient({ ledger, config: context.config });
  const data = JSON.stringify(snapshot(ticker));
  const calls: AgentCall[] = [];
  let overloaded = context.overloaded;

  async function ask(agent: AgentName, prompt: string): Promise<string> {
    const model = AGENTS[agent].slice('gemini/'.length);
    gemini.expect(model, latencyOf(model, `${ticker}/${agent}/${calls.length}`, scale), overloaded);
    overloaded = 0;
    const result = await client.generate({ agent, system: SYSTEM[agent], prompt, maxTokens: 1_024 });
    const call: AgentCall = {
      agent,
      model: result.model,
      text: result.text,
      totalTokens: result.usage?.totalTokens,
      costUsd: result.cost?.total ?? null,
      attempts: result.attempts,
      durationMs: result.durationMs,
    };
    calls.push(call);
    log(formatCall(ticker, call));
    return result.text;
  }

  try {
    // Phase 1: the technical agents are independent, so they run at once (all on flash).
    const [indicators, volume, timeframes] = await Promise.all([
      ask('indicator_agent', `Ticker ${ticker}. Daily indicators: ${data}. What do they signal?`),
      (async () => {
        const daily = await ask('volume_agent', `Ticker ${ticker}. Daily volume vs 30-day average: ${data}.`);
        return ask(
          'volume_agent',
          `Ticker ${ticker}. Given the daily read "${daily.slice(0, 200)}", check the intraday volume profile.`,
        );
      })(),
      (async () => {
        const weekly = await ask('mtf_agent', `Ticker ${ticker}. Weekly trend from ${data}.`);
        return ask(
          'mtf_agent',
          `Ticker ${ticker}. Weekly read: "${weekly.slice(0, 200)}". Does the daily trend agree?`,
        );
      })(),
    ]);
    const technical = `Indicators: ${indicators}\nVolume: ${volume}\nTimeframes: ${timeframes}`;
    // Phase 2: sector and risk both need the technical picture, not each other (pro).
    const [sector, risk] = await Promise.all([
      ask('sector_agent', `Ticker ${ticker}. Technical picture:\n${technical}\nHow does it stand in its sector?`),
      ask('risk_agent', `Ticker ${ticker}. Snapshot ${data}. Technical picture:\n${technical}\nWhat are the risks?`),
    ]);
    // Phase 3: the decision reads everything (pro).
    const decision = await ask(
      'final_decision_agent',
      `Ticker ${ticker}.\n${technical}\nSector: ${sector}\nRisk: ${risk}\nDecide.`,
    );
    await ledger.flush();
    // This analysis only, even when the store already holds earlier runs of the same ticker.
    const report = await loadRunReport(ledger.store, { run: ticker, from: startedAt });
    return {
      ticker,
      calls,
      decision,
      report,
      reportText: renderRunReport(report, { subject: ticker }),
      clientStats: client.stats(),
    };
  } finally {
    await client.close();
    await root.close();
  }
}

function formatCall(ticker: string, call: AgentCall): string {
  const tokens = call.totalTokens === undefined ? '?' : call.totalTokens.toLocaleString('en-US');
  const cost = call.costUsd === null ? 'unpriced' : `$${call.costUsd.toFixed(6)}`;
  const retried = call.attempts > 1 ? ` (${call.attempts} attempts)` : '';
  return `${ticker.padEnd(5)} ${call.agent.padEnd(20)} ${call.model.padEnd(16)} ${tokens.padStart(6)} tokens  ${cost}  ${(call.durationMs / 1000).toFixed(2)}s${retried}`;
}
