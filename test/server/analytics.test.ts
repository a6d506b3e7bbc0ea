import { beforeEach, describe, expect, it } from 'vitest';
import {
  usageByAgent,
  usageByModel,
  compareModels,
  usageOverview,
  usageTimeseries,
  usageByRun,
} from '#src/analytics/index.js';
import type { RecordInput } from '#src/types/index.js';
import { jsonPost, makeApp, type TestApp } from './helpers.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const usage = (inputTokens: number, outputTokens: number) => ({ inputTokens, outputTokens });

/** A known data set: two runs, three agents, flash and pro, one failure, one tag. */
const DATA: RecordInput[] = [
  {
    time: T0,
    provider: 'google',
    model: 'gemini-2.5-flash',
    agent: 'indicator_agent',
    run: 'AAPL',
    usage: usage(300, 150),
    durationMs: 1200,
    tags: { team: 'quant' },
  },
  {
    time: T0 + 60_000,
    provider: 'google',
    model: 'gemini-2.5-flash',
    agent: 'volume_agent',
    run: 'AAPL',
    usage: usage(250, 120),
    durationMs: 900,
  },
  {
    time: T0 + 120_000,
    provider: 'google',
    model: 'gemini-2.5-pro',
    agent: 'final_decision_agent',
    run: 'AAPL',
    usage: usage(500, 250),
    durationMs: 4100,
    tags: { team: 'quant' },
  },
  {
    time: T0 + 3_600_000,
    provider: 'google',
    model: 'gemini-2.5-flash',
    agent: 'indicator_agent',
    run: 'MSFT',
    usage: usage(310, 140),
    durationMs: 1100,
  },
  {
    time: T0 + 3_660_000,
    provider: 'google',
    model: 'gemini-2.5-pro',
    agent: 'final_decision_agent',
    run: 'MSFT',
    usage: usage(520, 260),
    durationMs: 3900,
    tags: { team: 'ops' },
  },
  {
    time: T0 + 3_720_000,
    provider: 'google',
    model: 'gemini-2.5-pro',
    agent: 'volume_agent',
    run: 'MSFT',
    status: 'error',
    error: { type: 'RateLimitError', status: 429, message: 'slow down' },
    durationMs: 50,
  },
];

let server: TestApp;
const ADMIN = 'tl-admin-0123456789abcdef';

beforeEach(async () => {
  server = await makeApp({ config: { server: { adminKey: 'env:TL_ADMIN' } }, env: { TL_ADMIN: ADMIN } });
  for (const input of DATA) await server.ledger.record(input, { failOpen: false });
});

const admin = { 'x-tokenledger-key': ADMIN };
const get = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const response = await server.request(path, { headers: admin });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
/** JSON round trip: what the API sends is the analytics' answer as JSON. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('analytics API over a known data set', () => {
  it('GET /analytics/tokens equals the overview, with the hand-checked totals', async () => {
    const { status, body } = await get('/analytics/tokens');
    expect(status).toBe(200);
    const expected = asJson(await usageOverview(server.store, {})) as Record<string, unknown>;
    expect(body).toEqual({ filter: {}, ...expected });
    const summary = body['summary'] as {
      calls: number;
      failures: number;
      tokens: { input: number; output: number; total: number };
    };
    expect(summary.calls).toBe(6);
    expect(summary.failures).toBe(1);
    expect(summary.tokens).toMatchObject({ input: 300 + 250 + 500 + 310 + 520, output: 150 + 120 + 250 + 140 + 260 });
  });

  it('models, agents, runs and timeseries equal the library answers, filters combined', async () => {
    const models = await get('/analytics/tokens/models?agent=final_decision_agent&from=2026-03-01T10:30:00Z');
    expect(models.body['models']).toEqual(
      asJson(
        await usageByModel(server.store, { agent: 'final_decision_agent', from: new Date('2026-03-01T10:30:00Z') }),
      ),
    );
    expect((models.body['models'] as { calls: number }[])[0]!.calls).toBe(1);
    const agents = await get('/analytics/tokens/agents?model=gemini-2.5-flash&tag.team=quant');
    expect(agents.body['agents']).toEqual(
      asJson(await usageByAgent(server.store, { model: 'gemini-2.5-flash', tags: { team: 'quant' } })),
    );
    expect((agents.body['agents'] as { agent: string }[]).map((row) => row.agent)).toEqual(['indicator_agent']);
    const allRuns = asJson(await usageByRun(server.store, {})) as { run: string | null }[];
    const runs = await get('/analytics/tokens/runs');
    expect(runs.body['runs']).toEqual(allRuns);
    expect(runs.body).toMatchObject({ limit: 1000, total: allRuns.length });
    // A limit keeps the most recent runs and still counts them all.
    const latest = await get('/analytics/tokens/runs?limit=1');
    expect(latest.body['runs']).toEqual(allRuns.slice(0, 1));
    expect(latest.body).toMatchObject({ limit: 1, total: allRuns.length, filter: {} });
    expect(allRuns.length).toBeGreaterThan(1);
    const series = await get('/analytics/tokens/timeseries?interval=1h&provider=google');
    expect(series.body).toEqual({
      filter: { provider: 'google' },
      ...(asJson(await usageTimeseries(server.store, '1h', { provider: 'google' })) as object),
    });
  });

  it('GET /analytics/tokens/runs/:run gives the run report with its text', async () => {
    const { body } = await get('/analytics/tokens/runs/AAPL');
    expect((body['summary'] as { calls: number }).calls).toBe(3);
    expect(body['text']).toContain('TOKEN USAGE SUMMARY for AAPL');
  });

  it('POST /analytics/tokens/compare answers side by side, in the order asked', async () => {
    const response = await server.request(
      '/analytics/tokens/compare',
      jsonPost({ models: ['gemini-2.5-pro', 'gemini-2.5-flash'] }, admin),
    );
    const body = (await response.json()) as { models: { model: string; calls: number; successRate: number }[] };
    expect(body).toEqual({
      filter: {},
      ...(asJson(await compareModels(server.store, ['gemini-2.5-pro', 'gemini-2.5-flash'])) as object),
    });
    expect(body.models.map((row) => [row.model, row.calls])).toEqual([
      ['gemini-2.5-pro', 3],
      ['gemini-2.5-flash', 3],
    ]);
    expect(body.models[0]!.successRate).toBeCloseTo(2 / 3);
  });

  it('reset needs the admin key, a filter (or all: true), and says how many it removed', async () => {
    const without = await server.request('/analytics/tokens/reset', jsonPost({ filter: { run: 'AAPL' } }));
    expect(without.status).toBe(401);
    expect(await without.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const wrong = await server.request(
      '/analytics/tokens/reset',
      jsonPost({ filter: { run: 'AAPL' } }, { 'x-tokenledger-key': `${ADMIN}x` }),
    );
    expect(wrong.status).toBe(401);
    const unscoped = await server.request('/analytics/tokens/reset', jsonPost({}, admin));
    expect(unscoped.status).toBe(400);
    const scoped = await server.request('/analytics/tokens/reset', jsonPost({ filter: { run: 'AAPL' } }, admin));
    expect(await scoped.json()).toEqual({ removed: 3, filter: { run: 'AAPL' } });
    expect(((await get('/analytics/tokens')).body['summary'] as { calls: number }).calls).toBe(3);
    const all = await server.request(
      '/analytics/tokens/reset',
      jsonPost({ all: true }, { authorization: `Bearer ${ADMIN}` }),
    );
    expect(await all.json()).toMatchObject({ removed: 3 });
    // The key is never echoed or logged.
    expect(server.logger.lines.join('\n')).not.toContain(ADMIN);
  });

  it('pages raw events and exports CSV and NDJSON', async () => {
    const first = await get('/analytics/events?limit=4');
    expect((first.body['events'] as unknown[]).length).toBe(4);
    const next = await get(
      `/analytics/events?limit=4&cursor=${encodeURIComponent(first.body['nextCursor'] as string)}`,
    );
    expect((next.body['events'] as unknown[]).length).toBe(2);
    expect(next.body['nextCursor']).toBeNull();
    const csv = await (await server.request('/analytics/events?format=csv&run=MSFT', { headers: admin })).text();
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^id,time,provider,model/);
    const ndjson = await (await server.request('/analytics/events?format=ndjson', { headers: admin })).text();
    expect(
      ndjson
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { model: string }).model),
    ).toHaveLength(6);
  });
});

describe('analytics API: bad input', () => {
  it.each([
    ['/analytics/tokens?modle=x', 'modle'],
    ['/analytics/tokens?from=yesterday', 'from'],
    ['/analytics/tokens?from=2026-03-02&to=2026-03-01', 'from'],
    ['/analytics/tokens?status=maybe', 'status'],
    ['/analytics/tokens/timeseries?interval=5m', 'interval'],
    ['/analytics/events?limit=0', 'limit'],
    ['/analytics/tokens/runs?limit=0', 'limit'],
    ['/analytics/tokens/runs?limit=10001', 'limit'],
    ['/analytics/tokens/runs?limit=ten', 'limit'],
    ['/analytics/events?format=xml', 'format'],
  ])('%s is a 400 naming %s', async (path, field) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: 'invalid_input', field } });
  });

  it('malformed JSON, wrong types and unknown routes are 4xx with a JSON error', async () => {
    const malformed = await server.request('/analytics/tokens/compare', jsonPost('{"models": [', admin));
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'invalid_json' } });
    const wrongType = await server.request('/analytics/tokens/compare', jsonPost({ models: 'gemini' }, admin));
    expect(await wrongType.json()).toMatchObject({ error: { field: 'models' } });
    const missing = await server.request('/analytics/nothing', { headers: admin });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('an unexpected failure is a 500 that does not echo internals', async () => {
    server.store.aggregate = () => Promise.reject(new Error('SQLITE_CORRUPT at /secret/path.db'));
    const response = await server.request('/analytics/tokens', { headers: admin });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('/secret/path.db');
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'internal error' } });
  });
});
