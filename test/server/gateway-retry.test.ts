import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';
import { makeApp } from './helpers.js';

let mock: MockProvider;
let server: RunningServer;

beforeAll(async () => {
  mock = await startMockProvider();
  const env = { OPENAI_BASE_URL: `${mock.url}/v1`, ANTHROPIC_BASE_URL: mock.url };
  // Retry-After 0 and no backoff: the test waits on no clock.
  const config = parseConfig(
    { server: { retry: { routes: ['openai.chat'], maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 } } },
    'inline',
    env,
  );
  server = await startServer({ port: 0, db: 'memory:', env, config, logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await server.close();
  await mock.close();
});

const post = (path: string): Promise<Response> =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4.1-nano', messages: [], max_tokens: 5 }),
  });

describe('opt-in gateway retries', () => {
  it('retries a 429 and a 503 on an opted-in route and records one event with its attempts', async () => {
    mock.enqueue(
      { kind: 'status', status: 429, headers: { 'retry-after': '0' }, body: { error: { message: 'slow' } } },
      { kind: 'status', status: 503, body: 'busy' },
    );
    const response = await post('/v1/chat/completions');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { usage: { total_tokens: number } }).usage.total_tokens).toBe(379);
    expect(mock.requests).toHaveLength(3);
    await server.app.flushRecordings();
    const [event] = (await server.store.events({ filter: {}, limit: 5 })).events;
    expect(event).toMatchObject({ status: 'ok', attempts: 3 });
  });

  it('gives the last error to the client once the attempts are spent; other routes are never retried', async () => {
    mock.reset();
    mock.enqueue(
      ...Array.from({ length: 3 }, () => ({
        kind: 'status' as const,
        status: 500,
        body: { error: { message: 'boom' } },
      })),
    );
    const spent = await post('/v1/chat/completions');
    expect(spent.status).toBe(500);
    expect(await spent.json()).toEqual({ error: { message: 'boom' } });
    expect(mock.requests).toHaveLength(3);
    mock.reset();
    mock.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '0' }, body: {} });
    expect((await post('/anthropic/v1/messages')).status).toBe(429);
    expect(mock.requests).toHaveLength(1);
  });

  it('a bad server.retry is a config error naming the field', async () => {
    await expect(makeApp({ config: { server: { retry: { routes: [] } } } })).rejects.toThrow(/server\.retry\.routes/);
    await expect(makeApp({ config: { server: { retry: { routes: '*', maxAttempts: 0 } } } })).rejects.toThrow(
      /server\.retry\.maxAttempts/,
    );
  });
});
