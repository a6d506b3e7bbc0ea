/** Format and provider detection, from the body alone and sharper with a hint. */
import { describe, expect, it } from 'vitest';
import { detectFormat, detectProvider, formatFromUrl, providerFromHint } from '#src/usage/index.js';
import { loadCorpus } from '../helpers/sse.js';

const FORMAT_OF_API: Record<string, string> = {
  'chat.completions': 'openai-chat',
  responses: 'openai-responses',
  messages: 'anthropic',
  generateContent: 'gemini',
  converse: 'bedrock-converse',
  'v2/chat': 'cohere',
  'api/chat': 'ollama',
};

describe('every corpus body is detected from its shape alone', () => {
  const responses = loadCorpus().filter((fixture) => fixture.kind === 'response');
  it.each(responses.map((fixture) => [fixture.name, fixture] as const))('%s', (_name, fixture) => {
    expect(detectFormat(fixture.body)).toBe(FORMAT_OF_API[fixture.api]);
  });
});

describe('provider from the body', () => {
  const expectedProvider: Record<string, string> = { other: 'groq', gemini: 'google', 'openai-responses': 'openai' };
  const responses = loadCorpus().filter((fixture) => fixture.kind === 'response');
  it.each(responses.map((fixture) => [fixture.name, fixture] as const))('%s', (_name, fixture) => {
    const format = detectFormat(fixture.body);
    expect(detectProvider(fixture.body, format)).toBe(expectedProvider[fixture.provider] ?? fixture.provider);
  });
});

describe('hints', () => {
  it.each([
    ['https://api.anthropic.com/v1/messages?beta=true', 'anthropic'],
    ['http://127.0.0.1:8787/anthropic/v1/messages', 'anthropic'],
    ['https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent', 'gemini'],
    ['https://x/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', 'gemini'],
    ['https://api.openai.com/v1/responses', 'openai-responses'],
    ['https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse', 'bedrock-converse'],
    ['https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse-stream', 'bedrock-converse'],
    ['http://localhost:11434/api/chat', 'ollama'],
    ['http://localhost:11434/api/generate', 'ollama'],
    ['https://api.cohere.com/v2/chat', 'cohere'],
    ['https://openrouter.ai/api/v1/chat/completions', 'openai-chat'],
    [
      'https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/anthropic/models/claude-sonnet-4:streamRawPredict',
      'anthropic',
    ],
    [
      'https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/google/models/gemini-2.5-pro:generateContent',
      'gemini',
    ],
    ['https://example.com/health', undefined],
  ])('URL %s -> %s', (url, format) => {
    expect(formatFromUrl(url)).toBe(format);
  });

  it('the URL beats an ambiguous body; the provider decides when nothing else does', () => {
    expect(detectFormat({}, { url: 'https://api.anthropic.com/v1/messages' })).toBe('anthropic');
    expect(detectFormat({}, { provider: 'gemini' })).toBe('gemini');
    expect(detectFormat({}, { provider: 'bedrock' })).toBe('bedrock-converse');
    expect(detectFormat({})).toBeUndefined();
  });

  it('the body beats the provider default (OpenAI also speaks the Responses API)', () => {
    expect(
      detectFormat({ object: 'response', usage: { input_tokens: 1, output_tokens: 1 } }, { provider: 'openai' }),
    ).toBe('openai-responses');
  });

  it.each([
    [{ provider: 'Gemini' }, 'google'],
    [{ provider: 'vertex' }, 'google'],
    [{ provider: 'x-ai' }, 'xai'],
    [{ url: 'https://openrouter.ai/api/v1/chat/completions' }, 'openrouter'],
    [{ url: 'https://api.x.ai/v1/chat/completions' }, 'xai'],
    [{ url: 'https://api.deepseek.com/chat/completions' }, 'deepseek'],
    [{ url: 'https://api.groq.com/openai/v1/chat/completions' }, 'groq'],
    [{ url: 'https://api.mistral.ai/v1/chat/completions' }, 'mistral'],
    [{ url: 'https://my-res.openai.azure.com/openai/deployments/x/chat/completions' }, 'azure'],
    [{ url: 'https://bedrock-runtime.eu-west-1.amazonaws.com/model/m/converse' }, 'bedrock'],
    [{ url: 'http://localhost:11434/api/chat' }, 'ollama'],
    [{ url: 'https://api.cohere.com/v2/chat' }, 'cohere'],
    [
      {
        url: 'https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/anthropic/models/claude-sonnet-4:rawPredict',
      },
      'anthropic',
    ],
    [
      {
        url: 'https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/google/models/gemini-2.5-pro:generateContent',
      },
      'google',
    ],
    [{ url: 'not a url' }, undefined],
  ])('provider from hint %j -> %s', (hint, provider) => {
    expect(providerFromHint(hint)).toBe(provider);
  });
});
