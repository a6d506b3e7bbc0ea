/**
 * Priced at the call's time, and told when the provider's own cost disagrees with ours.
 * - every event is priced at its own `time`; `tokenledger usage` at the body's `created` (`--at` wins);
 * - a recorded OpenRouter response whose `usage.cost` ($0.0133176) is not ours ($0.0033176: the
 *   $0.01 web search fee is not a token price) carries both figures, stored in every store, and the
 *   analytics count the calls that disagree and both sums over them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarizeUsage } from '#src/analytics/index.js';
import { createRecordingLedger } from '#src/ledger/index.js';
import { openStore } from '#src/store/index.js';
import { corpusStreamToText, loadCorpus, type CorpusFixture } from '../helpers/sse.js';
import { dropSchemas, PG_URL, uniqueSchema } from '../store/pg-admin.js';

const corpus = loadCorpus();
const fixture = (name: string): CorpusFixture => corpus.find((f) => f.name === name)!;
const deepseek = fixture('deepseek-01-chat-cache-hit.json').body as Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'tokenledger-call-time-'));
const schemas: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(schemas);
});

function usageCli(body: unknown, args: string[] = []): Record<string, unknown> {
  const file = join(dir, `body-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(body));
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'usage', file, ...args], {
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

// deepseek-reasoner, 19 uncached + 320 cached input, 92 output. DeepSeek's list prices per 1M
// (src/pricing/deepseek.ts): V3.1 from 2025-09-05 16:00 UTC $0.56 / $0.07 / $1.68, V3.2 from
// 2025-09-29 $0.28 / $0.028 / $0.42.
const V3_2_COST = 0.00005292; // 19 x 0.28 + 320 x 0.028 + 92 x 0.42
const V3_1_COST = 0.0001876; // 19 x 0.56 + 320 x 0.07 + 92 x 1.68

describe('tokenledger usage prices a saved response at its own time', () => {
  it("uses the body's created (2025-12-02, V3.2 prices) and says so", () => {
    const printed = usageCli(deepseek);
    expect(printed['pricedAt']).toBe('2025-12-02T08:57:25.000Z');
    expect(printed['createdAt']).toBe('2025-12-02T08:57:25.000Z');
    expect((printed['cost'] as { total: number }).total).toBe(V3_2_COST);
  });

  it('the same answer made on 2025-09-10 is priced at the V3.1 prices of that day', () => {
    const printed = usageCli({ ...deepseek, created: 1757500000 });
    expect(printed['pricedAt']).toBe('2025-09-10T10:26:40.000Z');
    expect((printed['cost'] as { total: number }).total).toBe(V3_1_COST);
  });

  it('--at overrides the body', () => {
    const printed = usageCli(deepseek, ['--at', '2025-09-10T12:00:00Z']);
    expect(printed['pricedAt']).toBe('2025-09-10T12:00:00.000Z');
    expect((printed['cost'] as { total: number }).total).toBe(V3_1_COST);
  });

  it('a stream names its time in its first chunk', () => {
    const stream = fixture('openai-05-chat-stream-include-usage.json');
    const file = join(dir, 'stream.txt');
    writeFileSync(file, corpusStreamToText(stream));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'usage', file], {
      encoding: 'utf8',
    });
    const printed = JSON.parse(run.stdout) as { pricedAt: string; createdAt: string };
    const first = (stream.body as Array<{ data: { created: number } }>)[0]!.data.created;
    expect(printed.createdAt).toBe(new Date(first * 1000).toISOString());
    expect(printed.pricedAt).toBe(printed.createdAt);
  });
});

describe('every event is priced at its own time', () => {
  it('the same deepseek-reasoner call recorded at two times has the two prices', async () => {
    const store = await openStore('memory:');
    const ledger = createRecordingLedger({ store, autoRetry: false });
    try {
      const late = await ledger.record({ provider: 'deepseek', response: deepseek, time: '2025-12-02T08:57:25Z' });
      const early = await ledger.record({ provider: 'deepseek', response: deepseek, time: '2025-09-10T12:00:00Z' });
      expect(late.cost?.total).toBe(V3_2_COST);
      expect(early.cost?.total).toBe(V3_1_COST);
    } finally {
      await ledger.close();
      await store.close();
    }
  });
});

describe("the provider's own cost, where it disagrees with ours", () => {
  it.each([
    ['memory', () => 'memory:'],
    ['sqlite', () => `sqlite:${join(dir, 'mismatch.db')}`],
    [
      'postgres',
      () => {
        const schema = uniqueSchema('mismatch');
        schemas.push(schema);
        return `${PG_URL}?schema=${schema}`;
      },
    ],
  ])('%s: flagged with both figures, read back, and counted in the summary', async (_kind, url) => {
    const store = await openStore(url());
    const ledger = createRecordingLedger({ store, autoRetry: false });
    try {
      const time = '2026-08-11T16:17:04Z';
      // openai/gpt-4.1-mini via OpenRouter with its web search tool: 8,174 in x $0.40 + 30 out x $1.60.
      const differs = await ledger.record({
        provider: 'openrouter',
        response: fixture('openrouter-01-chat-cost.json').body,
        time,
        tags: { route: 'web' },
      });
      expect(differs.providerCostMismatch).toEqual({ ours: 0.0033176, provider: 0.0133176 });
      // The same route where OpenRouter's figure is ours (Claude Sonnet 4.6 with cache): no flag.
      const agrees = await ledger.record({
        provider: 'openrouter',
        response: fixture('openrouter-02-chat-cache-read-write.json').body,
        time,
        tags: { route: 'web' },
      });
      expect(agrees.providerCost).toBe(0.00219855);
      expect(agrees.cost?.total).toBe(0.00219855);
      expect(agrees.providerCostMismatch).toBeUndefined();

      const stored = (await store.events({ filter: {}, limit: 10 })).events;
      expect(stored.find((e) => e.id === differs.id)?.providerCostMismatch).toEqual({
        ours: 0.0033176,
        provider: 0.0133176,
      });
      expect(stored.find((e) => e.id === agrees.id)?.providerCostMismatch).toBeUndefined();
      // Rollups (no filter) and raw events (a tag filter reads the events table) agree.
      for (const filter of [{}, { from: new Date('2026-08-11T00:00:00Z') }, { tags: { route: 'web' } }]) {
        const summary = await summarizeUsage(store, filter);
        expect(summary.providerCostMismatch).toEqual({ calls: 1, ours: 0.0033176, provider: 0.0133176 });
      }
    } finally {
      await ledger.close();
      await store.close();
    }
  });

  it('tokenledger usage shows both figures', () => {
    const printed = usageCli(fixture('openrouter-01-chat-cost.json').body);
    expect(printed['providerCost']).toBe(0.0133176);
    expect(printed['providerCostMismatch']).toEqual({ ours: 0.0033176, provider: 0.0133176 });
  });
});
