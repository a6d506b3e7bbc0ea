/**
 * Multi-agent stock analysis, every call metered, ending with the run report per ticker:
 *
 *   npm run example:stock -- [--tickers AAPL,MSFT,NVDA] [--db sqlite:./tokenledger.db]
 *                                          [--overloaded N] [--latency-scale X] [--spacing-minutes M]
 *
 * It starts a local stand-in for Gemini (recorded real responses, no key needed); see replay.ts.
 * Afterwards `tokenledger serve` (same `--db`) shows the runs in the dashboard.
 */
import { parseArgs } from 'node:util';
import { runStockAnalysis } from './analysis.js';

function fail(message: string): never {
  process.stderr.write(`stock-analysis: ${message}\n`);
  process.exit(1);
}

let values: {
  tickers?: string;
  db?: string;
  overloaded?: string;
  'latency-scale'?: string;
  'spacing-minutes'?: string;
};
try {
  ({ values } = parseArgs({
    options: {
      tickers: { type: 'string' },
      db: { type: 'string' },
      overloaded: { type: 'string' },
      'latency-scale': { type: 'string' },
      'spacing-minutes': { type: 'string' },
    },
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

const tickers = (values.tickers ?? 'AAPL')
  .split(',')
  .map((ticker) => ticker.trim().toUpperCase())
  .filter((ticker) => ticker !== '');
if (tickers.length === 0 || tickers.some((ticker) => !/^[A-Z0-9.-]{1,10}$/.test(ticker)))
  fail(`--tickers: expected symbols like AAPL,MSFT, got "${values.tickers ?? ''}"`);
const overloaded = Number(values.overloaded ?? '0');
if (!Number.isInteger(overloaded) || overloaded < 0 || overloaded > 2)
  fail(`--overloaded: expected 0, 1 or 2 (the client retries up to 3 attempts), got "${values.overloaded}"`);
const latencyScale = Number(values['latency-scale'] ?? '1');
if (!Number.isFinite(latencyScale) || latencyScale < 0)
  fail(`--latency-scale: expected a number >= 0, got "${values['latency-scale']}"`);
const spacingMinutes = Number(values['spacing-minutes'] ?? '0');
if (!Number.isFinite(spacingMinutes) || spacingMinutes < 0)
  fail(`--spacing-minutes: expected a number >= 0, got "${values['spacing-minutes']}"`);
const db = values.db ?? 'sqlite:./tokenledger.db';

try {
  const { tickers: analyses } = await runStockAnalysis({
    tickers,
    db,
    overloaded,
    latencyScale,
    spacingMs: spacingMinutes * 60_000,
    log: (line) => console.log(line),
  });
  for (const analysis of analyses) console.log(`\n${analysis.reportText}`);
  console.log(`\nRecorded in ${db}; \`tokenledger serve --db ${db}\` shows it in the dashboard.`);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
