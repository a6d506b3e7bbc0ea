/**
 * Per-provider arithmetic, pinned with numbers chosen so that any wrong formula gives a
 * different answer (every counter distinct, none summing to another by accident).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  normalizeAnthropicUsage,
  normalizeBedrockUsage,
  normalizeCohereUsage,
  normalizeGeminiUsage,
  normalizeOllamaUsage,
  normalizeOpenAIChatUsage,
  normalizeOpenAIResponsesUsage,
  normalizeResponse,
  normalizeXaiChatUsage,
} from '#src/usage/index.js';
import { FIXTURES_DIR } from '../helpers/sse.js';

describe('Anthropic', () => {
  it('inputTokens = input_tokens + cache_creation_input_tokens + cache_read_input_tokens; output as reported', () => {
    const { usage } = normalizeAnthropicUsage({
      input_tokens: 3,
      cache_creation_input_tokens: 400,
      cache_read_input_tokens: 5000,
      output_tokens: 70,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 300 },
      output_tokens_details: { thinking_tokens: 20 },
    });
    expect(usage).toEqual({
      inputTokens: 5403,
      outputTokens: 70,
      totalTokens: 5473,
      cacheReadTokens: 5000,
      cacheWriteTokens: 400,
      cacheWrite5mTokens: 100,
      cacheWrite1hTokens: 300,
      reasoningTokens: 20,
    });
  });

  it('drops a 5m/1h split that does not add up to the cache write', () => {
    const read = normalizeAnthropicUsage({
      input_tokens: 1,
      cache_creation_input_tokens: 400,
      output_tokens: 2,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 100 },
    });
    expect(read.usage?.cacheWriteTokens).toBe(400);
    expect(read.usage?.cacheWrite5mTokens).toBeUndefined();
    expect(read.warnings.join()).toMatch(/split/);
  });

  it('an invalid input_tokens makes the inclusive input unknown, not the cache sum alone', () => {
    const read = normalizeAnthropicUsage({ input_tokens: -1, cache_read_input_tokens: 50, output_tokens: 9 });
    expect(read.usage?.inputTokens).toBeUndefined();
    expect(read.usage?.outputTokens).toBe(9);
    expect(read.reason).toMatch(/input_tokens/);
  });
});

describe('Gemini', () => {
  it('output = candidates + thoughts; input = prompt + toolUsePrompt; cached is part of prompt', () => {
    const { usage } = normalizeGeminiUsage({
      promptTokenCount: 1000,
      toolUsePromptTokenCount: 30,
      candidatesTokenCount: 200,
      thoughtsTokenCount: 7,
      cachedContentTokenCount: 600,
      totalTokenCount: 1237,
    });
    expect(usage).toMatchObject({
      inputTokens: 1030,
      outputTokens: 207,
      totalTokens: 1237,
      cacheReadTokens: 600,
      reasoningTokens: 7,
      cacheWriteTokens: 0,
    });
  });

  it('reads the snake_case shape with explicit nulls as zeros', () => {
    const { usage } = normalizeGeminiUsage({
      prompt_token_count: 10,
      candidates_token_count: 16,
      thoughts_token_count: null,
      cached_content_token_count: null,
    });
    expect(usage).toMatchObject({
      inputTokens: 10,
      outputTokens: 16,
      totalTokens: 26,
      cacheReadTokens: 0,
      reasoningTokens: 0,
    });
  });

  it('reads bare top-level fields as a whole body', () => {
    expect(normalizeResponse({ promptTokenCount: 4, candidatesTokenCount: 5 }).usage).toMatchObject({
      inputTokens: 4,
      outputTokens: 5,
      totalTokens: 9,
    });
  });

  it('counts AUDIO modality details as audio parts', () => {
    const { usage } = normalizeGeminiUsage({
      promptTokenCount: 100,
      candidatesTokenCount: 40,
      promptTokensDetails: [
        { modality: 'TEXT', tokenCount: 20 },
        { modality: 'AUDIO', tokenCount: 80 },
      ],
      candidatesTokensDetails: [{ modality: 'AUDIO', tokenCount: 40 }],
    });
    expect(usage).toMatchObject({ inputAudioTokens: 80, outputAudioTokens: 40 });
  });

  it('a usageMetadata with no counter at all is unavailable, never zeros', () => {
    const result = normalizeResponse({ candidates: [], usageMetadata: { trafficType: 'ON_DEMAND' } });
    expect(result.usage).toBeUndefined();
    expect(result.usageUnavailableReason).toMatch(/no token counts/);
  });
});

describe('xAI chat', () => {
  it('adds reasoning to completion_tokens (reasoning is reported outside it)', () => {
    const { usage } = normalizeXaiChatUsage({
      prompt_tokens: 12,
      completion_tokens: 1,
      total_tokens: 241,
      completion_tokens_details: { reasoning_tokens: 228 },
    });
    expect(usage).toMatchObject({ inputTokens: 12, outputTokens: 229, totalTokens: 241, reasoningTokens: 228 });
  });

  it('lets the provider total decide when reasoning is already inside completion_tokens', () => {
    const { usage } = normalizeXaiChatUsage({
      prompt_tokens: 12,
      completion_tokens: 229,
      total_tokens: 241,
      completion_tokens_details: { reasoning_tokens: 228 },
    });
    expect(usage).toMatchObject({ outputTokens: 229, totalTokens: 241 });
  });

  it('applies only to xAI chat: a grok model via OpenRouter keeps OpenAI semantics', () => {
    const body = {
      model: 'x-ai/grok-4',
      choices: [],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 50,
        total_tokens: 60,
        completion_tokens_details: { reasoning_tokens: 30 },
      },
    };
    expect(normalizeResponse(body).usage?.outputTokens).toBe(50);
    expect(normalizeResponse({ ...body, model: 'grok-4' }).usage?.outputTokens).toBe(50); // total decides
    const noTotal = {
      ...body,
      model: 'grok-4',
      usage: { prompt_tokens: 10, completion_tokens: 20, completion_tokens_details: { reasoning_tokens: 30 } },
    };
    expect(normalizeResponse(noTotal).usage?.outputTokens).toBe(50);
    expect(normalizeResponse(noTotal, { provider: 'openai' }).usage).toBeDefined();
    expect(normalizeResponse(noTotal, { provider: 'openai' }).usage?.reasoningTokens).toBeUndefined(); // 30 > 20: distrusted
  });

  it('reports cost_in_usd_ticks as the provider cost in USD', () => {
    expect(
      normalizeXaiChatUsage({ prompt_tokens: 1, completion_tokens: 1, cost_in_usd_ticks: 1176500 }).providerCost,
    ).toBeCloseTo(0.00011765, 12);
  });
});

describe('Bedrock Converse', () => {
  it('inputTokens = inputTokens + cacheRead + cacheWrite; legacy *Count twins are not added again', () => {
    const { usage } = normalizeBedrockUsage({
      inputTokens: 458,
      outputTokens: 4,
      cacheReadInputTokens: 2098,
      cacheReadInputTokenCount: 2098,
      cacheWriteInputTokens: 13,
      cacheWriteInputTokenCount: 13,
      totalTokens: 2573,
    });
    expect(usage).toMatchObject({
      inputTokens: 2569,
      outputTokens: 4,
      totalTokens: 2573,
      cacheReadTokens: 2098,
      cacheWriteTokens: 13,
    });
  });
});

describe('OpenAI-compatible', () => {
  it('Chat Completions: totals as reported, cached / cache write / reasoning / audio as parts', () => {
    const { usage } = normalizeOpenAIChatUsage({
      prompt_tokens: 900,
      completion_tokens: 300,
      total_tokens: 1200,
      prompt_tokens_details: { cached_tokens: 500, cache_write_tokens: 100, audio_tokens: 40 },
      completion_tokens_details: { reasoning_tokens: 200, audio_tokens: 10 },
    });
    expect(usage).toEqual({
      inputTokens: 900,
      outputTokens: 300,
      totalTokens: 1200,
      cacheReadTokens: 500,
      cacheWriteTokens: 100,
      reasoningTokens: 200,
      inputAudioTokens: 40,
      outputAudioTokens: 10,
    });
  });

  it('embeddings (no completion_tokens): output is total - prompt = 0, not unknown', () => {
    const fixture = JSON.parse(readFileSync(join(FIXTURES_DIR, 'openai', 'openai-docs-embeddings.json'), 'utf8')) as {
      body: unknown;
      expected: Record<string, number>;
    };
    const { usage } = normalizeResponse(fixture.body, { url: 'https://api.openai.com/v1/embeddings' });
    expect(usage).toMatchObject(fixture.expected);
    expect(normalizeOpenAIChatUsage({ prompt_tokens: 8 }).usage?.outputTokens).toBeUndefined();
  });

  it('DeepSeek prompt_cache_hit_tokens is the cache read when no details are sent', () => {
    expect(
      normalizeOpenAIChatUsage({
        prompt_tokens: 339,
        completion_tokens: 1,
        prompt_cache_hit_tokens: 320,
        prompt_cache_miss_tokens: 19,
      }).usage?.cacheReadTokens,
    ).toBe(320);
  });

  it('OpenRouter usage.cost becomes providerCost', () => {
    expect(normalizeOpenAIChatUsage({ prompt_tokens: 1, completion_tokens: 1, cost: 0.0021 }).providerCost).toBe(
      0.0021,
    );
  });

  it('Groq x_groq.usage is read when usage is absent, and counted once when both are present', () => {
    const groqUsage = { prompt_tokens: 210, completion_tokens: 15, total_tokens: 225, queue_time: 0.04 };
    expect(normalizeResponse({ choices: [], x_groq: { usage: groqUsage } }).usage?.totalTokens).toBe(225);
    expect(normalizeResponse({ choices: [], x_groq: { usage: groqUsage }, usage: groqUsage }).usage?.totalTokens).toBe(
      225,
    );
  });

  it('Responses API: cache write and reasoning parts', () => {
    const { usage } = normalizeOpenAIResponsesUsage({
      input_tokens: 4020,
      output_tokens: 50,
      input_tokens_details: { cached_tokens: 8, cache_write_tokens: 4012 },
      output_tokens_details: { reasoning_tokens: 13 },
    });
    expect(usage).toMatchObject({
      inputTokens: 4020,
      outputTokens: 50,
      totalTokens: 4070,
      cacheReadTokens: 8,
      cacheWriteTokens: 4012,
      reasoningTokens: 13,
    });
  });
});

describe('Cohere and Ollama', () => {
  it('Cohere reads usage.tokens, not billed_units', () => {
    const { usage } = normalizeCohereUsage({
      billed_units: { input_tokens: 12, output_tokens: 7 },
      tokens: { input_tokens: 507, output_tokens: 10 },
      cached_tokens: 448,
    });
    expect(usage).toMatchObject({ inputTokens: 507, outputTokens: 10, totalTokens: 517, cacheReadTokens: 448 });
  });

  it('Cohere falls back to billed_units with a warning when tokens is missing', () => {
    const read = normalizeCohereUsage({ billed_units: { input_tokens: 12, output_tokens: 7 } });
    expect(read.usage?.totalTokens).toBe(19);
    expect(read.warnings.join()).toMatch(/billed_units/);
  });

  it('Ollama: prompt_eval_count in, eval_count out; a missing prompt_eval_count is unknown, not 0', () => {
    expect(normalizeOllamaUsage({ prompt_eval_count: 26, eval_count: 298, done: true }).usage).toMatchObject({
      inputTokens: 26,
      outputTokens: 298,
      totalTokens: 324,
    });
    const cached = normalizeOllamaUsage({ eval_count: 298, done: true });
    expect(cached.usage?.inputTokens).toBeUndefined();
    expect(cached.usage?.totalTokens).toBeUndefined();
    expect(cached.usage?.outputTokens).toBe(298);
  });
});
