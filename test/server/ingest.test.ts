import { describe, expect, it } from 'vitest';
import { StoreError } from '#src/errors/index.js';
import { openStore } from '#src/store/index.js';
import { fixtureBody } from '../helpers/mock-provider.js';
import { jsonPost, makeApp } from './helpers.js';

describe('POST /v1/usage', () => {
  it('takes one event, answers its id once stored, and re-sent ids are idempotent', async () => {
    const server = await makeApp();
    const event = {
      id: '01JTESTINGEST000000000001',
      provider: 'openai',
      model: 'gpt-4o-mini',
      agent: 'py-worker',
      usage: { inputTokens: 100, outputTokens: 20 },
    };
    const response = await server.request('/v1/usage', jsonPost(event));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ids: [event.id], recorded: 1, duplicates: 0, deadLettered: [] });
    const again = await server.request('/v1/usage', jsonPost(event));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ids: [event.id], recorded: 0, duplicates: 1, deadLettered: [] });
    const page = await server.store.events({ filter: {}, limit: 10 });
    expect(page.events).toHaveLength(1);
    expect(page.events[0]).toMatchObject({
      id: event.id,
      agent: 'py-worker',
      usage: { inputTokens: 100, outputTokens: 20, totalTokens: 120 },
    });
  });

  it('takes an array or {events: [...]}, and raw provider responses normalized here', async () => {
    const server = await makeApp();
    const batch = [
      { provider: 'anthropic', response: fixtureBody('anthropic-01-plain'), agent: 'a', run: 'r' },
      { provider: 'google', response: fixtureBody('gemini-01-plain'), agent: 'b', run: 'r' },
    ];
    const response = await server.request('/v1/usage', jsonPost({ events: batch }));
    const body = (await response.json()) as { ids: string[] };
    expect(body.ids).toHaveLength(2);
    const arrayResponse = await server.request(
      '/v1/usage',
      jsonPost([{ model: 'm', provider: 'p', usage: { inputTokens: 1, outputTokens: 1 } }]),
    );
    expect(arrayResponse.status).toBe(200);
    const events = (await server.store.events({ filter: { run: 'r' }, limit: 10 })).events;
    const byAgent = Object.fromEntries(events.map((event) => [event.agent, event.usage]));
    // Corpus expected values: anthropic-01 12/29, gemini-01 22/40.
    expect(byAgent['a']).toMatchObject({ inputTokens: 12, outputTokens: 29, totalTokens: 41 });
    expect(byAgent['b']).toMatchObject({ inputTokens: 22, outputTokens: 40, totalTokens: 62 });
  });

  it('refuses the whole batch when one event is bad, naming it, and stores nothing', async () => {
    const server = await makeApp();
    const response = await server.request(
      '/v1/usage',
      jsonPost([
        { provider: 'p', model: 'm', usage: { inputTokens: 1 } },
        { provider: 'p', model: 'm', usage: { inputTokens: 'ten' } },
      ]),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { field: string; message: string } };
    expect(body.error.field).toMatch(/^events\[1\]\.usage/);
    expect((await server.store.events({ filter: {}, limit: 10 })).events).toHaveLength(0);
  });

  it('limits events per request and body size; malformed JSON is a 400', async () => {
    const server = await makeApp({ limits: { maxIngestEvents: 3, maxBodyBytes: 2000 } });
    const many = await server.request(
      '/v1/usage',
      jsonPost(Array.from({ length: 4 }, () => ({ provider: 'p', model: 'm' }))),
    );
    expect(many.status).toBe(413);
    expect(await many.json()).toMatchObject({ error: { code: 'too_many_events', field: 'events' } });
    const big = await server.request(
      '/v1/usage',
      jsonPost({ provider: 'p', model: 'm', tags: { note: 'x'.repeat(3000) } }),
    );
    expect(big.status).toBe(413);
    const malformed = await server.request('/v1/usage', jsonPost('{"usage": '));
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'invalid_json' } });
    expect((await server.request('/v1/usage', jsonPost('42'))).status).toBe(400);
  });

  it('answers 503 when the store fails, and everything acknowledged before is kept', async () => {
    const store = await openStore('memory:');
    const server = await makeApp({ store });
    const first = (await (
      await server.request(
        '/v1/usage',
        jsonPost({ provider: 'p', model: 'm', usage: { inputTokens: 5, outputTokens: 1 } }),
      )
    ).json()) as { ids: string[] };
    const insert = store.insert.bind(store);
    store.insert = () => Promise.reject(new StoreError('database is locked at /var/db/x.db'));
    const failed = await server.request(
      '/v1/usage',
      jsonPost({ provider: 'p', model: 'm', usage: { inputTokens: 7, outputTokens: 1 } }),
    );
    expect(failed.status).toBe(503);
    const text = await failed.text();
    expect(text).not.toContain('/var/db');
    store.insert = insert;
    const events = (await store.events({ filter: {}, limit: 10 })).events;
    expect(events.map((event) => event.id)).toEqual(first.ids);
  });

  it('needs the ingest key when one is configured (the admin key works too)', async () => {
    const server = await makeApp({
      config: { server: { ingestKey: 'env:IK', adminKey: 'env:AK' } },
      env: { IK: 'ingest-key-123456', AK: 'admin-key-123456' },
    });
    expect((await server.request('/v1/usage', jsonPost({ provider: 'p', model: 'm' }))).status).toBe(401);
    expect(
      (
        await server.request(
          '/v1/usage',
          jsonPost({ provider: 'p', model: 'm' }, { authorization: 'Bearer ingest-key-123456' }),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await server.request(
          '/v1/usage',
          jsonPost({ provider: 'p', model: 'm' }, { 'x-tokenledger-key': 'admin-key-123456' }),
        )
      ).status,
    ).toBe(200);
    // The ingest key is not an admin key.
    expect(
      (await server.request('/analytics/tokens', { headers: { 'x-tokenledger-key': 'ingest-key-123456' } })).status,
    ).toBe(401);
  });
});
