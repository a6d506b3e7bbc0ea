import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '#src/server/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { fixtureBody, startMockProvider, type MockProvider } from '../helpers/mock-provider.js';
import { startServerOnMock } from './helpers.js';

let mock: MockProvider;
let server: RunningServer;

beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

/** POSTs a chat completion through the gateway with raw header values (latin1 strings carry the bytes). */
function chat(headers: Record<string, string>, model = 'gpt-4.1-nano'): Promise<{ status: number; body: string }> {
  const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] });
  return send('/v1/chat/completions', headers, body);
}

function send(path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${server.url}${path}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client-1111111111', ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A chat completion written byte for byte on a socket, with `headerBytes` as the client encoded them; the status. */
function rawChat(headerBytes: Buffer): Promise<number> {
  const body = JSON.stringify({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] });
  const head = Buffer.from(
    `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\ncontent-type: application/json\r\nauthorization: Bearer sk-client-1111111111\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`,
  );
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => {
      // write, not end: a half-closed socket would have node:http drop the answer.
      socket.write(Buffer.concat([head, headerBytes, Buffer.from(`\r\n${body}`)]));
    });
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

async function lastEvent(): Promise<UsageEvent> {
  await server.app.flushRecordings();
  const [event] = (await server.store.events({ filter: {}, limit: 1 })).events;
  if (event === undefined) throw new Error('no event recorded');
  return event;
}

// memory: events go through the batching recorder; a SQLite file (serve's default): through the spool.
describe.each(['memory', 'sqlite'] as const)('gateway attribution never blocks recording (%s)', (kind) => {
  beforeAll(async () => {
    server = await startServerOnMock(mock, {
      store: kind,
      env: { ANTHROPIC_BASE_URL: mock.url, GEMINI_BASE_URL: mock.url },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('65 tags: the call is answered, recorded with the first 64 tags and a warning', async () => {
    const tags = Array.from({ length: 65 }, (_, i) => `k${i}=v${i}`).join(',');
    const answer = await chat({ 'x-tokenledger-tags': tags, 'x-tokenledger-run': 'tags-65' });
    expect(answer.status).toBe(200);
    const event = await lastEvent();
    expect(event.run).toBe('tags-65');
    expect(Object.keys(event.tags)).toHaveLength(64);
    expect(event.tags['k63']).toBe('v63');
    expect(event.tags['k64']).toBeUndefined();
    expect(event.warnings).toEqual(['1 tags beyond 64 dropped']);
    expect(event.usage).toMatchObject({ inputTokens: 16, outputTokens: 363 });
  });

  it('x-tokenledger-user and -session set the reserved tags user and session, over x-tokenledger-tags', async () => {
    const answer = await chat({
      'x-tokenledger-tags': 'team=search,user=someone-else',
      'x-tokenledger-user': 'ana@example.com',
      'x-tokenledger-session': 'conv-42',
      'x-tokenledger-run': 'user-session',
    });
    expect(answer.status).toBe(200);
    const event = await lastEvent();
    expect(event.tags).toEqual({ team: 'search', user: 'ana@example.com', session: 'conv-42' });
    expect(event.warnings).toBeUndefined();
  });

  it('a tag key over 64 characters is dropped, the other tags kept', async () => {
    const answer = await chat({
      'x-tokenledger-tags': `${'k'.repeat(65)}=v,team=search`,
      'x-tokenledger-run': 'long-key',
    });
    expect(answer.status).toBe(200);
    const event = await lastEvent();
    expect(event.tags).toEqual({ team: 'search' });
    expect(event.warnings).toEqual([`tag ${'k'.repeat(40)}... dropped: its key must be 1 to 64 characters`]);
  });

  it('a NUL in a tag (a=%00) is removed, the call recorded', async () => {
    const answer = await chat({ 'x-tokenledger-tags': 'a=x%00y,b=2', 'x-tokenledger-run': 'nul-tag' });
    expect(answer.status).toBe(200);
    const event = await lastEvent();
    expect(event.tags).toEqual({ a: 'xy', b: '2' });
    expect(event.warnings).toEqual(['tags.a: NUL characters or broken Unicode removed']);
  });

  it('a malformed % escape in a tag is kept as sent with a warning (was a 500)', async () => {
    const answer = await chat({ 'x-tokenledger-tags': 'a=100%,b=%E0%A4%A', 'x-tokenledger-run': 'bad-percent' });
    expect(answer.status).toBe(200);
    const event = await lastEvent();
    expect(event.tags).toEqual({ a: '100%', b: '%E0%A4%A' });
    expect(event.warnings).toEqual([
      'x-tokenledger-tags: a has a malformed % escape; kept as sent',
      'x-tokenledger-tags: b has a malformed % escape; kept as sent',
    ]);
  });

  it('an agent header over 256 characters is cut (was a 400: the call was refused)', async () => {
    const answer = await chat({ 'x-tokenledger-agent': 'a'.repeat(300), 'x-tokenledger-run': 'long-agent' });
    expect(answer.status).toBe(200);
    const event = await lastEvent();
    expect(event.agent).toBe('a'.repeat(256));
    expect(event.warnings).toEqual(['agent was 300 characters; cut to 256']);
  });

  it('an upstream model over 256 characters is cut, the call recorded and priced as unknown', async () => {
    const recorded = fixtureBody('openai-01-chat-plain') as Record<string, unknown>;
    mock.enqueue({ kind: 'json', body: { ...recorded, model: 'm'.repeat(300) } });
    const answer = await chat({ 'x-tokenledger-run': 'long-model' }, 'r'.repeat(300));
    expect(answer.status).toBe(200);
    const event = await lastEvent();
    expect(event.run).toBe('long-model');
    expect(event.model).toBe('m'.repeat(256));
    expect(event.requestedModel).toBe('r'.repeat(256));
    expect(event.usage).toMatchObject({ inputTokens: 16, outputTokens: 363 });
    expect(event.warnings).toEqual([
      'model was 300 characters; cut to 256',
      'requestedModel was 300 characters; cut to 256',
    ]);
  });

  it('UTF-8 header values are stored as sent, not as mojibake; latin1 ones too', async () => {
    // curl and most SDKs send UTF-8 bytes.
    expect(await rawChat(Buffer.from('x-tokenledger-agent: équipe-数据\r\nx-tokenledger-tags: team=数据\r\n'))).toBe(
      200,
    );
    const event = await lastEvent();
    expect(event.agent).toBe('équipe-数据');
    expect(event.tags).toEqual({ team: '数据' });
    // Python's http.client sends latin1: the one byte 0xE9 is not UTF-8, so it is read as latin1.
    expect(await rawChat(Buffer.from('x-tokenledger-agent: équipe\r\n', 'latin1'))).toBe(200);
    expect((await lastEvent()).agent).toBe('équipe');
  });

  it('a malformed % escape in a Gemini model name is a 400 naming the model (was a 500)', async () => {
    const body = JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] });
    const answer = await send('/gemini/v1beta/models/gemini%E0%A4%A:generateContent', { 'x-goog-api-key': 'k' }, body);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'invalid_input', field: 'model' } });
  });
});
