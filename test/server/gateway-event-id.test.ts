import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '#src/server/index.js';
import { type MockProvider, startMockProvider } from '../helpers/mock-provider.js';
import { startServerOnMock } from './helpers.js';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
let mock: MockProvider;
let server: RunningServer;

beforeAll(async () => {
  mock = await startMockProvider();
  server = await startServerOnMock(mock);
});
afterAll(async () => {
  await server.close();
  await mock.close();
});

const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

async function storedAs(id: string | null) {
  await server.app.flushRecordings();
  const { events } = await server.store.events({ filter: {}, limit: 1000 });
  return events.find((event) => event.id === id);
}

describe('x-tokenledger-event-id', () => {
  it('a JSON call: the header names the stored event', async () => {
    const response = await fetch(
      `${server.url}/v1/chat/completions`,
      post({ model: 'gpt-4.1-nano', messages: [] }, { 'x-tokenledger-agent': 'id-json' }),
    );
    expect(response.status).toBe(200);
    await response.json();
    const id = response.headers.get('x-tokenledger-event-id');
    expect(id).toMatch(ULID);
    expect(await storedAs(id)).toMatchObject({ id, agent: 'id-json', status: 'ok' });
  });

  it('a stream: the header comes with the first byte, the event is stored under it', async () => {
    mock.enqueue({ kind: 'fixture', name: 'openai-05-chat-stream-include-usage' });
    const response = await fetch(
      `${server.url}/v1/chat/completions`,
      post({ model: 'gpt-4o-mini', stream: true, messages: [] }, { 'x-tokenledger-agent': 'id-stream' }),
    );
    const id = response.headers.get('x-tokenledger-event-id');
    expect(id).toMatch(ULID);
    await response.text();
    expect(await storedAs(id)).toMatchObject({ id, agent: 'id-stream', status: 'ok', usage: { outputTokens: 9 } });
  });

  it('an upstream 500 and an unreachable upstream are recorded failures, named too', async () => {
    mock.enqueue({ kind: 'status', status: 500, body: { error: { message: 'boom' } } });
    const failed = await fetch(`${server.url}/v1/chat/completions`, post({ model: 'gpt-4.1-nano', messages: [] }));
    expect(failed.status).toBe(500);
    await failed.text();
    const failedId = failed.headers.get('x-tokenledger-event-id');
    expect(await storedAs(failedId)).toMatchObject({ status: 'error', error: { status: 500 } });

    mock.enqueue({ kind: 'reset' });
    const cut = await fetch(`${server.url}/v1/chat/completions`, post({ model: 'gpt-4.1-nano', messages: [] }));
    expect(cut.status).toBe(502);
    await cut.text();
    const cutId = cut.headers.get('x-tokenledger-event-id');
    expect(cutId).toMatch(ULID);
    expect(cutId).not.toBe(failedId);
    expect(await storedAs(cutId)).toMatchObject({ status: 'error', error: { type: 'ConnectionError' } });
  });

  it('no header where nothing is recorded: a refused request, GET /v1/models', async () => {
    const refused = await fetch(
      `${server.url}/v1/chat/completions`,
      post({ model: 'gpt-4.1-nano' }, { 'sec-fetch-site': 'cross-site' }),
    );
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-tokenledger-event-id')).toBeNull();
    const models = await fetch(`${server.url}/v1/models`);
    expect(models.status).toBe(200);
    expect(models.headers.get('x-tokenledger-event-id')).toBeNull();
  });
});
