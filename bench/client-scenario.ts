/**
 * One batch scenario of bench/client.ts, in its own process so its memory is its own:
 *
 *   node --import tsx bench/client-scenario.ts MOCK_URL CALLS CONCURRENCY DB_URL
 *
 * Prints one JSON line: elapsed ms, calls ok/failed, RSS at start, at each quarter and peak.
 * A warm-up batch of 2 x CONCURRENCY calls runs first, untimed.
 */
import { createClient } from '../src/client/index.js';
import { parseConfig } from '../src/config/index.js';
import { createRecordingLedger } from '../src/ledger/index.js';
import { openStore } from '../src/store/index.js';

const [url, callsText, concurrencyText, db] = process.argv.slice(2);
const calls = Number(callsText);
const concurrency = Number(concurrencyText);
const store = await openStore(db!);
const ledger = createRecordingLedger({ store });
const config = parseConfig({ providers: { openai: { baseURL: `${url}/v1`, apiKey: 'env:KEY' } } }, 'bench', {
  KEY: 'sk-bench-000000000000',
});
const client = createClient({ ledger, config });

function* items() {
  for (let index = 0; index < calls; index++)
    yield { model: 'openai/gpt-4.1-nano', prompt: `item ${index}`, run: 'bench' };
}

// Warm-up, untimed: opens the keep-alive connections and lets the JIT settle, as a long-lived
// service would be. The ledger records these too (run 'bench-warmup').
await client.batch(
  Array.from({ length: concurrency * 2 }, (_, index) => ({
    model: 'openai/gpt-4.1-nano',
    prompt: `warm ${index}`,
    run: 'bench-warmup',
  })),
  { concurrency, collect: false },
);

const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
const startRss = process.memoryUsage().rss;
let peak = startRss;
const quarters: number[] = [];
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const started = performance.now();
const { summary } = await client.batch(items(), {
  concurrency,
  collect: false,
  onProgress: (progress) => {
    if (progress.done % Math.floor(calls / 4) === 0) quarters.push(mb(process.memoryUsage().rss));
  },
});
const elapsedMs = performance.now() - started;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
await client.close();
await ledger.close();
await store.close();
process.stdout.write(
  `${JSON.stringify({ elapsedMs: Math.round(elapsedMs), ok: summary.successful, failed: summary.failed, startRssMB: mb(startRss), quartersRssMB: quarters, peakRssMB: mb(peak) })}\n`,
);
