import { describe, expect, it } from 'vitest';
import { providerAdapter } from '#src/client/providers/registry.js';
import { parseConfig } from '#src/config/index.js';
import { createLedger } from '#src/index.js';
import { openStore } from '#src/store/index.js';
import {
  canonicalProviderId,
  isLocalHost,
  providerIdFromHost,
  providerIdFromUrl,
  providerRecord,
  providerRecords,
} from '#src/providers/index.js';
import { normalizeResponse } from '#src/usage/index.js';

describe('provider registry', () => {
  it('one record per id, and no name is claimed twice', () => {
    const names = providerRecords().flatMap((record) => [record.id, ...record.aliases].map((n) => n.toLowerCase()));
    expect(new Set(names).size).toBe(names.length);
    for (const record of providerRecords()) expect(record.id).toBe(record.id.toLowerCase());
  });

  it('folds aliases and case to the canonical id, and keeps other names as given', () => {
    expect(canonicalProviderId('gemini')).toBe('google');
    expect(canonicalProviderId(' Google-Vertex ')).toBe('google');
    expect(canonicalProviderId('x-ai')).toBe('xai');
    expect(canonicalProviderId('amazon-bedrock')).toBe('bedrock');
    expect(canonicalProviderId('OpenAI')).toBe('openai');
    expect(canonicalProviderId('MyCorp')).toBe('MyCorp');
    expect(canonicalProviderId('  ')).toBeUndefined();
    expect(canonicalProviderId(undefined)).toBeUndefined();
  });

  it('names a provider from its API host, path marker or local port', () => {
    expect(providerIdFromUrl('https://api.openai.com/v1/chat/completions')).toBe('openai');
    expect(providerIdFromUrl('https://my-resource.openai.azure.com/openai/deployments/x/chat/completions')).toBe(
      'azure',
    );
    expect(providerIdFromUrl('https://bedrock-runtime.eu-west-1.amazonaws.com/model/x/converse')).toBe('bedrock');
    expect(providerIdFromUrl('https://europe-west4-aiplatform.googleapis.com/v1/projects/p/x:generateContent')).toBe(
      'google',
    );
    expect(
      providerIdFromUrl(
        'https://us-east5-aiplatform.googleapis.com/v1/projects/p/publishers/anthropic/models/c:rawPredict',
      ),
    ).toBe('anthropic');
    expect(providerIdFromUrl('http://127.0.0.1:11434/api/chat')).toBe('ollama');
    expect(providerIdFromUrl('https://api.cerebras.ai/v1/chat/completions')).toBe('cerebras');
  });

  it('OpenAI-compatible hosts that are not OpenAI get their own id, recorded or from the host', () => {
    expect(providerIdFromUrl('https://api.z.ai/api/paas/v4/chat/completions')).toBe('zai');
    expect(providerIdFromUrl('https://dashscope-intl.aliyuncs.com/compatible-mode/v1/chat/completions')).toBe(
      'alibaba',
    );
    expect(providerIdFromUrl('https://router.huggingface.co/v1/chat/completions')).toBe('huggingface');
    expect(
      providerIdFromUrl('https://abc12345.us-east-1.snowflakecomputing.com/api/v2/cortex/v1/chat/completions'),
    ).toBe('snowflake');
    // Nobody recorded it: the registrable domain.
    expect(providerIdFromUrl('https://api.example-llm.com/v1/chat/completions')).toBe('example-llm.com');
    expect(providerIdFromHost('llm.acme.co.uk')).toBe('acme.co.uk');
    expect(providerIdFromHost('inference.eu.acme.ai')).toBe('acme.ai');
    // A server of the caller's own is not a provider.
    for (const host of ['localhost', '127.0.0.1', '10.1.2.3', '192.168.0.7', 'vllm', 'gpu-box.internal', '[::1]']) {
      expect(isLocalHost(host), host).toBe(true);
      expect(providerIdFromHost(host), host).toBeUndefined();
    }
  });

  it('a body from such a host is recorded under the host, not the model family it serves', () => {
    const deepseekModelOnZai = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'deepseek-v3.1',
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
    };
    expect(
      normalizeResponse(deepseekModelOnZai, { url: 'https://api.z.ai/api/paas/v4/chat/completions' }).provider,
    ).toBe('zai');
    expect(normalizeResponse(deepseekModelOnZai).provider).toBe('deepseek');
    const gptOnProxy = { ...deepseekModelOnZai, model: 'gpt-4o-mini' };
    expect(normalizeResponse(gptOnProxy, { url: 'https://llm.example-llm.com/v1/chat/completions' }).provider).toBe(
      'example-llm.com',
    );
    // Local servers keep the body's word.
    expect(normalizeResponse(gptOnProxy, { url: 'http://127.0.0.1:8000/v1/chat/completions' }).provider).toBe('openai');
  });
});

describe('adding a provider is one record: Cerebras', () => {
  it('is configured from its own variables and called at its own base URL', () => {
    const config = parseConfig({}, 'env', { CEREBRAS_API_KEY: 'csk-test-000000000000' });
    expect(config.providers['cerebras']).toMatchObject({
      id: 'cerebras',
      type: 'openai-compatible',
      keyOptional: false,
    });
    const adapter = providerAdapter('cerebras', 'openai-compatible');
    expect(adapter.defaultBaseURL).toBe(providerRecord('cerebras')?.baseURL);
    const built = adapter.buildCall({
      baseURL: adapter.defaultBaseURL as string,
      apiKey: 'csk-test-000000000000',
      call: { model: 'llama-3.3-70b', messages: [{ role: 'user', content: 'hi' }], stream: true },
      headers: {},
    });
    expect(built.url).toBe('https://api.cerebras.ai/v1/chat/completions');
    expect(JSON.parse(built.body)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('its answers are recorded as cerebras and priced from the catalog', async () => {
    const body = {
      id: 'chatcmpl-292e278f',
      object: 'chat.completion',
      model: 'llama-3.3-70b',
      usage: { prompt_tokens: 12, completion_tokens: 10, total_tokens: 22 },
    };
    const result = normalizeResponse(body, { url: 'https://api.cerebras.ai/v1/chat/completions' });
    expect(result).toMatchObject({ provider: 'cerebras', format: 'openai-chat' });
    expect(result.usage).toMatchObject({ inputTokens: 12, outputTokens: 10, totalTokens: 22 });
    const ledger = createLedger({ store: await openStore('memory:') });
    const event = await ledger.record({ response: body, model: 'llama-3.3-70b', provider: 'Cerebras' });
    expect(event.provider).toBe('cerebras');
    // genai-prices (pinned): llama-3.3-70b on Cerebras, $0.85 in / $1.20 out per 1M.
    expect(event.cost?.totalNanos).toBe(12 * 850 + 10 * 1200);
  });
});
