import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { pino } from 'pino';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';
import { makeApp } from './helpers.js';

const GATEWAY_KEY = 'tl-gw-client-key-aaaaaaaa';
const UPSTREAM_KEY = 'sk-upstream-secret-bbbbbbbb';
const ADMIN_KEY = 'tl-admin-key-cccccccc';

let mock: MockProvider;
let server: RunningServer;
const logLines: string[] = [];

beforeAll(async () => {
  mock = await startMockProvider();
  const env = { OPENAI_BASE_URL: `${mock.url}/v1`, GW: GATEWAY_KEY, UP: UPSTREAM_KEY, ADMIN: ADMIN_KEY };
  const config = parseConfig(
    {
      server: {
        adminKey: 'env:ADMIN',
        gatewayKeys: [
          { key: 'env:GW', provider: 'openai', upstreamKey: 'env:UP', agent: 'team-a', tags: { team: 'a' } },
        ],
      },
    },
    'inline',
    env,
  );
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    db: 'memory:',
    env,
    config,
    logger: pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) }),
  });
});
afterAll(async () => {
  await server.close();
  await mock.close();
});

describe('gateway keys', () => {
  it('a gateway key maps to the upstream key and default attribution; clients never hold the provider key', async () => {
    const client = new OpenAI({
      apiKey: GATEWAY_KEY,
      baseURL: `${server.url}/v1`,
      maxRetries: 0,
      defaultHeaders: { 'x-tokenledger-run': 'r9' },
    });
    const completion = await client.chat.completions.create({ model: 'gpt-4.1-nano', messages: [] });
    expect(completion.usage?.total_tokens).toBe(379);
    expect(mock.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEY}`);
    await server.app.flushRecordings();
    const [event] = (await server.store.events({ filter: {}, limit: 1 })).events;
    expect(event).toMatchObject({ agent: 'team-a', run: 'r9', tags: { team: 'a' } });
  });

  it('without a valid gateway key: 401, and the upstream is never called', async () => {
    const before = mock.requests.length;
    for (const auth of [undefined, 'Bearer wrong-key-000000', `Bearer ${GATEWAY_KEY}x`]) {
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: auth === undefined ? {} : { authorization: auth },
        body: '{}',
      });
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(text).not.toContain('wrong-key');
    }
    expect(mock.requests.length).toBe(before);
  });

  it('no key ever reaches a log line', () => {
    const text = logLines.join('\n');
    for (const key of [GATEWAY_KEY, UPSTREAM_KEY, ADMIN_KEY]) expect(text).not.toContain(key);
  });
});

describe('keys configured for some roles only', () => {
  it('with only gateway keys (a public server), reset, analytics and ingest are locked, naming the missing key', async () => {
    const app = await makeApp({
      config: { server: { gatewayKeys: [{ key: 'env:GW', provider: 'openai' }] } },
      env: { GW: 'gw-only-key-1234567' },
    });
    const reset = await app.request('/analytics/tokens/reset', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"all": true}',
    });
    expect(reset.status).toBe(401);
    expect(await reset.json()).toMatchObject({
      error: { code: 'unauthorized', message: expect.stringContaining('server.adminKey') as unknown },
    });
    expect((await app.request('/analytics/tokens')).status).toBe(401);
    expect((await app.request('/v1/usage', { method: 'POST', body: '{}' })).status).toBe(401);
    expect(app.keysConfigured).toBe(true);
  });
});

describe('operations endpoints', () => {
  it('/healthz, /metrics (Prometheus, with the recorded call) and /openapi.json', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: 'memory' });
    // Keys are configured here, so /metrics needs the read or admin key.
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const metrics = await (
      await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    ).text();
    expect(metrics).toMatch(
      /tokenledger_tokens_total\{provider="openai",model="gpt-4.1-nano-2025-04-14",agent="team-a",kind="output"\} 363/,
    );
    expect(metrics).toMatch(/tokenledger_calls_total\{[^}]*status="ok"\} 1/);
    expect(metrics).toContain('tokenledger_gateway_overhead_seconds_bucket');
    const openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(openapi.openapi).toBe('3.1.0');
    for (const path of [
      '/analytics/tokens',
      '/analytics/tokens/compare',
      '/analytics/tokens/reset',
      '/analytics/events',
      '/v1/usage',
      '/v1/budgets',
      '/v1/budgets/{name}/top-up',
      '/v1/budgets/audit',
      '/v1/chat/completions',
      '/anthropic/v1/messages',
      '/metrics',
      '/healthz',
    ]) {
      expect(openapi.paths).toHaveProperty([path]);
    }
  });

  it('the dashboard placeholder is served at / when web/dist is absent', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('/analytics/tokens');
  });

  it('/healthz is 503 when the store is down', async () => {
    const app = await makeApp();
    app.store.ping = () => Promise.reject(new Error('down'));
    expect((await app.request('/healthz')).status).toBe(503);
  });
});

describe("the server's own upstream key", () => {
  it('is lent to key-less clients only on a loopback-only server', async () => {
    const env = { OPENAI_BASE_URL: `${mock.url}/v1`, OPENAI_API_KEY: 'sk-server-own-key-dddddddd' };
    const local = await startServer({
      port: 0,
      db: 'memory:',
      env,
      config: parseConfig({}, 'inline', env),
      logger: pino({ level: 'silent' }),
    });
    try {
      const response = await fetch(`${local.url}/v1/chat/completions`, {
        method: 'POST',
        body: '{"model":"gpt-4.1-nano"}',
      });
      expect(response.status).toBe(200);
      expect(mock.requests.at(-1)!.headers['authorization']).toBe('Bearer sk-server-own-key-dddddddd');
    } finally {
      await local.close();
    }
    const withAdmin = { ...env, ADMIN: 'admin-key-eeeeeeee' };
    const exposed = await startServer({
      port: 0,
      db: 'memory:',
      env: withAdmin,
      config: parseConfig({ server: { adminKey: 'env:ADMIN' } }, 'inline', withAdmin),
      logger: pino({ level: 'silent' }),
    });
    try {
      await (
        await fetch(`${exposed.url}/v1/chat/completions`, { method: 'POST', body: '{"model":"gpt-4.1-nano"}' })
      ).text();
      expect(mock.requests.at(-1)!.headers['authorization']).toBeUndefined();
    } finally {
      await exposed.close();
    }
  });
});

describe('binding', () => {
  it('without configured keys, serve binds 127.0.0.1 only and says so', async () => {
    const env = {};
    const open = await startServer({
      port: 0,
      host: '0.0.0.0',
      db: 'memory:',
      env,
      config: parseConfig({}, 'inline', env),
      logger: pino({ level: 'silent' }),
    });
    try {
      expect(open.loopbackOnly).toBe(true);
      expect(open.host).toBe('127.0.0.1');
    } finally {
      await open.close();
    }
    expect(server.loopbackOnly).toBe(false);
  });
});
