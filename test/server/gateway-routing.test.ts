import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';

let mock: MockProvider;
let server: RunningServer;

beforeAll(async () => {
  mock = await startMockProvider();
  const env = { OPENAI_BASE_URL: `${mock.url}/v1` };
  const config = parseConfig(
    {
      providers: { 'my-vllm': { type: 'openai-compatible', baseURL: `${mock.url}/vllm/v1` } },
      server: {
        upstreams: [{ provider: 'deepseek', baseURL: `${mock.url}/deepseek/v1` }],
        modelRoutes: [{ prefix: 'deepseek-', provider: 'deepseek' }],
      },
    },
    'inline',
    env,
  );
  server = await startServer({ port: 0, db: 'memory:', env, config, logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await server.close();
  await mock.close();
});

const chat = (model: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${server.url}/v1/chat/completions?trace=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages: [] }),
  });

describe('gateway routing', () => {
  it('routes by model prefix, by header, and by default, keeping the query string', async () => {
    mock.setDefault({
      kind: 'json',
      body: {
        id: 'x',
        object: 'chat.completion',
        model: 'm',
        choices: [],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      },
    });
    await (await chat('deepseek-chat')).text();
    await (await chat('llama-3', { 'x-tokenledger-provider': 'my-vllm' })).text();
    await (await chat('gpt-4o')).text();
    expect(mock.requests.map((request) => `${request.path}?${new URLSearchParams(request.query).toString()}`)).toEqual([
      '/deepseek/v1/chat/completions?trace=1',
      '/vllm/v1/chat/completions?trace=1',
      '/v1/chat/completions?trace=1',
    ]);
    await server.app.flushRecordings();
    const providers = (await server.store.events({ filter: {}, limit: 10 })).events
      .map((event) => event.provider)
      .sort();
    expect(providers).toEqual(['deepseek', 'my-vllm', 'openai']);
  });

  it('refuses a provider that is not OpenAI-compatible on an OpenAI route', async () => {
    const env = { OPENAI_BASE_URL: `${mock.url}/v1` };
    const other = await startServer({
      port: 0,
      db: 'memory:',
      env,
      config: parseConfig({ providers: { anthropic: { apiKey: 'env:NONE' } } }, 'inline', env),
      logger: pino({ level: 'silent' }),
    });
    try {
      const response = await fetch(`${other.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'x-tokenledger-provider': 'anthropic' },
        body: '{}',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { field: 'x-tokenledger-provider' } });
    } finally {
      await other.close();
    }
  });
});
