/**
 * Anthropic calls billed in steps (usage.iterations[]: server-side compaction, the advisor tool):
 * the billed usage is the sum of the steps, each priced at its own model's list price and its own
 * long-context tier, in JSON and in streams; the event keeps the breakdown in every store.
 * Fixtures: recorded vercel/ai responses and streams (test/fixtures/anthropic/SOURCES.md); the
 * expected figures are derived by hand in each fixture's notes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRecordingLedger } from '#src/ledger/index.js';
import { createPricer } from '#src/pricing/index.js';
import { openStore } from '#src/store/index.js';
import type { Usage } from '#src/types/index.js';
import { meterStream, normalizeResponse } from '#src/usage/index.js';
import { corpusStreamToText, loadCorpus, type CorpusFixture } from '../helpers/sse.js';
import { dropSchemas, PG_URL, uniqueSchema } from '../store/pg-admin.js';

const corpus = loadCorpus();
const fixture = (name: string): CorpusFixture => corpus.find((f) => f.name === name)!;
const MESSAGES_URL = 'https://api.anthropic.com/v1/messages';
/** When the fixtures were recorded (2026); the catalog's prices for these models at that time. */
const TIME = new Date('2026-04-20T12:00:00Z');

function read(name: string) {
  const f = fixture(name);
  return f.kind === 'stream'
    ? meterStream(corpusStreamToText(f), { url: MESSAGES_URL })
    : normalizeResponse(f.body, { url: MESSAGES_URL });
}

const step = (inputTokens: number, outputTokens: number): Usage => ({
  inputTokens,
  outputTokens,
  totalTokens: inputTokens + outputTokens,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
});

describe('usage.iterations are read as the billed usage', () => {
  it('compaction (JSON): the compaction step the top-level usage leaves out is counted', () => {
    const result = read('anthropic-08-compaction.json');
    expect(result.usage).toMatchObject({ inputTokens: 61067, outputTokens: 1912, totalTokens: 62979 });
    expect(result.usage?.iterations).toEqual([
      { type: 'compaction', usage: step(60385, 592) },
      { type: 'message', usage: step(682, 1320) },
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('compaction (stream): the final message_delta iterations, not message_start, decide', () => {
    const result = read('anthropic-09-stream-compaction.json');
    expect(result.usage).toMatchObject({ inputTokens: 60997, outputTokens: 3341, totalTokens: 64338 });
    expect(result.usage?.iterations?.map((s) => [s.type, s.usage.inputTokens, s.usage.outputTokens])).toEqual([
      ['compaction', 60385, 522],
      ['message', 612, 2819],
    ]);
  });

  it('advisor (JSON and stream): the advisor step names its own model', () => {
    const json = read('anthropic-10-advisor.json');
    expect(json.usage).toMatchObject({ inputTokens: 5142, outputTokens: 4074 });
    expect(json.usage?.iterations?.map((s) => [s.type, s.model])).toEqual([
      ['message', undefined],
      ['advisor_message', 'claude-opus-4-7'],
      ['message', undefined],
    ]);
    const stream = read('anthropic-11-stream-advisor.json');
    expect(stream.usage).toMatchObject({ inputTokens: 7455, outputTokens: 7271, totalTokens: 14726 });
    expect(stream.usage?.iterations?.[1]).toEqual({
      type: 'advisor_message',
      model: 'claude-opus-4-7',
      usage: step(2728, 3880),
    });
  });

  it('an unreadable step keeps the top-level usage and says what that leaves out', () => {
    const body = structuredClone(fixture('anthropic-08-compaction.json').body) as {
      usage: { iterations: Array<Record<string, unknown>> };
    };
    body.usage.iterations[0]!['input_tokens'] = -5;
    const result = normalizeResponse(body, { url: MESSAGES_URL });
    expect(result.usage).toMatchObject({ inputTokens: 682, outputTokens: 1320 });
    expect(result.usage?.iterations).toBeUndefined();
    expect(result.warnings).toContain(
      'usage.iterations ignored (entry 0 has no trustworthy input and output counts): billed usage is the top-level usage, which leaves out compaction, advisor and fallback steps',
    );
  });
});

describe('each step is priced at its own model and its own tier', () => {
  const pricer = createPricer();
  const cost = (name: string, model: string) => {
    const usage = read(name).usage!;
    return pricer.price({ provider: 'anthropic', model, usage, time: TIME });
  };

  it('compaction JSON: $0.353135 at claude-opus-4-6 ($5/$25 per 1M), not the top level $0.03641', () => {
    const priced = cost('anthropic-08-compaction.json', 'claude-opus-4-6');
    expect(priced.cost).toMatchObject({ input: 0.305335, output: 0.0478, total: 0.353135, totalNanos: 353_135_000 });
  });

  it('compaction stream: $0.38851', () => {
    expect(cost('anthropic-09-stream-compaction.json', 'claude-opus-4-6').cost?.total).toBe(0.38851);
  });

  it('advisor JSON: executor steps at claude-sonnet-4-6, the advisor step at claude-opus-4-7: $0.090732', () => {
    const priced = cost('anthropic-10-advisor.json', 'claude-sonnet-4-6');
    // input: 2414 x $3 + 2728 x $5; output: 3200 x $15 + 874 x $25 (per 1M).
    expect(priced.cost).toMatchObject({ input: 0.020882, output: 0.06985, total: 0.090732 });
    expect(priced.modelId).toBe('claude-sonnet-4-6');
  });

  it('advisor stream: $0.175686', () => {
    expect(cost('anthropic-11-stream-advisor.json', 'claude-sonnet-4-6').cost?.total).toBe(0.175686);
  });

  it('180k + 23k is two calls under the 200k tier, not one 203k call above it (claude-sonnet-4-5)', () => {
    // The compaction docs' example counts (compaction 180,000 in / 3,500 out; message 23,000 / 1,000).
    const usage: Usage = {
      ...step(203_000, 4_500),
      iterations: [
        { type: 'compaction', usage: step(180_000, 3_500) },
        { type: 'message', usage: step(23_000, 1_000) },
      ],
    };
    const priced = pricer.price({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', usage, time: TIME });
    // 203,000 x $3 + 4,500 x $15 = $0.6765; one 203k call would be 203,000 x $6 + 4,500 x $22.5 = $1.31925.
    expect(priced.cost?.total).toBe(0.6765);
    const { iterations: _, ...single } = usage;
    expect(
      pricer.price({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', usage: single, time: TIME }).cost
        ?.total,
    ).toBe(1.31925);
  });

  it('a step on a model without a price makes the cost unknown and names the step', () => {
    const usage: Usage = {
      ...step(2_000, 200),
      iterations: [
        { type: 'message', usage: step(1_000, 100) },
        { type: 'advisor_message', model: 'claude-unknown-advisor', usage: step(1_000, 100) },
      ],
    };
    const priced = pricer.price({ provider: 'anthropic', model: 'claude-sonnet-4-6', usage, time: TIME });
    expect(priced.cost).toBeNull();
    expect(priced.reason).toMatch(
      /^usage\.iterations\[1\] \(advisor_message on claude-unknown-advisor\): no price known/,
    );
  });
});

describe('the event keeps the breakdown in every store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokenledger-iterations-'));
  const schemas: string[] = [];
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropSchemas(schemas);
  });

  it.each([
    ['memory', () => 'memory:'],
    ['sqlite', () => `sqlite:${join(dir, 'ledger.db')}`],
    [
      'postgres',
      () => {
        const schema = uniqueSchema('iterations');
        schemas.push(schema);
        return `${PG_URL}?schema=${schema}`;
      },
    ],
  ])('%s: a recorded advisor response reads back with its steps and its cost', async (_kind, url) => {
    const store = await openStore(url());
    const ledger = createRecordingLedger({ store, autoRetry: false });
    try {
      const recorded = await ledger.record({
        provider: 'anthropic',
        response: fixture('anthropic-10-advisor.json').body,
        time: TIME,
      });
      expect(recorded.cost?.total).toBe(0.090732);
      const [stored] = (await store.events({ filter: {}, limit: 10 })).events;
      expect(stored?.usage).toEqual(recorded.usage);
      expect(stored?.usage.iterations?.map((s) => [s.type, s.model ?? null, s.usage.inputTokens])).toEqual([
        ['message', null, 1051],
        ['advisor_message', 'claude-opus-4-7', 2728],
        ['message', null, 1363],
      ]);
      expect(stored?.cost?.totalNanos).toBe(90_732_000);
    } finally {
      await ledger.close();
      await store.close();
    }
  });

  it('ingested in our convention, steps are priced one by one and the totals derived', async () => {
    const store = await openStore('memory:');
    const ledger = createRecordingLedger({ store, autoRetry: false });
    try {
      const event = await ledger.record({
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        time: TIME,
        usage: {
          iterations: [
            { type: 'message', usage: { inputTokens: 1051, outputTokens: 35 } },
            { type: 'advisor_message', model: 'claude-opus-4-7', usage: { inputTokens: 2728, outputTokens: 874 } },
            { type: 'message', usage: { inputTokens: 1363, outputTokens: 3165 } },
          ],
        } as unknown as Usage,
      });
      expect(event.usage).toMatchObject({ inputTokens: 5142, outputTokens: 4074, totalTokens: 9216 });
      expect(event.cost?.total).toBe(0.090732);
      await expect(
        ledger.record({
          provider: 'anthropic',
          model: 'claude-sonnet-4-6',
          usage: {
            inputTokens: 10,
            iterations: [{ type: 'message', usage: { inputTokens: 11, outputTokens: 1 } }],
          } as unknown as Usage,
        }),
      ).rejects.toMatchObject({ field: 'usage.inputTokens' });
    } finally {
      await ledger.close();
      await store.close();
    }
  });
});
