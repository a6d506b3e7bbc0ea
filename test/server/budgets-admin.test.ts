/**
 * The budget admin API through real servers: budgets created, changed, topped up, paused and
 * deleted over HTTP are enforced by the gateway, audited with the admin key's id (never the
 * key), survive a restart (SQLite), and are enforced by another server on the same PostgreSQL.
 * Config-file budgets are listed and read-only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET_REFRESH_MS } from '#src/budgets/index.js';
import { parseConfig } from '#src/config/index.js';
import { type RunningServer, startServer } from '#src/server/index.js';
import { type MockProvider, startMockProvider } from '../helpers/mock-provider.js';
import { dropSchemas, PG_URL, uniqueSchema } from '../store/pg-admin.js';

const ADMIN = 'admin-secret-0123456789';
const READ = 'read-secret-0123456789';
const env = { TL_ADMIN: ADMIN, TL_READ: READ };
const CONFIG = {
  server: { adminKey: 'env:TL_ADMIN', readKey: 'env:TL_READ' },
  budgets: [{ name: 'from-file', capUsd: 50, window: 'day' }],
};
/** The worst case of the call below (gpt-4.1-nano, max_tokens 1000), as the gateway holds it. */
const CALL_HOLD_USD = 0.000401;

const dir = mkdtempSync(join(tmpdir(), 'budgets-admin-'));
const schema = uniqueSchema('tl_budget_admin');
let mock: MockProvider;

beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas([schema]);
});

function serve(db: string): Promise<RunningServer> {
  const withMock = { ...env, OPENAI_BASE_URL: `${mock.url}/v1` };
  return startServer({
    port: 0,
    db,
    env: withMock,
    config: parseConfig(CONFIG, 'inline', withMock),
    logger: pino({ level: 'silent' }),
  });
}

/** `null`: no key. */
function api(server: RunningServer, key: string | null = ADMIN) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}/v1/budgets${path}`, {
      method,
      headers: {
        ...(key === null ? {} : { 'x-tokenledger-key': key }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, text };
  };
}

/** One gateway call as agent `agent`: its status. */
async function call(server: RunningServer, agent: string): Promise<number> {
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer sk-client-1111111111',
      'x-tokenledger-agent': agent,
    },
    body: JSON.stringify({
      model: 'gpt-4.1-nano',
      max_tokens: 1000,
      messages: [{ role: 'user', content: 'a holiday' }],
    }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('the budget admin API on SQLite', () => {
  const db = `sqlite:${join(dir, 'ledger.db')}`;
  let server: RunningServer;
  beforeAll(async () => {
    server = await serve(db);
  });
  afterAll(async () => {
    await server.close();
  });

  it('creates a prepaid budget the gateway enforces at once, tops it up, and audits both', async () => {
    const admin = api(server);
    const created = await admin('POST', '', {
      name: 'prepaid-api',
      capUsd: 0.0001,
      window: 'lifetime',
      scope: { agent: 'api-agent' },
    });
    expect(created.status).toBe(201);
    expect(created.body['budget']).toEqual({
      name: 'prepaid-api',
      capUsd: 0.0001,
      window: 'lifetime',
      scope: { agent: 'api-agent' },
    });
    expect(await call(server, 'api-agent')).toBe(429);
    expect(await call(server, 'someone-else')).toBe(200);

    const topped = await admin('POST', '/prepaid-api/top-up', { amountUsd: 0.0004 });
    expect(topped.status).toBe(200);
    expect((topped.body['budget'] as { capUsd: number }).capUsd).toBe(0.0005);
    // $0.0005 now: one call's worst case ($0.000401) fits, and it settles to its real cost.
    expect(await call(server, 'api-agent')).toBe(200);
    await server.app.flushRecordings();
    const [event] = (await server.store.events({ filter: { agent: 'api-agent' }, limit: 1 })).events;
    const status = await api(server, READ)('GET', '/prepaid-api');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      name: 'prepaid-api',
      source: 'api',
      unit: 'usd',
      window: 'lifetime',
      paused: false,
      cap: 0.0005,
      spent: event?.cost?.total,
      held: 0,
      refused: 1,
      resetsAt: null,
    });

    const audit = await admin('GET', '/audit?budget=prepaid-api');
    expect(audit.status).toBe(200);
    const entries = audit.body['entries'] as Record<string, unknown>[];
    expect(entries.map((entry) => [entry['action'], entry['actor']])).toEqual([
      ['top-up', 'TL_ADMIN'],
      ['create', 'TL_ADMIN'],
    ]);
    expect(entries[0]).toMatchObject({
      budget: 'prepaid-api',
      before: { capUsd: 0.0001 },
      after: { capUsd: 0.0005 },
    });
    expect(Date.parse(String(entries[0]?.['at']))).toBeGreaterThan(Date.now() - 60_000);
    expect(audit.text).not.toContain(ADMIN);
  });

  it('pauses, resumes, changes and deletes; every change audited in order', async () => {
    const admin = api(server);
    expect(
      (await admin('POST', '', { name: 'daily-api', capUsd: 0.0001, window: 'day', scope: { agent: 'pausing' } }))
        .status,
    ).toBe(201);
    expect(await call(server, 'pausing')).toBe(429);
    expect((await admin('POST', '/daily-api/pause')).body['budget']).toMatchObject({ paused: true });
    expect(await call(server, 'pausing')).toBe(200);
    expect((await admin('POST', '/daily-api/resume')).status).toBe(200);
    expect(await call(server, 'pausing')).toBe(429);
    const changed = await admin('PATCH', '/daily-api', { capUsd: 1, timeZone: 'Europe/Paris' });
    expect(changed.status).toBe(200);
    expect(changed.body['budget']).toEqual({
      name: 'daily-api',
      capUsd: 1,
      window: 'day',
      timeZone: 'Europe/Paris',
      scope: { agent: 'pausing' },
      paused: false,
    });
    expect(await call(server, 'pausing')).toBe(200);
    const topUp = await admin('POST', '/daily-api/top-up', { amountUsd: 1 });
    expect(topUp.status).toBe(409);
    expect(topUp.body).toEqual({
      error: {
        code: 'budget_not_prepaid',
        field: 'window',
        message:
          'budget daily-api has a day window: only lifetime (prepaid) budgets are topped up; change capUsd or capTokens instead',
      },
    });
    expect((await admin('DELETE', '/daily-api')).status).toBe(200);
    expect(await call(server, 'pausing')).toBe(200);
    expect((await admin('GET', '/daily-api')).status).toBe(404);
    const entries = (await admin('GET', '/audit?budget=daily-api')).body['entries'] as Record<string, unknown>[];
    expect(entries.map((entry) => entry['action'])).toEqual(['delete', 'change', 'resume', 'pause', 'create']);
    expect(entries[0]).toMatchObject({ before: { capUsd: 1 }, after: null });
  });

  it("lists config-file budgets beside the API ones; the file's are read-only, and the 409 says so", async () => {
    const admin = api(server);
    const listed = await api(server, READ)('GET', '');
    const names = (listed.body['budgets'] as { name: string; source: string }[]).map((entry) => [
      entry.name,
      entry.source,
    ]);
    expect(names).toContainEqual(['from-file', 'config']);
    expect(names).toContainEqual(['prepaid-api', 'api']);
    const message =
      'budget from-file is defined in the config file: read-only through the API (change the file and restart)';
    for (const [method, path, body] of [
      ['PATCH', '/from-file', { capUsd: 1 }],
      ['POST', '/from-file/pause', undefined],
      ['DELETE', '/from-file', undefined],
      ['POST', '', { name: 'from-file', capUsd: 1, window: 'day' }],
    ] as const) {
      const refused = await admin(method, path, body);
      expect(refused.status).toBe(409);
      expect(refused.body).toEqual({ error: { code: 'budget_read_only', field: 'name', message } });
    }
  });

  it('refuses bad bodies with a 400 naming the field, and the wrong keys', async () => {
    const admin = api(server);
    const cases: [unknown, string, string][] = [
      [{ name: 'bad', capUsd: -1, window: 'day' }, 'capUsd', 'capUsd: Too small: expected number to be >=0'],
      [{ name: 'bad', capUsd: 1, window: 'fortnight' }, 'window', 'window: '],
      [{ name: 'bad', capUsd: 1, window: 'day', colour: 'red' }, 'colour', 'colour: '],
      [{ name: 'bad', window: 'day' }, 'capUsd', 'capUsd: give exactly one of capUsd and capTokens'],
      [{ name: 'bad one', capUsd: 1, window: 'day' }, 'name', 'name: letters, digits'],
      [[1, 2], 'body', 'body: '],
    ];
    for (const [body, field, message] of cases) {
      const refused = await admin('POST', '', body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect((refused.body['error'] as { field: string }).field).toBe(field);
      expect((refused.body['error'] as { message: string }).message.startsWith(message)).toBe(true);
    }
    expect((await admin('POST', '', { name: 'prepaid-api', capUsd: 1, window: 'day' })).body).toMatchObject({
      error: { code: 'budget_exists', field: 'name' },
    });
    expect((await admin('PATCH', '/prepaid-api', { name: 'renamed' })).body).toMatchObject({
      error: { code: 'invalid_input', field: 'name' },
    });
    expect((await admin('POST', '/prepaid-api/top-up', { amountTokens: 5 })).body).toMatchObject({
      error: { code: 'invalid_input', field: 'amountUsd' },
    });
    expect((await admin('POST', '/prepaid-api/top-up', { amountUsd: 0 })).body).toMatchObject({
      error: { code: 'invalid_input', field: 'amountUsd' },
    });
    expect((await admin('POST', '/missing/top-up', { amountUsd: 1 })).status).toBe(404);
    const asReader = await api(server, READ)('POST', '', { name: 'x', capUsd: 1, window: 'day' });
    expect(asReader.status).toBe(403);
    expect((await api(server, null)('GET', '')).status).toBe(401);
    expect((await api(server, READ)('GET', '/audit')).status).toBe(403);
  });

  it('never shows a literal webhook URL; an env: reference is shown as written', async () => {
    const admin = api(server);
    const hook = 'https://hooks.slack.example/services/T000/B000/secret-token-123';
    const created = await admin('POST', '', {
      name: 'hooked',
      capUsd: 10,
      window: 'month',
      alerts: { at: [80], webhook: hook },
    });
    expect(created.body['budget']).toMatchObject({ alerts: { at: [80], webhook: '[redacted]' } });
    for (const path of ['', '/hooked', '/audit']) expect((await admin('GET', path)).text).not.toContain('secret-token');
    const changed = await admin('PATCH', '/hooked', { alerts: { webhook: 'env:TEAM_HOOK' } });
    expect(changed.body['budget']).toMatchObject({ alerts: { webhook: 'env:TEAM_HOOK' } });
  });

  it('budgets made through the API survive a restart', async () => {
    await server.close();
    server = await serve(db);
    expect(await call(server, 'api-agent')).toBe(429);
    const status = await api(server, READ)('GET', '/prepaid-api');
    expect(status.body).toMatchObject({ source: 'api', cap: 0.0005, refused: 2 });
  });
});

describe('two servers on one PostgreSQL', () => {
  const db = `${PG_URL}?schema=${schema}`;
  let first: RunningServer;
  let second: RunningServer;
  beforeAll(async () => {
    first = await serve(db);
    second = await serve(db);
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
  });

  it('a budget created through one is enforced by the other within the refresh delay, and so is its deletion', async () => {
    expect(await call(second, 'pg-agent')).toBe(200);
    const createdAt = Date.now();
    const created = await api(first)('POST', '', {
      name: 'pg-tiny',
      capUsd: CALL_HOLD_USD / 4,
      window: 'week',
      scope: { agent: 'pg-agent' },
    });
    expect(created.status).toBe(201);
    await expect
      .poll(() => call(second, 'pg-agent'), { timeout: 3 * DEFAULT_BUDGET_REFRESH_MS, interval: 100 })
      .toBe(429);
    expect(Date.now() - createdAt).toBeLessThan(3 * DEFAULT_BUDGET_REFRESH_MS);
    // The other server lists it, with the refusals counted there.
    expect(await api(second, READ)('GET', '/pg-tiny')).toMatchObject({
      status: 200,
      body: { source: 'api', refused: 1 },
    });
    expect((await api(first)('DELETE', '/pg-tiny')).status).toBe(200);
    await expect
      .poll(() => call(second, 'pg-agent'), { timeout: 3 * DEFAULT_BUDGET_REFRESH_MS, interval: 100 })
      .toBe(200);
    const audit = (await api(second)('GET', '/audit')).body['entries'] as { action: string; budget: string }[];
    expect(audit.map((entry) => [entry.action, entry.budget])).toEqual([
      ['delete', 'pg-tiny'],
      ['create', 'pg-tiny'],
    ]);
  });
});
