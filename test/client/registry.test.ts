import { describe, expect, it } from 'vitest';
import { providerAdapter } from '#src/client/providers/registry.js';

const call = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], stream: true };

describe('provider presets', () => {
  const defaults: Array<[string, string]> = [
    ['openai', 'https://api.openai.com/v1'],
    ['openrouter', 'https://openrouter.ai/api/v1'],
    ['deepseek', 'https://api.deepseek.com/v1'],
    ['groq', 'https://api.groq.com/openai/v1'],
    ['xai', 'https://api.x.ai/v1'],
    ['mistral', 'https://api.mistral.ai/v1'],
    ['vllm', 'http://127.0.0.1:8000/v1'],
    ['ollama', 'http://127.0.0.1:11434/v1'],
  ];
  for (const [id, baseURL] of defaults) {
    it(`${id} speaks OpenAI chat at ${baseURL}`, () => {
      const adapter = providerAdapter(id, 'openai-compatible');
      expect(adapter.defaultBaseURL).toBe(baseURL);
      const built = adapter.buildCall({ baseURL: adapter.defaultBaseURL!, apiKey: 'k', call, headers: {} });
      expect(built.url).toBe(`${baseURL}/chat/completions`);
      expect(built.headers.authorization).toBe('Bearer k');
      const body = JSON.parse(built.body) as Record<string, unknown>;
      // Mistral refuses unknown fields and sends stream usage unasked.
      expect(body.stream_options).toEqual(id === 'mistral' ? undefined : { include_usage: true });
    });
  }

  it('a provider of your own gets the plain adapter of its type, with no key when none is set', () => {
    const adapter = providerAdapter('my-proxy', 'anthropic');
    expect(adapter.defaultBaseURL).toBeUndefined();
    const built = adapter.buildCall({
      baseURL: 'http://127.0.0.1:1',
      apiKey: undefined,
      call,
      headers: { 'x-team': 'a' },
    });
    expect(built.url).toBe('http://127.0.0.1:1/v1/messages');
    expect(built.headers['x-api-key']).toBeUndefined();
    expect(built.headers['x-team']).toBe('a');
  });
});
