/**
 * Anthropic Message Batches and Gemini cachedContents through the gateway's native prefixes
 * (issue 15, point 1), with the official SDKs against the mock: each answer is the mock's, byte
 * for byte (a batch's `results_url` points at the gateway instead, so the SDK fetches the
 * results through it), and each call is recorded: a batch's results once per item whatever
 * how often fetched, Anthropic count_tokens as a free call, Gemini's.
 */
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import { type RunningServer, startServer } from '#src/server/index.js';
import { batchItemEventId } from '#src/usage/index.js';
import { type MockProvider, startMockProvider } from '../helpers/mock-provider.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/native-passthrough/${name}`, import.meta.url), 'utf8').trim();

const BATCH_ID = 'msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d';
let mock: MockProvider;
let server: RunningServer;

beforeAll(async () => {
  mock = await startMockProvider();
  const env = { OPENAI_BASE_URL: `${mock.url}/v1`, ANTHROPIC_BASE_URL: mock.url, GEMINI_BASE_URL: mock.url };
  server = await startServer({
    port: 0,
    db: 'memory:',
    env,
    config: parseConfig({}, 'inline', env),
    logger: pino({ level: 'silent' }),
  });
});
afterAll(async () => {
  await server.close();
  await mock.close();
});
beforeEach(() => mock.reset());

async function events() {
  await server.app.flushRecordings();
  return (await server.store.events({ filter: {}, limit: 1000 })).events;
}
async function stored(id: string | null | undefined) {
  return (await events()).find((event) => event.id === id);
}

const json = (body: string) => ({ kind: 'malformed' as const, body, contentType: 'application/json' });

const anthropic = (baseURL: string) =>
  new Anthropic({
    apiKey: 'sk-ant-native-0000',
    baseURL,
    maxRetries: 0,
    defaultHeaders: { 'x-tokenledger-agent': 'native' },
  });

describe('Anthropic through /anthropic', () => {
  it('messages.batches create, retrieve, results: same bytes; results recorded once per item', async () => {
    const via = anthropic(`${server.url}/anthropic`);
    const direct = anthropic(mock.url);
    const params = {
      requests: [
        {
          custom_id: 'my-first-request',
          params: {
            model: 'claude-3-5-sonnet-20240620',
            max_tokens: 64,
            messages: [{ role: 'user' as const, content: 'Hi' }],
          },
        },
      ],
    };

    mock.enqueue(json(fixture('anthropic-batch-create.json')), json(fixture('anthropic-batch-create.json')));
    const created = await via.messages.batches.create(params).asResponse();
    const createdBytes = await created.text();
    expect(createdBytes).toBe(await (await direct.messages.batches.create(params).asResponse()).text());
    expect(mock.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /v1/messages/batches',
      'POST /v1/messages/batches',
    ]);
    expect(mock.requests[0]?.body).toBe(mock.requests[1]?.body);
    // A POST is a call: recorded, without usage (the batch bills per item when its results come).
    const createEvent = await stored(created.headers.get('x-tokenledger-event-id'));
    expect(createEvent).toMatchObject({ provider: 'anthropic', model: 'unknown', status: 'ok', agent: 'native' });

    const retrieved = fixture('anthropic-batch-retrieve.json').replace('ORIGIN', mock.url);
    mock.enqueue(json(retrieved), json(retrieved));
    const viaBatch = await via.messages.batches.retrieve(BATCH_ID).asResponse();
    const directBatch = await direct.messages.batches.retrieve(BATCH_ID).asResponse();
    const viaText = await viaBatch.text();
    expect(await directBatch.text()).toBe(retrieved);
    // The one difference: results_url names the gateway, so the SDK fetches the results through it.
    expect(viaText).toBe(retrieved.replace(mock.url, `${server.url}/anthropic`));
    expect(viaBatch.headers.get('content-length')).toBe(String(Buffer.byteLength(viaText)));

    const results = fixture('anthropic-batch-results.jsonl');
    const answer = { kind: 'malformed' as const, body: `${results}\n`, contentType: 'application/binary' };
    const before = (await events()).length;
    mock.reset();
    mock.enqueue(json(retrieved), answer, json(retrieved), answer, json(retrieved), answer);
    const read = async (client: Anthropic) => {
      const items: unknown[] = [];
      for await (const item of await client.messages.batches.results(BATCH_ID)) items.push(item);
      return items;
    };
    const viaItems = await read(via);
    expect(viaItems).toEqual(await read(direct));
    expect(viaItems).toHaveLength(2);
    // Fetched twice through the gateway: each item recorded once.
    await read(via);
    expect(mock.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /v1/messages/batches/${BATCH_ID}`,
      `GET /v1/messages/batches/${BATCH_ID}/results`,
      `GET /v1/messages/batches/${BATCH_ID}`,
      `GET /v1/messages/batches/${BATCH_ID}/results`,
      `GET /v1/messages/batches/${BATCH_ID}`,
      `GET /v1/messages/batches/${BATCH_ID}/results`,
    ]);
    const all = await events();
    expect(all.length - before).toBe(2);
    const first = all.find((event) => event.id === batchItemEventId(BATCH_ID, 'my-first-request', undefined));
    expect(first).toMatchObject({
      provider: 'anthropic',
      model: 'claude-3-5-sonnet-20240620',
      status: 'ok',
      agent: 'native',
      usage: { inputTokens: 11, outputTokens: 36 },
      tags: { batch_id: BATCH_ID, custom_id: 'my-first-request' },
    });
    const second = all.find((event) => event.id === batchItemEventId(BATCH_ID, 'my-second-request', undefined));
    expect(second).toMatchObject({ status: 'error', tags: { batch_id: BATCH_ID, custom_id: 'my-second-request' } });
    expect(second?.error?.message).toBe('Validation error');
  });

  it('messages.countTokens: same bytes, recorded as a free call', async () => {
    const body = fixture('anthropic-count-tokens.json');
    mock.enqueue(json(body), json(body));
    const params = { model: 'claude-3-5-sonnet-20240620', messages: [{ role: 'user' as const, content: 'Hi' }] };
    const via = await anthropic(`${server.url}/anthropic`).messages.countTokens(params).asResponse();
    const viaText = await via.text();
    expect(viaText).toBe(await (await anthropic(mock.url).messages.countTokens(params).asResponse()).text());
    expect(viaText).toBe(body);
    const event = await stored(via.headers.get('x-tokenledger-event-id'));
    expect(event).toMatchObject({ provider: 'anthropic', model: 'claude-3-5-sonnet-20240620', status: 'ok' });
    // Free: a call of no tokens at $0, its count kept as the raw usage (budgets hold $0 for it).
    expect(event?.usage).toMatchObject({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });
    expect(event?.cost?.totalNanos).toBe(0);
    expect(event?.usageUnavailableReason).toBeUndefined();
    expect(event?.rawUsage).toEqual(JSON.parse(body));
  });
});

/** An SDK answer without its `sdkHttpResponse` (whose headers name the gateway's event). */
function plain(answer: object): unknown {
  const { sdkHttpResponse: _, ...rest } = answer as Record<string, unknown>;
  return JSON.parse(JSON.stringify(rest));
}

describe('Gemini through /gemini', () => {
  const gemini = (baseUrl: string) => new GoogleGenAI({ apiKey: 'AIza-native', httpOptions: { baseUrl } });

  it('caches.create and caches.get: same answers; the create recorded', async () => {
    const body = fixture('gemini-cached-content.json');
    mock.enqueue(json(body), json(body), json(body), json(body));
    const params = {
      model: 'gemini-1.5-flash-001',
      config: { contents: [{ role: 'user', parts: [{ text: 'a long document' }] }], ttl: '300s' },
    };
    const via = gemini(`${server.url}/gemini`);
    const direct = gemini(mock.url);
    const viaCache = await via.caches.create(params);
    expect(plain(viaCache)).toEqual(plain(await direct.caches.create(params)));
    expect(plain(await via.caches.get({ name: 'cachedContents/lf3bmb1iyl4y' }))).toEqual(
      plain(await direct.caches.get({ name: 'cachedContents/lf3bmb1iyl4y' })),
    );
    expect(plain(viaCache)).toEqual(JSON.parse(body));
    const [viaCreate, directCreate, viaGet, directGet] = mock.requests;
    expect([viaCreate?.method, viaCreate?.path]).toEqual([directCreate?.method, directCreate?.path]);
    expect(viaCreate?.path).toMatch(/^\/v1(beta)?\/cachedContents$/);
    expect([viaGet?.method, viaGet?.path]).toEqual([directGet?.method, directGet?.path]);
    expect(mock.requests[0]?.body).toBe(mock.requests[1]?.body);
    // The create is a call (POST); the get a read, not recorded. $0: its usageMetadata has a
    // total but no prompt tokens. Google bills a cache's storage per token-hour (not priced
    // here), and its tokens at the cached rate in each generateContent that uses it (whose
    // event carries them as cache reads).
    const recorded = (await events()).filter((event) => event.provider === 'google');
    expect(
      recorded.map((event) => [event.model, event.status, event.usage.inputTokens, event.cost?.totalNanos]),
    ).toEqual([['models/gemini-1.5-flash-001', 'ok', 0, 0]]);
  });

  it('countTokens and embedContent: same answers, recorded', async () => {
    const counted = fixture('gemini-count-tokens.json');
    const embedded = fixture('gemini-embed-content.json');
    mock.enqueue(json(counted), json(counted), json(embedded), json(embedded));
    const via = gemini(`${server.url}/gemini`);
    const direct = gemini(mock.url);
    const count = { model: 'gemini-2.0-flash', contents: 'Hi' };
    expect(plain(await via.models.countTokens(count))).toEqual(plain(await direct.models.countTokens(count)));
    const embed = { model: 'text-embedding-004', contents: 'Hi' };
    expect(plain(await via.models.embedContent(embed))).toEqual(plain(await direct.models.embedContent(embed)));
    const recorded = (await events()).filter(
      (event) => event.model === 'gemini-2.0-flash' || event.model === 'text-embedding-004',
    );
    expect(
      recorded
        .map((event) => [
          event.model,
          event.status,
          event.usage.totalTokens,
          event.cost?.totalNanos ?? null,
          event.usageUnavailableReason,
        ])
        .sort(),
    ).toEqual([
      // The count is free: a call of no tokens at $0. Gemini's embedContent answer carries no usage.
      ['gemini-2.0-flash', 'ok', 0, 0, undefined],
      ['text-embedding-004', 'ok', undefined, null, 'response has no usageMetadata'],
    ]);
  });
});
