/**
 * AI SDK middleware bench: the time `ledger.aiSdkMiddleware()` adds to a `generateText` call
 * and to a fully consumed `streamText` call (STREAM_PARTS text deltas), over the ai@7 mock
 * model so only the AI SDK and the middleware are measured. Calls alternate plain / wrapped so
 * drift hits both; the recorder is a real ledger over an in-memory store (usage conversion,
 * pricing and recording included).
 */
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV4, convertArrayToReadableStream } from 'ai/test';
import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { createAiSdkMiddleware } from '../src/http/index.js';
import { createRecordingLedger } from '../src/ledger/index.js';
import { openStore } from '../src/store/index.js';

const CALLS = Number(process.env['AI_SDK_BENCH_CALLS'] ?? 1000);
const STREAM_PARTS = 200;
const WARMUP = 100;

const usage = {
  inputTokens: { total: 2006, noCache: 86, cacheRead: 1920, cacheWrite: undefined },
  outputTokens: { total: 300, text: 236, reasoning: 64 },
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function streamParts(): LanguageModelV4StreamPart[] {
  const parts: LanguageModelV4StreamPart[] = [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 't' },
  ];
  for (let i = 0; i < STREAM_PARTS; i++) parts.push({ type: 'text-delta', id: 't', delta: 'word ' });
  parts.push({ type: 'text-end', id: 't' }, { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage });
  return parts;
}

export async function run(): Promise<string> {
  const store = await openStore('memory:');
  const ledger = createRecordingLedger({ store });
  const middleware = createAiSdkMiddleware({ recorder: ledger, attribution: { agent: 'bench' } });
  const model = new MockLanguageModelV4({
    provider: 'openai.chat',
    modelId: 'gpt-4.1-nano',
    doGenerate: async () => ({
      content: [{ type: 'text', text: 'ok' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage,
      warnings: [],
    }),
    doStream: async () => ({ stream: convertArrayToReadableStream(streamParts()) }),
  });
  const wrapped = wrapLanguageModel({ model, middleware });
  const rows: string[] = [];
  try {
    for (const mode of ['generateText', `streamText (${STREAM_PARTS} deltas)`] as const) {
      const times: Record<'plain' | 'wrapped', number[]> = { plain: [], wrapped: [] };
      for (let i = 0; i < (CALLS + WARMUP) * 2; i++) {
        const which = i % 2 === 0 ? 'plain' : 'wrapped';
        const target = which === 'plain' ? model : wrapped;
        const started = performance.now();
        if (mode === 'generateText') await generateText({ model: target, prompt: 'hi' });
        else await streamText({ model: target, prompt: 'hi' }).consumeStream();
        if (i >= WARMUP * 2) times[which].push(performance.now() - started);
      }
      await middleware.flush();
      const plainSorted = times.plain.sort((a, b) => a - b);
      const wrappedSorted = times.wrapped.sort((a, b) => a - b);
      const cells = [50, 99].map(
        (p) =>
          `${percentile(plainSorted, p).toFixed(3)} / ${percentile(wrappedSorted, p).toFixed(3)} / **${(percentile(wrappedSorted, p) - percentile(plainSorted, p)).toFixed(3)}**`,
      );
      rows.push(`| ${mode} | ${CALLS} | ${cells.join(' | ')} |`);
    }
    await ledger.flush();
    const { recorded, recordFailures } = middleware.stats;
    return [
      '## AI SDK middleware',
      '',
      `ai@7 \`MockLanguageModelV4\`, plain vs \`wrapLanguageModel({ model, middleware: ledger.aiSdkMiddleware() })\`, alternating; ms per call: plain / wrapped / **added**. ${recorded} events recorded into a memory-store ledger (${recordFailures} failures).`,
      '',
      '| call | calls each | p50 plain / wrapped / added | p99 plain / wrapped / added |',
      '| --- | ---: | ---: | ---: |',
      ...rows,
    ].join('\n');
  } finally {
    await ledger.close();
    await store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run());
}
