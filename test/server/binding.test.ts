/**
 * Issue 9, binding rules and roles: beyond loopback each route group needs its key (gateway,
 * ingest, read/admin) or an explicit --insecure-open that the log repeats; the read key reads
 * the analytics and /metrics but cannot reset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';

let mock: MockProvider;
const running: RunningServer[] = [];

beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  for (const server of running) await server.close();
  await mock.close();
});

async function serve(
  server: Record<string, unknown>,
  env: Record<string, string>,
  options: { host?: string; insecureOpen?: boolean; logLines?: string[] } = {},
): Promise<{ server: RunningServer; base: string }> {
  const full = { OPENAI_BASE_URL: `${mock.url}/v1`, OPENAI_API_KEY: 'sk-server-own-key-9999999999', ...env };
  const lines = options.logLines ?? [];
  const started = await startServer({
    port: 0,
    host: options.host ?? '0.0.0.0',
    insecureOpen: options.insecureOpen,
    db: 'memory:',
    env: full,
    config: parseConfig({ server }, 'inline', full),
    logger: pino({ level: 'info' }, { write: (line: string) => lines.push(line) }),
  });
  running.push(started);
  // Bound to every interface; reached over loopback.
  return { server: started, base: `http://127.0.0.1:${started.port}` };
}

const chat = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"gpt-4.1-nano"}' };

describe('beyond loopback, each route group needs its key', () => {
  it('with only an admin key on 0.0.0.0, the gateway refuses calls instead of forwarding them', async () => {
    const { server, base } = await serve({ adminKey: 'env:ADMIN' }, { ADMIN: 'tl-admin-aaaaaaaaaaaa' });
    expect(server.host).toBe('0.0.0.0');
    mock.reset();
    const response = await fetch(`${base}/v1/chat/completions`, chat);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      error: { code: 'unauthorized', message: expect.stringContaining('--insecure-open') as unknown },
    });
    const anthropic = await fetch(`${base}/anthropic/v1/messages`, chat);
    expect(anthropic.status).toBe(401);
    expect(mock.requests).toEqual([]);
  });

  it('with only gateway keys on 0.0.0.0: ingest, analytics, reset and /metrics are locked, naming the key to set', async () => {
    const { base } = await serve(
      { gatewayKeys: [{ key: 'env:GW', provider: 'openai' }] },
      { GW: 'tl-gw-bbbbbbbbbbbb' },
    );
    const expectations: [string, RequestInit, RegExp][] = [
      ['/v1/usage', { method: 'POST', body: '{}' }, /server\.ingestKey/],
      ['/analytics/tokens', {}, /server\.readKey or server\.adminKey/],
      ['/analytics/tokens/reset', { method: 'POST', body: '{"all":true}' }, /server\.readKey or server\.adminKey/],
      ['/metrics', {}, /server\.readKey or server\.adminKey/],
    ];
    for (const [path, init, field] of expectations) {
      const response = await fetch(`${base}${path}`, init);
      expect(response.status, path).toBe(401);
      expect(((await response.json()) as { error: { message: string } }).error.message, path).toMatch(field);
    }
    // The gateway itself works for its key holder.
    mock.reset();
    const ok = await fetch(`${base}/v1/chat/completions`, {
      ...chat,
      headers: { ...chat.headers, authorization: 'Bearer tl-gw-bbbbbbbbbbbb' },
    });
    expect(ok.status).toBe(200);
    expect(mock.requests[0]!.headers['authorization']).toBe('Bearer sk-server-own-key-9999999999');
  });

  it('--insecure-open serves them without keys, never lends the server key, and the log says so', async () => {
    const lines: string[] = [];
    const { server, base } = await serve({}, {}, { insecureOpen: true, logLines: lines });
    expect(server.loopbackOnly).toBe(false);
    expect(server.host).toBe('0.0.0.0');
    expect(server.openRoutes).toEqual([
      'gateway',
      'ingest',
      'analytics and /metrics',
      'reset and the budget admin API',
    ]);
    const warning = lines
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .find((line) => line.level === 40);
    expect(warning?.msg).toBe(
      '--insecure-open: gateway, ingest, analytics and /metrics, reset and the budget admin API served without a key beyond loopback',
    );
    mock.reset();
    expect((await fetch(`${base}/v1/chat/completions`, chat)).status).toBe(200);
    // A network-wide open gateway must not spend the server's own provider key.
    expect(mock.requests[0]!.headers['authorization']).toBeUndefined();
    expect((await fetch(`${base}/analytics/tokens`)).status).toBe(200);
  });

  it('without keys and without --insecure-open, a request for 0.0.0.0 still binds 127.0.0.1 only', async () => {
    const { server } = await serve({}, {});
    expect(server.loopbackOnly).toBe(true);
    expect(server.host).toBe('127.0.0.1');
    expect(server.openRoutes).toEqual([]);
  });
});

describe('the read key', () => {
  const READ = 'tl-read-cccccccccccc';
  const ADMIN = 'tl-admin-dddddddddddd';
  let base: string;
  beforeAll(async () => {
    ({ base } = await serve({ adminKey: 'env:ADMIN', readKey: 'env:READ' }, { ADMIN, READ }, { host: '127.0.0.1' }));
  });
  const as = (key: string | undefined, init: RequestInit = {}): RequestInit => ({
    ...init,
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { authorization: `Bearer ${key}` }) },
  });
  const reset = { method: 'POST', body: '{"all":true}' };

  it('reads the analytics, the event export and /metrics', async () => {
    for (const path of ['/analytics/tokens', '/analytics/tokens/models', '/analytics/events?format=csv', '/metrics']) {
      expect((await fetch(`${base}${path}`, as(READ))).status, path).toBe(200);
      expect((await fetch(`${base}${path}`, as(undefined))).status, path).toBe(401);
    }
    const compare = await fetch(
      `${base}/analytics/tokens/compare`,
      as(READ, { method: 'POST', body: '{"models":["a"]}' }),
    );
    expect(compare.status).toBe(200);
  });

  it('cannot reset (403, saying why); the admin key can', async () => {
    const refused = await fetch(`${base}/analytics/tokens/reset`, as(READ, reset));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: { code: 'forbidden', message: 'this key may not do that: this endpoint needs the admin key' },
    });
    expect((await fetch(`${base}/analytics/tokens/reset`, as(undefined, reset))).status).toBe(401);
    const done = await fetch(`${base}/analytics/tokens/reset`, as(ADMIN, reset));
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ removed: 0 });
  });

  it('cannot ingest', async () => {
    const body = JSON.stringify({ provider: 'openai', model: 'gpt-4o', usage: { inputTokens: 1, outputTokens: 1 } });
    expect((await fetch(`${base}/v1/usage`, as(READ, { method: 'POST', body }))).status).toBe(401);
    expect((await fetch(`${base}/v1/usage`, as(ADMIN, { method: 'POST', body }))).status).toBe(200);
  });
});
