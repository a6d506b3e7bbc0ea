/**
 * Issue 9, item 9 ("bad values stored"), on every store: a value no store holds as given is a
 * 400 naming its field, never Inf/REAL in SQLite or a "retry later" 503 on PostgreSQL, and a
 * filter no store can compare (NUL) is a 400 too.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { testStores } from '../analytics/stores.js';
import { jsonPost, makeApp } from './helpers.js';

const stores = testStores('hostile_values');
afterAll(async () => {
  for (const store of stores) await store.cleanup();
});

const VALID = {
  provider: 'openai',
  model: 'gpt-4o-mini',
  usage: { inputTokens: 10, outputTokens: 5 },
  durationMs: 800,
};

const REFUSED: [string, Record<string, unknown>, string][] = [
  ['durationMs: 1e308', { durationMs: 1e308 }, 'durationMs'],
  ['durationMs: 1e17', { durationMs: 1e17 }, 'durationMs'],
  ['timeToFirstTokenMs: 1e308', { timeToFirstTokenMs: 1e308 }, 'timeToFirstTokenMs'],
  ['providerCost: 1e12', { providerCost: 1e12 }, 'providerCost'],
  ['attempts: 1e10', { attempts: 1e10 }, 'attempts'],
  ['a NUL in a tag', { tags: { a: '\u0000' } }, 'tags.a'],
  ['time: 2026-02-30', { time: '2026-02-30' }, 'time'],
];

describe.each(stores)('hostile values on $kind', (testStore) => {
  it.each(REFUSED)('%s is a 400 naming the field, and nothing is stored', async (_name, patch, field) => {
    const store = await testStore.open();
    try {
      const server = await makeApp({ store });
      const answer = await server.request('/v1/usage', jsonPost({ ...VALID, ...patch }));
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ error: { code: 'invalid_input', field } });
      expect((await store.events({ filter: {}, limit: 10 })).events).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('averages stay numbers after refused values: the ledger holds only what it can sum', async () => {
    const store = await testStore.open();
    try {
      const server = await makeApp({ store });
      await server.request('/v1/usage', jsonPost({ ...VALID, durationMs: 1e308 }));
      expect((await server.request('/v1/usage', jsonPost(VALID))).status).toBe(200);
      const overview = (await (await server.request('/analytics/tokens')).json()) as {
        summary: { calls: number; latency: { avgMs: number | null } };
      };
      expect(overview.summary.calls).toBe(1);
      expect(overview.summary.latency.avgMs).toBe(800);
    } finally {
      await store.close();
    }
  });

  it('a NUL in a filter is a 400 naming it (was a 503 on PostgreSQL)', async () => {
    const store = await testStore.open();
    try {
      const server = await makeApp({ store });
      for (const [path, field] of [
        ['/analytics/tokens?agent=%00', 'agent'],
        ['/analytics/events?tag.team=a%00b', 'tag.team'],
        ['/analytics/tokens/runs/a%00b', 'run'],
        ['/analytics/tokens?from=2026-02-30', 'from'],
      ] as const) {
        const answer = await server.request(path);
        expect(answer.status, path).toBe(400);
        expect(await answer.json(), path).toMatchObject({ error: { field } });
      }
      const compare = await server.request('/analytics/tokens/compare', jsonPost({ models: ['gpt-4o', 'a\u0000'] }));
      expect(compare.status).toBe(400);
      expect(await compare.json()).toMatchObject({ error: { field: 'models' } });
    } finally {
      await store.close();
    }
  });
});
