/**
 * Tracking fetch bench: the latency it adds per call over a plain fetch, against the mock
 * provider on loopback (recorded real responses), JSON and streaming. Calls alternate plain /
 * tracked so drift hits both; the recorder is a real ledger over an in-memory store, so
 * metering, pricing and recording are all included.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTrackingFetch } from '../src/http/index.js';
import { createRecordingLedger } from '../src/ledger/index.js';
import { openStore } from '../src/store/index.js';
import { startMockProvider } from '../test/helpers/mock-provider.js';

const CALLS = Number(process.env['HTTP_BENCH_CALLS'] ?? 2000);
const WARMUP = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function run(): Promise<string> {
  const mock = await startMockProvider({ maxLoggedRequests: 10 });
  const store = await openStore('memory:');
  const ledger = createRecordingLedger({ store });
  const tracking = createTrackingFetch({ recorder: ledger, attribution: { agent: 'bench' } });
  const plain = globalThis.fetch;
  const rows: string[] = [];
  try {
    for (const mode of ['JSON', 'stream'] as const) {
      const body = JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        ...(mode === 'stream' ? { stream: true, stream_options: { include_usage: true } } : {}),
      });
      const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
      const url = `${mock.url}/v1/chat/completions`;
      const times: Record<'plain' | 'tracked', number[]> = { plain: [], tracked: [] };
      for (let i = 0; i < (CALLS + WARMUP) * 2; i++) {
        const which = i % 2 === 0 ? 'plain' : 'tracked';
        const started = performance.now();
        const response = await (which === 'plain' ? plain : tracking)(url, init);
        await response.arrayBuffer();
        if (i >= WARMUP * 2) times[which].push(performance.now() - started);
      }
      await tracking.flush();
      const plainSorted = times.plain.sort((a, b) => a - b);
      const trackedSorted = times.tracked.sort((a, b) => a - b);
      const cells = [50, 99].map(
        (p) =>
          `${percentile(plainSorted, p).toFixed(3)} / ${percentile(trackedSorted, p).toFixed(3)} / **${(percentile(trackedSorted, p) - percentile(plainSorted, p)).toFixed(3)}**`,
      );
      rows.push(`| ${mode} | ${CALLS} | ${cells.join(' | ')} |`);
    }
    const recorded = (await store.events({ filter: {}, limit: 1 })).events.length > 0;
    return [
      '## Tracking fetch',
      '',
      `Added latency of \`createTrackingFetch\` (default meter, recorder = a ledger over the memory store) over Node's plain \`fetch\`, against the mock provider on 127.0.0.1 replaying recorded OpenAI responses (openai-01 JSON, openai-05 stream). Calls alternate plain/tracked; ${WARMUP} warm-up calls each are dropped. ms.`,
      '',
      '| body | calls each | p50 plain / tracked / added | p99 plain / tracked / added |',
      '|---|---:|---|---|',
      ...rows,
      '',
      `Events recorded: ${tracking.stats.recorded}${recorded ? '' : ' (none stored: check the ledger)'}; recording failures: ${tracking.stats.recordFailures}.`,
    ].join('\n');
  } finally {
    await mock.close();
    await ledger.close();
    await store.close();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  console.log(await run());
}
