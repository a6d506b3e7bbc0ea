/**
 * GET /analytics/calls and /analytics/calls/:id over a seeded ledger on every store: pages
 * sorted by time, cost, latency and tokens equal a brute-force sort of the raw events
 * (test/store/reference.ts), a CSV or NDJSON download holds exactly the page shown, and one
 * call's detail has its raw usage, today's price source and the attempts linked by its trace span.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPricer } from '#src/pricing/index.js';
import type { CallDetail, CallRow, CallsPage, Filter, UsageEvent } from '#src/types/index.js';
import { testStores } from '../analytics/stores.js';
import { generateEvents } from '../store/generate.js';
import { referenceCalls } from '../store/reference.js';
import { makeApp, type TestApp } from './helpers.js';

const T0 = Date.UTC(2026, 1, 2);
const SEEDED: UsageEvent[] = generateEvents({ seed: 21, count: 700, startMs: T0, spanMs: 30 * 3_600_000 });

/** One request retried under one trace span (a 429, then an answer), and a call of another span of the trace. */
const TRACE = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };
const usage = {
  inputTokens: 1000,
  outputTokens: 500,
  totalTokens: 1500,
  cacheReadTokens: 200,
  cacheWriteTokens: undefined,
  reasoningTokens: undefined,
};
const priced = createPricer().price({
  provider: 'openai',
  model: 'gpt-4o',
  usage,
  time: new Date(T0 + 3_600_000),
});
const ANSWER: UsageEvent = {
  id: 'call-answer',
  time: new Date(T0 + 3_600_000).toISOString(),
  provider: 'openai',
  model: 'gpt-4o',
  // A client's text a spreadsheet would read as a formula.
  requestedModel: '+gpt-4o',
  agent: 'trader',
  run: 'AAPL',
  tags: { team: 'red' },
  usage,
  rawUsage: { prompt_tokens: 1000, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 200 } },
  cost: priced.cost,
  durationMs: 812.5,
  timeToFirstTokenMs: 140.25,
  status: 'ok',
  attempts: 2,
  estimated: false,
  warnings: ['=cmd|calc'],
  trace: TRACE,
};
const REFUSED: UsageEvent = {
  ...ANSWER,
  id: 'call-refused',
  time: new Date(T0 + 3_600_000 - 900).toISOString(),
  usage: {
    inputTokens: undefined,
    outputTokens: undefined,
    totalTokens: undefined,
    cacheReadTokens: undefined,
    cacheWriteTokens: undefined,
    reasoningTokens: undefined,
  },
  usageUnavailableReason: 'the call failed',
  cost: null,
  costUnavailableReason: 'usage unavailable',
  status: 'error',
  error: { type: 'RateLimitError', status: 429, message: 'rate limited' },
  attempts: 1,
  durationMs: 20,
  warnings: undefined,
  timeToFirstTokenMs: undefined,
  rawUsage: undefined,
};
const OTHER_SPAN: UsageEvent = {
  ...ANSWER,
  id: 'call-other-span',
  time: new Date(T0 + 3_600_000 + 5000).toISOString(),
  trace: { ...TRACE, spanId: '00f067aa0ba902b7' },
};
const EVENTS = [...SEEDED, ANSWER, REFUSED, OTHER_SPAN];

/** The call rows of the reference's order, as the API answers them. */
function expectedRow(event: UsageEvent): CallRow {
  return {
    id: event.id,
    time: event.time,
    provider: event.provider,
    model: event.model,
    requestedModel: event.requestedModel ?? null,
    agent: event.agent ?? null,
    run: event.run ?? null,
    tags: event.tags,
    status: event.status,
    inputTokens: event.usage.inputTokens ?? null,
    outputTokens: event.usage.outputTokens ?? null,
    totalTokens: event.usage.totalTokens ?? null,
    cacheReadTokens: event.usage.cacheReadTokens ?? null,
    cacheWriteTokens: event.usage.cacheWriteTokens ?? null,
    reasoningTokens: event.usage.reasoningTokens ?? null,
    costUsd: event.cost?.total ?? null,
    durationMs: event.durationMs ?? null,
    timeToFirstTokenMs: event.timeToFirstTokenMs ?? null,
    errorType: event.error?.type ?? null,
    errorStatus: event.error?.status ?? null,
    attempts: event.attempts,
    estimated: event.estimated,
    warnings: event.warnings ?? [],
  };
}

/** Splits one CSV line (RFC 4180 quotes). */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

const CASES: { query: string; filter: Filter; sort: 'time' | 'cost' | 'latency' | 'tokens'; limit: number }[] = [
  { query: 'limit=150', filter: {}, sort: 'time', limit: 150 },
  { query: 'sort=cost&limit=90', filter: {}, sort: 'cost', limit: 90 },
  {
    query: 'sort=latency&limit=200&agent=trader&agent=news_agent',
    filter: { agent: ['trader', 'news_agent'] },
    sort: 'latency',
    limit: 200,
  },
  {
    query: 'sort=tokens&limit=40&tag.team=red&not.model=gpt-4o',
    filter: { tags: { team: 'red' }, exclude: { model: ['gpt-4o'] } },
    sort: 'tokens',
    limit: 40,
  },
  {
    query: `sort=cost&limit=25&status=error&from=${new Date(T0 + 2 * 3_600_000).toISOString()}`,
    filter: { status: 'error', from: new Date(T0 + 2 * 3_600_000) },
    sort: 'cost',
    limit: 25,
  },
];

for (const kind of testStores('tl_calls')) {
  describe(`GET /analytics/calls on ${kind.kind}`, () => {
    let app: TestApp;
    beforeAll(async () => {
      const store = await kind.open();
      await store.insert(EVENTS);
      app = await makeApp({ store });
    });
    afterAll(async () => {
      await app.store.close();
      await kind.cleanup();
    });

    it.each(CASES)(
      '?$query pages through every call in the reference order',
      async ({ query, filter, sort, limit }) => {
        const expected = referenceCalls(EVENTS, filter, sort);
        expect(expected.length).toBeGreaterThan(limit);
        const seen: CallRow[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const response = await app.request(`/analytics/calls?${query}${cursor === null ? '' : `&cursor=${cursor}`}`);
          expect(response.status).toBe(200);
          const page = (await response.json()) as CallsPage;
          expect([page.sort, page.limit]).toEqual([sort, limit]);
          expect(page.calls.length).toBe(Math.min(limit, expected.length - seen.length));
          seen.push(...page.calls);
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== null && pages < 50);
        expect(pages).toBe(Math.ceil(expected.length / limit));
        expect(seen).toEqual(expected.map(expectedRow));
      },
    );

    it('downloads exactly the page shown, as CSV and NDJSON, with the next cursor', async () => {
      const query = 'sort=cost&limit=30&tag.team=red';
      const first = (await (await app.request(`/analytics/calls?${query}`)).json()) as CallsPage;
      const second = (await (
        await app.request(`/analytics/calls?${query}&cursor=${first.nextCursor}`)
      ).json()) as CallsPage;
      const csv = await app.request(`/analytics/calls?${query}&cursor=${first.nextCursor}&format=csv`);
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(csv.headers.get('content-disposition')).toBe('attachment; filename="tokenledger-calls.csv"');
      expect(csv.headers.get('x-next-cursor')).toBe(second.nextCursor);
      const lines = (await csv.text()).split('\n');
      expect(lines.pop()).toBe('');
      expect(lines[0]).toBe(
        'id,time,provider,model,requestedModel,agent,run,tags,status,inputTokens,outputTokens,totalTokens,cacheReadTokens,cacheWriteTokens,reasoningTokens,costUsd,durationMs,timeToFirstTokenMs,errorType,errorStatus,attempts,estimated,warnings',
      );
      expect(lines.slice(1).map((line) => csvCells(line)[0])).toEqual(second.calls.map((call) => call.id));
      for (const [i, line] of lines.slice(1).entries()) {
        const call = second.calls[i] as CallRow;
        const cells = csvCells(line);
        expect(cells[15]).toBe(call.costUsd === null ? '' : String(call.costUsd));
        expect(cells[11]).toBe(call.totalTokens === null ? '' : String(call.totalTokens));
      }
      const ndjson = await app.request(`/analytics/calls?${query}&cursor=${first.nextCursor}&format=ndjson`);
      expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson');
      const rows = (await ndjson.text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as CallRow);
      expect(rows).toEqual(second.calls);
    });

    it('the CSV defuses a formula and keeps unknowns empty', async () => {
      const csv = await (
        await app.request(
          '/analytics/calls?run=AAPL&tag.team=red&model=gpt-4o&from=' +
            ANSWER.time +
            '&to=' +
            new Date(T0 + 3_600_001).toISOString() +
            '&format=csv',
        )
      ).text();
      const [, line] = csv.split('\n');
      expect(line).toBe(
        `call-answer,${ANSWER.time},openai,gpt-4o,'+gpt-4o,trader,AAPL,"{""team"":""red""}",ok,1000,500,1500,200,,,0.00725,812.5,140.25,,,2,false,"[""=cmd|calc""]"`,
      );
    });

    it.each([
      ['sort=fame', 'sort'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['format=xml', 'format'],
      ['cursor=garbage', 'cursor'],
      ['color=red', 'color'],
      ['tag.=x', 'tag.'],
      ['status=ok&status=error', 'status'],
    ])('?%s is a 400 naming %s', async (query, field) => {
      const response = await app.request(`/analytics/calls?${query}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { field?: string } }).error.field).toBe(field);
    });

    it('refuses a cursor of another sort, naming both', async () => {
      const byCost = (await (await app.request('/analytics/calls?sort=cost&limit=5')).json()) as CallsPage;
      const response = await app.request(`/analytics/calls?sort=latency&cursor=${byCost.nextCursor}`);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { field?: string; message: string } };
      expect(body.error).toMatchObject({
        field: 'cursor',
        message: 'cursor is from a page sorted by cost, not latency',
      });
    });

    it("one call's detail: the event, today's price and the attempts of its trace span", async () => {
      const response = await app.request('/analytics/calls/call-answer');
      expect(response.status).toBe(200);
      const detail = (await response.json()) as CallDetail;
      expect(detail.event).toEqual(JSON.parse(JSON.stringify(ANSWER)));
      expect(detail.call).toEqual(expectedRow(ANSWER));
      expect(detail.pricing).toEqual({
        source: 'catalog',
        modelId: 'gpt-4o',
        prices: { input: 2.5, output: 10, cacheRead: 1.25, cacheWrite: 2.5, cacheWrite1h: 2.5 },
        cost: {
          input: 0.002,
          cacheRead: 0.00025,
          cacheWrite: 0,
          output: 0.005,
          total: 0.00725,
          currency: 'USD',
          totalNanos: 7_250_000,
          cacheSavings: 0.00025,
        },
        reason: null,
        sameAsStored: true,
      });
      expect(detail.attempts.map((a) => [a.id, a.status, a.errorStatus, a.attempts])).toEqual([
        ['call-refused', 'error', 429, 1],
        ['call-answer', 'ok', null, 2],
      ]);
      const refused = (await (await app.request('/analytics/calls/call-refused')).json()) as CallDetail;
      expect(refused.attempts.map((a) => a.id)).toEqual(['call-refused', 'call-answer']);
      // Unpriced when stored (no usage), and no usage to price now either.
      expect(refused.pricing).toMatchObject({ source: 'catalog', cost: null, sameAsStored: true });
      expect(refused.pricing.reason).toEqual(expect.any(String));
      const seeded = (await (await app.request(`/analytics/calls/${SEEDED[3]?.id}`)).json()) as CallDetail;
      expect(seeded.attempts.map((a) => a.id)).toEqual([SEEDED[3]?.id]);
    });

    it('an unknown id is a 404; a NUL in it or a parameter is a 400', async () => {
      const missing = await app.request('/analytics/calls/no-such-call');
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
      expect((await app.request('/analytics/calls/a%00b')).status).toBe(400);
      const param = await app.request('/analytics/calls/call-answer?sort=cost');
      expect(param.status).toBe(400);
      expect(((await param.json()) as { error: { field?: string } }).error.field).toBe('sort');
    });
  });
}

describe('GET /analytics/calls with keys configured', () => {
  it('needs the read or admin key', async () => {
    const app = await makeApp({
      config: { server: { readKey: 'read-key-0123456789abcdef', adminKey: 'admin-key-0123456789abcdef' } },
    });
    await app.store.insert([ANSWER]);
    for (const path of ['/analytics/calls', '/analytics/calls/call-answer'])
      expect((await app.request(path)).status).toBe(401);
    for (const key of ['read-key-0123456789abcdef', 'admin-key-0123456789abcdef']) {
      const response = await app.request('/analytics/calls/call-answer', {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(response.status).toBe(200);
    }
    await app.store.close();
  });
});
