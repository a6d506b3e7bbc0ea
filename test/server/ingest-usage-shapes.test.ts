/**
 * POST /v1/usage and `tokenledger import` take usage in our convention or in a provider's own
 * shape, read by the same readers as responses: every recorded response of the corpus, its usage
 * object alone, ingested as `usage`, gives the corpus's expected counts. A usage that cannot be
 * read is a 400 naming the field, never an event without usage; `response` may be a raw stream.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '#src/store/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { corpusStreamToText, loadCorpus, type CorpusFixture } from '../helpers/sse.js';
import { jsonPost, makeApp } from './helpers.js';

const corpus = loadCorpus();
const responses = corpus.filter((fixture) => fixture.kind === 'response');

/** The usage object an app holds after the call: the response's usage, usageMetadata or meta (Ollama: its counters). */
function usageObjectOf(body: Record<string, unknown>): unknown {
  const nested = (body['response'] as Record<string, unknown> | undefined)?.['usage'];
  return body['usage'] ?? body['usageMetadata'] ?? body['usage_metadata'] ?? body['meta'] ?? nested ?? body;
}

function counts(event: UsageEvent) {
  const { inputTokens, outputTokens, totalTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens } = event.usage;
  return { inputTokens, outputTokens, totalTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens };
}

async function ingestOne(event: Record<string, unknown>) {
  const server = await makeApp();
  const response = await server.request('/v1/usage', jsonPost(event));
  const body = (await response.json()) as Record<string, unknown>;
  const stored = (await server.store.events({ filter: {}, limit: 10 })).events;
  return { status: response.status, body, stored };
}

describe.each(responses.map((fixture) => [fixture.name, fixture] as const))(
  'a native usage object (%s) ingested as `usage`',
  (_name, fixture: CorpusFixture) => {
    it('is read by its provider reader: the exact expected counts', async () => {
      const usage = usageObjectOf(fixture.body as Record<string, unknown>);
      const { status, stored } = await ingestOne({ provider: fixture.provider, model: 'some-model', usage });
      expect(status).toBe(200);
      expect(counts(stored[0]!)).toEqual(fixture.expected);
      expect(stored[0]!.usageUnavailableReason).toBeUndefined();
    });
  },
);

describe('usage shapes named in the issue', () => {
  it('OpenAI prompt_tokens/completion_tokens (the issue example) is usage, not an event without it', async () => {
    const { status, stored } = await ingestOne({
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { prompt_tokens: 5, completion_tokens: 3 },
    });
    expect(status).toBe(200);
    expect(stored[0]!.usage).toMatchObject({ inputTokens: 5, outputTokens: 3, totalTokens: 8 });
    expect(stored[0]!.rawUsage).toEqual({ prompt_tokens: 5, completion_tokens: 3 });
    // gpt-4o-mini at $0.15 / $0.60 per 1M.
    expect(stored[0]!.cost?.totalNanos).toBe(2550);
  });

  it('Anthropic input_tokens with cache counters: input = uncached + writes + reads', async () => {
    const usage = {
      input_tokens: 10,
      cache_creation_input_tokens: 200,
      cache_read_input_tokens: 3000,
      output_tokens: 50,
    };
    const { stored } = await ingestOne({ provider: 'anthropic', model: 'claude-sonnet-4-5', usage });
    expect(stored[0]!.usage).toMatchObject({
      inputTokens: 3210,
      outputTokens: 50,
      cacheReadTokens: 3000,
      cacheWriteTokens: 200,
    });
  });

  it('Gemini usageMetadata, bare or wrapped: output = candidates + thoughts', async () => {
    const metadata = { promptTokenCount: 8, candidatesTokenCount: 4, thoughtsTokenCount: 6, totalTokenCount: 18 };
    for (const usage of [metadata, { usageMetadata: metadata }]) {
      const { stored } = await ingestOne({ provider: 'google', model: 'gemini-2.5-flash', usage });
      expect(stored[0]!.usage).toMatchObject({ inputTokens: 8, outputTokens: 10, reasoningTokens: 6 });
    }
  });

  it('Bedrock inputTokens + cacheReadInputTokens: input excludes the cache there, includes it here', async () => {
    const usage = { inputTokens: 12, outputTokens: 7, totalTokens: 519, cacheReadInputTokens: 500 };
    const { stored } = await ingestOne({ provider: 'bedrock', model: 'amazon.nova-lite-v1:0', usage });
    expect(stored[0]!.usage).toMatchObject({ inputTokens: 512, outputTokens: 7, cacheReadTokens: 500 });
  });

  it('Cohere billed_units only: read, with the warning that it may undercount', async () => {
    const { stored } = await ingestOne({
      provider: 'cohere',
      model: 'command-r',
      usage: { billed_units: { input_tokens: 9, output_tokens: 4 } },
    });
    expect(stored[0]!.usage).toMatchObject({ inputTokens: 9, outputTokens: 4 });
    expect(stored[0]!.warnings).toContain('usage.tokens missing; billed_units used (may undercount processed tokens)');
  });

  it('the AI SDK usage (ai@6 inputTokenDetails) is read as the SDK reports it', async () => {
    const usage = {
      inputTokens: 100,
      outputTokens: 20,
      totalTokens: 120,
      inputTokenDetails: { noCacheTokens: 40, cacheReadTokens: 60, cacheWriteTokens: 0 },
      outputTokenDetails: { textTokens: 15, reasoningTokens: 5 },
    };
    const { stored } = await ingestOne({ provider: 'openai', model: 'gpt-4o', usage });
    expect(stored[0]!.usage).toMatchObject({
      inputTokens: 100,
      outputTokens: 20,
      cacheReadTokens: 60,
      reasoningTokens: 5,
    });
  });

  it('our convention with a stray field is kept, the field named in a warning', async () => {
    const { status, stored } = await ingestOne({
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { inputTokens: 5, outputTokens: 3, costUsd: 0.1 },
    });
    expect(status).toBe(200);
    expect(stored[0]!.usage).toMatchObject({ inputTokens: 5, outputTokens: 3 });
    expect(stored[0]!.warnings).toEqual([
      'usage.costUsd is not a usage field of ours nor of a known provider; ignored',
    ]);
  });
});

describe('a usage that cannot be read is a 400 naming the field, and nothing is stored', () => {
  it.each([
    [{ prompt_tokens: 'five', completion_tokens: null }, 'usage.prompt_tokens'],
    [{ promptTokenCount: -3 }, 'usage.promptTokenCount'],
    [{ input_tokens: 1.5, output_tokens: 'x' }, 'usage.input_tokens'],
    [{}, 'usage'],
    [{ tokens_in: 5, tokens_out: 3 }, 'usage'],
    [{ inputTokens: null, outputTokens: null }, 'usage'],
  ])('%j -> 400 on %s', async (usage, field) => {
    const { status, body, stored } = await ingestOne({ provider: 'openai', model: 'gpt-4o-mini', usage });
    expect(status).toBe(400);
    expect((body as { error: { field: string } }).error.field).toBe(field);
    expect(stored).toHaveLength(0);
  });

  it('the message says which fields were not understood', async () => {
    const { body } = await ingestOne({ provider: 'p', model: 'm', usage: { tokens_in: 5, tokens_out: 3 } });
    expect((body as { error: { message: string } }).error.message).toContain('unknown fields: tokens_in, tokens_out');
  });
});

describe('`response` may be a raw stream', () => {
  it.each(corpus.filter((fixture) => fixture.kind === 'stream').map((fixture) => [fixture.name, fixture] as const))(
    '%s as an SSE/NDJSON string: the exact expected counts',
    async (_name, fixture) => {
      // Bedrock and Cohere streams do not name their model; the caller does.
      const { status, body, stored } = await ingestOne({
        provider: fixture.provider,
        model: 'as-requested',
        response: corpusStreamToText(fixture),
      });
      expect(body).toMatchObject({ recorded: 1 });
      expect(status).toBe(200);
      expect(counts(stored[0]!)).toEqual(fixture.expected);
    },
  );
});

describe('tokenledger import takes the same shapes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokenledger-import-shapes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('records native usage objects and a raw stream; an unreadable usage is a rejected line naming the field', async () => {
    const openaiStream = corpus.find((fixture) => fixture.name === 'openai-05-chat-stream-include-usage.json')!;
    const lines = [
      { provider: 'openai', model: 'gpt-4o-mini', usage: { prompt_tokens: 5, completion_tokens: 3 } },
      { provider: 'google', model: 'gemini-2.5-flash', usage: { promptTokenCount: 8, candidatesTokenCount: 4 } },
      { provider: 'openai', response: corpusStreamToText(openaiStream) },
      { provider: 'openai', model: 'gpt-4o-mini', usage: { prompt_tokens: 'five' } },
    ];
    const file = join(dir, 'events.ndjson');
    writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const db = `sqlite:${join(dir, 'ledger.db')}`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'import', file, '--db', db], {
      encoding: 'utf8',
    });
    expect(run.stdout).toBe(
      'recorded 3, duplicates 0, rejected 1\nline 4: usage.prompt_tokens: is not a number (string "five") (read as openai-chat usage)\n',
    );
    expect(run.status).toBe(2);
    const store = await openStore(db);
    try {
      const events = (await store.events({ filter: {}, limit: 10 })).events;
      expect(events.map((event) => [event.usage.inputTokens, event.usage.outputTokens]).sort()).toEqual(
        [
          [5, 3],
          [8, 4],
          [openaiStream.expected.inputTokens, openaiStream.expected.outputTokens],
        ].sort(),
      );
    } finally {
      await store.close();
    }
  });
});
