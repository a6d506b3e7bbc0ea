/**
 * Issue 9, browser safety: cross-site requests (Sec-Fetch-Site or Origin not same-origin) are
 * refused whatever their content type, on the Hono routes and on the gateway's fast path;
 * without keys only loopback names, IP addresses, the bound host and server.allowedHosts are
 * served (DNS rebinding); clients that send neither header (SDKs, curl) are untouched.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import { browserRefusal, hostnameOf } from '#src/server/middleware/browser-guard.js';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';

let mock: MockProvider;
let open: RunningServer;
let keyed: RunningServer;

beforeAll(async () => {
  mock = await startMockProvider();
  const env = { OPENAI_BASE_URL: `${mock.url}/v1`, OPENAI_API_KEY: 'sk-server-0000000000', GW: 'tl-gw-1111111111' };
  const logger = pino({ level: 'silent' });
  open = await startServer({
    port: 0,
    db: 'memory:',
    env,
    config: parseConfig({ server: { allowedHosts: ['ledger.example.com', '.corp.example'] } }, 'inline', env),
    logger,
  });
  keyed = await startServer({
    port: 0,
    db: 'memory:',
    env,
    config: parseConfig({ server: { gatewayKeys: [{ key: 'env:GW', provider: 'openai' }] } }, 'inline', env),
    logger,
  });
});
afterAll(async () => {
  await open.close();
  await keyed.close();
  await mock.close();
});
beforeEach(() => mock.reset());

/** A raw request, so Host, Origin and Sec-Fetch-* are exactly what a browser (or attacker) sends. */
function send(
  server: RunningServer,
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ status: number; code: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        let code: string | undefined;
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
        } catch {
          code = undefined;
        }
        resolve({ status: res.statusCode ?? 0, code });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const plain = { 'content-type': 'text/plain' };
const event = JSON.stringify({ provider: 'openai', model: 'gpt-4o', usage: { inputTokens: 1, outputTokens: 1 } });
const chat = '{"model":"gpt-4.1-nano","messages":[]}';
const routes: [string, string][] = [
  ['/v1/usage', event],
  ['/analytics/tokens/reset', '{"all":true}'],
  ['/v1/chat/completions', chat],
];

describe('cross-site requests are refused on every route, whatever their content type', () => {
  const crossSite: Record<string, string>[] = [
    { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    { 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:1' },
    { origin: 'https://evil.example' },
    { origin: 'null' },
    // A form POST is a navigation, but not a safe one.
    { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' },
  ];
  for (const signals of crossSite) {
    it(JSON.stringify(signals), async () => {
      for (const [path, body] of routes) {
        const answer = await send(open, 'POST', path, { ...plain, ...signals }, body);
        expect(answer, path).toEqual({ status: 403, code: 'cross_site' });
      }
      expect(mock.requests).toEqual([]);
    });
  }

  it('same for the keyed server: the gateway fast path refuses before looking at the key', async () => {
    const answer = await send(
      keyed,
      'POST',
      '/v1/chat/completions',
      {
        ...plain,
        authorization: 'Bearer tl-gw-1111111111',
        'sec-fetch-site': 'cross-site',
      },
      chat,
    );
    expect(answer).toEqual({ status: 403, code: 'cross_site' });
    expect(mock.requests).toEqual([]);
  });
});

describe('what keeps working', () => {
  it('clients without Origin or Fetch Metadata (SDKs, curl, exporters)', async () => {
    expect(await send(open, 'POST', '/v1/usage', { 'content-type': 'application/json' }, event)).toEqual({
      status: 200,
      code: undefined,
    });
    expect(
      (await send(open, 'POST', '/v1/chat/completions', { 'content-type': 'application/json' }, chat)).status,
    ).toBe(200);
    expect(mock.requests).toHaveLength(1);
  });

  it('same-origin requests, typed URLs, and links to the dashboard from other sites', async () => {
    const host = `127.0.0.1:${open.port}`;
    const sameOrigin = {
      'sec-fetch-site': 'same-origin',
      origin: `http://${host}`,
      'content-type': 'application/json',
    };
    expect((await send(open, 'POST', '/v1/usage', sameOrigin, event)).status).toBe(200);
    expect((await send(open, 'POST', '/v1/usage', { origin: `http://${host}`, host }, event)).status).toBe(200);
    expect((await send(open, 'GET', '/analytics/tokens', { 'sec-fetch-site': 'none' })).status).toBe(200);
    const link = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };
    expect((await send(open, 'GET', '/', link)).status).toBe(200);
    // A cross-site read that is not a navigation is refused (a page could not read it anyway).
    expect(
      await send(open, 'GET', '/analytics/tokens', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' }),
    ).toEqual({
      status: 403,
      code: 'cross_site',
    });
  });
});

describe('Host, without keys (DNS rebinding)', () => {
  it('serves loopback names, IP addresses and server.allowedHosts, refuses other names', async () => {
    const port = open.port;
    for (const host of [
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      `app.localhost:${port}`,
      `10.1.2.3:${port}`,
      'ledger.example.com',
      'a.corp.example',
      'corp.example:80',
    ]) {
      expect((await send(open, 'GET', '/healthz', { host })).status, host).toBe(200);
    }
    for (const host of [
      `evil.example:${port}`,
      'ledger.example.com.evil.example',
      'notcorp.example',
      `localhost.evil.example:${port}`,
    ]) {
      expect(await send(open, 'GET', '/analytics/tokens', { host }), host).toEqual({
        status: 403,
        code: 'host_not_allowed',
      });
      expect(
        await send(open, 'POST', '/v1/chat/completions', { host, 'content-type': 'application/json' }, chat),
        host,
      ).toEqual({
        status: 403,
        code: 'host_not_allowed',
      });
    }
    expect(mock.requests).toEqual([]);
  });

  it('with keys configured, any Host is served (a rebound page cannot hold the key)', async () => {
    expect((await send(keyed, 'GET', '/healthz', { host: 'ledger.public.example' })).status).toBe(200);
  });

  it('the bound host name is served', () => {
    const options = { checkHost: true, boundHost: 'ledger.lan', allowedHosts: [] };
    const signals = { origin: undefined, secFetchSite: undefined, secFetchMode: undefined, method: 'GET' };
    expect(browserRefusal({ ...signals, host: 'ledger.lan:8787' }, options)).toBeUndefined();
    expect(browserRefusal({ ...signals, host: 'other.lan:8787' }, options)?.code).toBe('host_not_allowed');
    expect(['example.com:80', '[::1]:8787', '::1', 'LOCALHOST'].map(hostnameOf)).toEqual([
      'example.com',
      '::1',
      '::1',
      'localhost',
    ]);
  });
});
