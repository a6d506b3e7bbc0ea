import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '#src/server/index.js';
import { costHeaderValue } from '#src/server/gateway/cost-header.js';
import type { UsageEvent } from '#src/types/index.js';
import { fixtureBody, type MockProvider, startMockProvider } from '../helpers/mock-provider.js';
import { startServerOnMock } from './helpers.js';

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  trailers: NodeJS.Dict<string>;
  body: Buffer;
}

/** One POST over node:http, which (unlike fetch) shows trailers. */
function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            trailers: res.trailers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('costHeaderValue', () => {
  it('writes the exact nano-dollar total as a plain decimal', () => {
    const cost = (totalNanos: number) => ({ totalNanos }) as unknown as UsageEvent['cost'];
    expect(costHeaderValue(cost(12_500))).toBe('0.0000125');
    expect(costHeaderValue(cost(3_250_000_000))).toBe('3.25');
    expect(costHeaderValue(cost(2_000_000_000))).toBe('2');
    expect(costHeaderValue(cost(0))).toBe('0');
    expect(costHeaderValue(null)).toBeUndefined();
  });
});

describe.each(['memory', 'sqlite'] as const)('x-tokenledger-cost-usd (%s)', (kind) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServerOnMock(mock, { store: kind });
  });
  afterAll(async () => {
    await server.close();
  });

  async function stored(answer: Answer): Promise<UsageEvent> {
    await server.app.flushRecordings();
    const id = answer.headers['x-tokenledger-event-id'];
    const { events } = await server.store.events({ filter: {}, limit: 1000 });
    const event = events.find((candidate) => candidate.id === id);
    if (event === undefined) throw new Error(`no event ${String(id)}`);
    return event;
  }

  it('a JSON answer carries its cost, the same as the stored event; the body is untouched', async () => {
    const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
    mock.enqueue({ kind: 'fixture', name: 'openai-01-chat-plain' });
    const direct = await post(`${mock.url}/v1/chat/completions`, chat);
    mock.enqueue({ kind: 'fixture', name: 'openai-01-chat-plain' });
    const answer = await post(`${server.url}/v1/chat/completions`, chat);
    expect(answer.status).toBe(200);
    expect(answer.body.equals(direct.body)).toBe(true);
    const event = await stored(answer);
    expect(event.cost).not.toBeNull();
    expect(answer.headers['x-tokenledger-cost-usd']).toBe(costHeaderValue(event.cost));
    expect(Number(answer.headers['x-tokenledger-cost-usd'])).toBe(event.cost?.total);
  });

  it('an unpriced model: no cost header (its event says why), the call recorded', async () => {
    const body = { ...(fixtureBody('openai-01-chat-plain') as Record<string, unknown>), model: 'in-house-model-7' };
    mock.enqueue({ kind: 'json', body });
    const answer = await post(`${server.url}/v1/chat/completions`, { model: 'in-house-model-7', messages: [] });
    expect(answer.status).toBe(200);
    expect(answer.headers['x-tokenledger-cost-usd']).toBeUndefined();
    const event = await stored(answer);
    expect(event.cost).toBeNull();
    expect(event.costUnavailableReason).toBeDefined();
  });

  it('a stream read with TE: trailers ends with its cost in a trailer; without it, no trailer is declared', async () => {
    const chat = { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [] };
    mock.enqueue({ kind: 'fixture', name: 'openai-05-chat-stream-include-usage' });
    const withTrailers = await post(`${server.url}/v1/chat/completions`, chat, { te: 'trailers' });
    expect(withTrailers.headers['trailer']).toBe('x-tokenledger-cost-usd');
    const event = await stored(withTrailers);
    expect(event.usage?.outputTokens).toBe(9);
    expect(withTrailers.trailers['x-tokenledger-cost-usd']).toBe(costHeaderValue(event.cost));

    mock.enqueue({ kind: 'fixture', name: 'openai-05-chat-stream-include-usage' });
    const plain = await post(`${server.url}/v1/chat/completions`, chat);
    expect(plain.headers['trailer']).toBeUndefined();
    expect(plain.trailers['x-tokenledger-cost-usd']).toBeUndefined();
    expect(plain.body.equals(withTrailers.body)).toBe(true);
  });

  it('a JSON answer over 4 MiB is passed on as it comes, whole, without the header, and recorded', async () => {
    const vector = Array.from({ length: 1536 }, (_, i) => (i % 7) / 7);
    const data = Array.from({ length: 200 }, (_, index) => ({ object: 'embedding', index, embedding: vector }));
    const body = {
      object: 'list',
      data,
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 800, total_tokens: 800 },
    };
    const text = JSON.stringify(body);
    expect(Buffer.byteLength(text)).toBeGreaterThan(4 * 1024 * 1024);
    mock.enqueue({ kind: 'json', body: text });
    const answer = await post(`${server.url}/v1/embeddings`, { model: 'text-embedding-3-small', input: ['a'] });
    expect(answer.status).toBe(200);
    expect(answer.body.toString('utf8')).toBe(text);
    expect(answer.headers['x-tokenledger-cost-usd']).toBeUndefined();
    const event = await stored(answer);
    expect(event.usage?.inputTokens).toBe(800);
  });
});
