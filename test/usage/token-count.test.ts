/**
 * Token-counting endpoints bill nothing: their answers are calls of zero tokens (priced $0), not
 * calls whose usage is unknown. Bodies: test/fixtures/native-passthrough (see its SOURCES).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTokenCountUrl, normalizeResponse } from '#src/usage/index.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/native-passthrough/${name}`, import.meta.url), 'utf8'));

describe('isTokenCountUrl', () => {
  it.each([
    ['https://api.anthropic.com/v1/messages/count_tokens', true],
    ['https://api.anthropic.com/v1/messages/count_tokens?beta=true', true],
    ['https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:countTokens', true],
    ['https://api.openai.com/v1/responses/input_tokens', true],
    ['https://api.anthropic.com/v1/messages', false],
    ['https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent', false],
    ['https://api.openai.com/v1/responses', false],
    ['https://api.openai.com/v1/chat/completions', false],
  ])('%s: %s', (url, expected) => {
    expect(isTokenCountUrl(url)).toBe(expected);
  });
});

describe('a token count answer', () => {
  it('Anthropic count_tokens: zero tokens, the count kept raw', () => {
    const body = fixture('anthropic-count-tokens.json');
    const result = normalizeResponse(body, { url: 'https://api.anthropic.com/v1/messages/count_tokens' });
    expect(result.usage).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
    expect(result.usageUnavailableReason).toBeUndefined();
    expect(result.rawUsage).toEqual({ input_tokens: 2095 });
    expect(result.provider).toBe('anthropic');
  });

  it('Gemini countTokens: zero tokens (its totalTokens is not read as input)', () => {
    const url = 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:countTokens';
    const result = normalizeResponse(fixture('gemini-count-tokens.json'), { url, provider: 'google' });
    expect(result.usage?.totalTokens).toBe(0);
    expect(result.usage?.inputTokens).toBe(0);
    expect(result.usageUnavailableReason).toBeUndefined();
  });

  it('the same body from another endpoint is not taken for a count', () => {
    const result = normalizeResponse(fixture('anthropic-count-tokens.json'), {
      url: 'https://api.anthropic.com/v1/messages',
    });
    expect(result.usage).toBeUndefined();
  });
});
