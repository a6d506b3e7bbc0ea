import { describe, expect, it } from 'vitest';
import { aiSdkModelIdentity, aiSdkProviderId, normalizeAiSdkUsage } from '#src/usage/index.js';

describe('normalizeAiSdkUsage: LanguageModelV3 (ai@6)', () => {
  it('maps the inclusive totals and their parts one to one, and keeps raw', () => {
    // What @ai-sdk/openai 3.x makes of prompt_tokens 2006 (1920 cached), completion_tokens 300 (64 reasoning).
    const raw = {
      prompt_tokens: 2006,
      completion_tokens: 300,
      prompt_tokens_details: { cached_tokens: 1920 },
      completion_tokens_details: { reasoning_tokens: 64 },
    };
    const read = normalizeAiSdkUsage({
      inputTokens: { total: 2006, noCache: 86, cacheRead: 1920, cacheWrite: undefined },
      outputTokens: { total: 300, text: 236, reasoning: 64 },
      raw,
    });
    expect(read.usage).toEqual({
      inputTokens: 2006,
      outputTokens: 300,
      totalTokens: 2306,
      cacheReadTokens: 1920,
      cacheWriteTokens: undefined,
      reasoningTokens: 64,
    });
    expect(read.rawUsage).toBe(raw);
    expect(read.reason).toBeUndefined();
  });

  it('Anthropic through V3: input total already holds cache reads and writes', () => {
    // @ai-sdk/anthropic 3.x: total = input_tokens 12 + cache_creation 500 + cache_read 1000.
    const read = normalizeAiSdkUsage(
      {
        inputTokens: { total: 1512, noCache: 12, cacheRead: 1000, cacheWrite: 500 },
        outputTokens: { total: 40, text: 40, reasoning: undefined },
      },
      { provider: 'anthropic' },
    );
    expect(read.usage).toEqual({
      inputTokens: 1512,
      outputTokens: 40,
      totalTokens: 1552,
      cacheReadTokens: 1000,
      cacheWriteTokens: 500,
      reasoningTokens: undefined,
    });
  });

  it('a missing total is the sum of its parts when all are known, else unknown', () => {
    const summed = normalizeAiSdkUsage({
      inputTokens: { total: undefined, noCache: 10, cacheRead: 5, cacheWrite: 0 },
      outputTokens: { total: undefined, text: 7, reasoning: 3 },
    });
    expect(summed.usage).toMatchObject({ inputTokens: 15, outputTokens: 10, totalTokens: 25 });
    const partial = normalizeAiSdkUsage({
      inputTokens: { total: undefined, noCache: 10, cacheRead: undefined },
      outputTokens: { total: 9 },
    });
    expect(partial.usage).toMatchObject({ inputTokens: undefined, outputTokens: 9, totalTokens: undefined });
  });

  it('all counts unknown is usage unavailable, never zeros', () => {
    const read = normalizeAiSdkUsage({ inputTokens: { total: undefined }, outputTokens: { total: undefined } });
    expect(read.usage).toBeUndefined();
    expect(read.reason).toMatch(/no token counts/);
  });

  it('distrusts a part larger than its total', () => {
    const read = normalizeAiSdkUsage({
      inputTokens: { total: 10, cacheRead: 50 },
      outputTokens: { total: 5, reasoning: 2 },
    });
    expect(read.usage).toMatchObject({ inputTokens: 10, cacheReadTokens: undefined, reasoningTokens: 2 });
    expect(read.reason).toMatch(/cacheReadTokens/);
  });
});

describe('normalizeAiSdkUsage: ai@6 LanguageModelUsage (what generateText returns)', () => {
  it('reads the flat totals and their details', () => {
    const read = normalizeAiSdkUsage({
      inputTokens: 1512,
      inputTokenDetails: { noCacheTokens: 12, cacheReadTokens: 1000, cacheWriteTokens: 500 },
      outputTokens: 300,
      outputTokenDetails: { textTokens: 236, reasoningTokens: 64 },
      totalTokens: 1812,
    });
    expect(read.usage).toEqual({
      inputTokens: 1512,
      outputTokens: 300,
      totalTokens: 1812,
      cacheReadTokens: 1000,
      cacheWriteTokens: 500,
      reasoningTokens: 64,
    });
    expect(read.warnings).toEqual([]);
  });
});

describe('normalizeAiSdkUsage: LanguageModelV2 (ai@5)', () => {
  it('OpenAI: flat counts are already inclusive', () => {
    const read = normalizeAiSdkUsage(
      { inputTokens: 2006, outputTokens: 300, totalTokens: 2306, reasoningTokens: 64, cachedInputTokens: 1920 },
      { provider: 'openai' },
    );
    expect(read.usage).toEqual({
      inputTokens: 2006,
      outputTokens: 300,
      totalTokens: 2306,
      cacheReadTokens: 1920,
      cacheWriteTokens: 0,
      reasoningTokens: 64,
    });
    expect(read.rawUsage).toEqual({
      inputTokens: 2006,
      outputTokens: 300,
      totalTokens: 2306,
      reasoningTokens: 64,
      cachedInputTokens: 1920,
    });
  });

  it('absent sub-counters of a present usage object read as 0', () => {
    const read = normalizeAiSdkUsage({ inputTokens: 16, outputTokens: 363, totalTokens: 379 });
    expect(read.usage).toEqual({
      inputTokens: 16,
      outputTokens: 363,
      totalTokens: 379,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
  });

  it('Anthropic: input_tokens excludes the cache, so reads and the metadata cache write are added', () => {
    // @ai-sdk/anthropic 2.x: inputTokens = input_tokens, cachedInputTokens = cache_read_input_tokens,
    // totalTokens = input_tokens + output_tokens, cache write in providerMetadata.
    const read = normalizeAiSdkUsage(
      { inputTokens: 12, outputTokens: 40, totalTokens: 52, cachedInputTokens: 1000 },
      { provider: 'anthropic', providerMetadata: { anthropic: { cacheCreationInputTokens: 500 } } },
    );
    expect(read.usage).toEqual({
      inputTokens: 1512,
      outputTokens: 40,
      totalTokens: 1552,
      cacheReadTokens: 1000,
      cacheWriteTokens: 500,
      reasoningTokens: 0,
    });
    // Its totalTokens leaves the cache out by construction: no mismatch warning.
    expect(read.warnings).toEqual([]);
  });

  it('Anthropic without cache metadata: the cache write is 0, not unknown', () => {
    const read = normalizeAiSdkUsage(
      { inputTokens: 12, outputTokens: 40, totalTokens: 52 },
      { provider: 'anthropic', providerMetadata: { anthropic: { cacheCreationInputTokens: null } } },
    );
    expect(read.usage).toMatchObject({ inputTokens: 12, cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  it('Bedrock: cache read and the metadata cache write are added to input', () => {
    const read = normalizeAiSdkUsage(
      { inputTokens: 20, outputTokens: 8, totalTokens: 28, cachedInputTokens: 300 },
      { provider: 'bedrock', providerMetadata: { bedrock: { usage: { cacheWriteInputTokens: 100 } } } },
    );
    expect(read.usage).toMatchObject({
      inputTokens: 420,
      outputTokens: 8,
      totalTokens: 428,
      cacheReadTokens: 300,
      cacheWriteTokens: 100,
    });
  });

  it('Google: candidates leave thoughts out, so reasoning is added to output', () => {
    // @ai-sdk/google 2.x: outputTokens = candidatesTokenCount, reasoningTokens = thoughtsTokenCount, totalTokens = totalTokenCount.
    const read = normalizeAiSdkUsage(
      { inputTokens: 9, outputTokens: 100, totalTokens: 509, reasoningTokens: 400, cachedInputTokens: undefined },
      { provider: 'google' },
    );
    expect(read.usage).toEqual({
      inputTokens: 9,
      outputTokens: 500,
      totalTokens: 509,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 400,
    });
    expect(read.warnings).toEqual([]);
  });

  it('garbage counts become unknown with a reason, never 0', () => {
    const read = normalizeAiSdkUsage({ inputTokens: -5, outputTokens: Number.NaN, totalTokens: 3 });
    expect(read.usage).toBeUndefined();
    expect(read.reason).toMatch(/no trustworthy token counts \(inputTokens, outputTokens\)/);
  });

  it('no usage object at all is usage unavailable', () => {
    expect(normalizeAiSdkUsage(undefined)).toMatchObject({
      usage: undefined,
      reason: 'the AI SDK reported no usage object',
    });
    expect(normalizeAiSdkUsage(null).usage).toBeUndefined();
  });
});

describe('aiSdkProviderId', () => {
  it.each([
    ['openai.chat', 'openai'],
    ['openai.responses', 'openai'],
    ['anthropic.messages', 'anthropic'],
    ['google.generative-ai', 'google'],
    ['google.vertex.chat', 'google'],
    ['vertex.anthropic.messages', 'anthropic'],
    ['amazon-bedrock', 'bedrock'],
    ['azure-openai.chat', 'azure'],
    ['xai.chat', 'xai'],
    ['mistral.chat', 'mistral'],
    ['mock-provider', 'mock-provider'],
  ])('%s -> %s', (provider, id) => {
    expect(aiSdkProviderId(provider)).toBe(id);
  });

  it('undefined or blank stays undefined', () => {
    expect(aiSdkProviderId(undefined)).toBeUndefined();
    expect(aiSdkProviderId('  ')).toBeUndefined();
  });
});

describe('aiSdkModelIdentity', () => {
  it('splits Vercel AI Gateway ids into the creator (provider) and the model', () => {
    expect(aiSdkModelIdentity('gateway', 'openai/gpt-4.1')).toEqual({ provider: 'openai', model: 'gpt-4.1' });
    expect(aiSdkModelIdentity('gateway', 'google/gemini-2.5-flash')).toEqual({
      provider: 'google',
      model: 'gemini-2.5-flash',
    });
  });

  it('leaves other providers and slash-less gateway ids alone', () => {
    expect(aiSdkModelIdentity('openai.chat', 'gpt-4.1')).toEqual({ provider: 'openai', model: 'gpt-4.1' });
    // OpenRouter model ids carry a slash too, but OpenRouter prices them under its own name.
    expect(aiSdkModelIdentity('openrouter.chat', 'openai/gpt-4.1')).toEqual({
      provider: 'openrouter',
      model: 'openai/gpt-4.1',
    });
    expect(aiSdkModelIdentity('gateway', 'gpt-4.1')).toEqual({ provider: 'gateway', model: 'gpt-4.1' });
    expect(aiSdkModelIdentity('gateway', 'openai/')).toEqual({ provider: 'gateway', model: 'openai/' });
  });
});
