/**
 * Issue 9, "keys go to the wrong provider": a gateway key reaches only the providers it
 * names (403 on every other route and provider, the upstream never called), its upstream
 * key goes only to that provider's upstream, and the gateway key itself never travels on
 * (URL, headers, body).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';

const OPENAI_ONLY = 'tl-gw-openai-only-1111111111';
const TEAM_UPSTREAM = 'sk-team-openai-upstream-2222222222';
const MULTI = 'tl-gw-openai-anthropic-3333333333';
const SERVER_OPENAI = 'sk-server-openai-4444444444';
const SERVER_ANTHROPIC = 'sk-ant-server-5555555555';
const SERVER_GEMINI = 'AIza-server-gemini-6666666666';
const SERVER_DEEPSEEK = 'sk-server-deepseek-7777777777';

let mock: MockProvider;
let server: RunningServer;

beforeAll(async () => {
  mock = await startMockProvider();
  const env = {
    OPENAI_BASE_URL: `${mock.url}/v1`,
    ANTHROPIC_BASE_URL: mock.url,
    GEMINI_BASE_URL: mock.url,
    OPENAI_API_KEY: SERVER_OPENAI,
    ANTHROPIC_API_KEY: SERVER_ANTHROPIC,
    GEMINI_API_KEY: SERVER_GEMINI,
    DEEPSEEK_API_KEY: SERVER_DEEPSEEK,
    ONLY: OPENAI_ONLY,
    TEAM_UP: TEAM_UPSTREAM,
    MULTI,
  };
  const config = parseConfig(
    {
      server: {
        gatewayKeys: [
          { key: 'env:ONLY', provider: 'openai', upstreamKey: 'env:TEAM_UP' },
          { key: 'env:MULTI', providers: ['openai', 'anthropic'] },
        ],
        upstreams: [{ provider: 'deepseek', baseURL: `${mock.url}/deepseek/v1` }],
        modelRoutes: [{ prefix: 'deepseek-', provider: 'deepseek' }],
      },
    },
    'inline',
    env,
  );
  server = await startServer({ port: 0, db: 'memory:', env, config, logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await server.close();
  await mock.close();
});
beforeEach(() => mock.reset());

const json = { 'content-type': 'application/json' };
const chat = JSON.stringify({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] });
const claude = JSON.stringify({ model: 'claude-sonnet-4-5-20250929', max_tokens: 10, messages: [] });

/** Every way a request can name a provider other than OpenAI, each with the client's own SDK-style auth. */
function elsewhere(key: string): [string, string, RequestInit][] {
  return [
    ['/anthropic', '/anthropic/v1/messages', { method: 'POST', headers: { ...json, 'x-api-key': key }, body: claude }],
    [
      '/anthropic count_tokens',
      '/anthropic/v1/messages/count_tokens',
      { method: 'POST', headers: { ...json, authorization: `Bearer ${key}` }, body: claude },
    ],
    [
      '/gemini (x-goog-api-key)',
      '/gemini/v1beta/models/gemini-2.0-flash:generateContent',
      { method: 'POST', headers: { ...json, 'x-goog-api-key': key }, body: '{"contents":[]}' },
    ],
    [
      '/gemini (?key=)',
      `/gemini/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse&key=${key}`,
      { method: 'POST', headers: json, body: '{"contents":[]}' },
    ],
    [
      'x-tokenledger-provider: deepseek',
      '/v1/chat/completions',
      {
        method: 'POST',
        headers: { ...json, authorization: `Bearer ${key}`, 'x-tokenledger-provider': 'deepseek' },
        body: chat,
      },
    ],
    [
      'a model route to deepseek',
      '/v1/chat/completions',
      {
        method: 'POST',
        headers: { ...json, authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: 'deepseek-chat', messages: [] }),
      },
    ],
  ];
}

describe('a gateway key reaches only the providers it names', () => {
  it('an OpenAI-only key is refused with 403 on every other route and provider; nothing reaches an upstream', async () => {
    for (const [name, path, init] of elsewhere(OPENAI_ONLY)) {
      const response = await fetch(`${server.url}${path}`, init);
      expect(response.status, name).toBe(403);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code, name).toBe('provider_not_allowed');
      expect(body.error.message, name).toMatch(
        /^this gateway key may reach openai only, not (anthropic|google|deepseek)$/,
      );
      expect(JSON.stringify(body)).not.toContain(OPENAI_ONLY);
    }
    expect(mock.requests).toEqual([]);
    await server.app.flushRecordings();
    expect((await server.store.events({ filter: {}, limit: 10 })).events).toEqual([]);
  });

  it('on its own provider it works, and its upstream key goes there and nowhere else', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${OPENAI_ONLY}` },
      body: chat,
    });
    expect(response.status).toBe(200);
    expect(mock.requests.map((request) => [request.path, request.headers['authorization']])).toEqual([
      ['/v1/chat/completions', `Bearer ${TEAM_UPSTREAM}`],
    ]);
  });

  it("a key for openai and anthropic reaches both, each with that provider's own server key", async () => {
    const viaOpenAI = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${MULTI}` },
      body: chat,
    });
    const viaAnthropic = await fetch(`${server.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { ...json, 'x-api-key': MULTI },
      body: claude,
    });
    expect([viaOpenAI.status, viaAnthropic.status]).toEqual([200, 200]);
    const gemini = await fetch(`${server.url}/gemini/v1beta/models/gemini-2.0-flash:generateContent`, {
      method: 'POST',
      headers: { ...json, 'x-goog-api-key': MULTI },
      body: '{"contents":[]}',
    });
    expect(gemini.status).toBe(403);
    const sent = mock.requests.map((request) => ({
      path: request.path,
      auth: [request.headers['authorization'], request.headers['x-api-key'], request.headers['x-goog-api-key']],
    }));
    expect(sent).toEqual([
      { path: '/v1/chat/completions', auth: [`Bearer ${SERVER_OPENAI}`, undefined, undefined] },
      { path: '/v1/messages', auth: [undefined, SERVER_ANTHROPIC, undefined] },
    ]);
  });

  it('no upstream ever received a key of another provider or a gateway key', async () => {
    for (const key of [OPENAI_ONLY, MULTI])
      for (const [, path, init] of elsewhere(key)) await (await fetch(`${server.url}${path}`, init)).text();
    await (
      await fetch(`${server.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { ...json, 'x-api-key': MULTI },
        body: claude,
      })
    ).text();
    for (const request of mock.requests) {
      const text = JSON.stringify(request);
      for (const secret of [OPENAI_ONLY, MULTI, TEAM_UPSTREAM, SERVER_GEMINI, SERVER_DEEPSEEK])
        expect(text).not.toContain(secret);
      if (request.path.startsWith('/v1/messages')) expect(text).not.toContain(SERVER_OPENAI);
    }
  });
});

describe('a gateway key never travels on', () => {
  it('not in the URL (?key=, or any parameter holding it) nor in any header', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions?key=${OPENAI_ONLY}&trace=1&k2=${OPENAI_ONLY}`, {
      method: 'POST',
      headers: { ...json, 'x-goog-api-key': OPENAI_ONLY, 'x-custom-auth': `token ${OPENAI_ONLY}` },
      body: chat,
    });
    expect(response.status).toBe(200);
    const [request] = mock.requests;
    expect(request!.query).toEqual({ trace: '1' });
    expect(request!.headers['x-custom-auth']).toBeUndefined();
    expect(request!.headers['x-goog-api-key']).toBeUndefined();
    expect(JSON.stringify(request)).not.toContain(OPENAI_ONLY);
  });

  it('a body holding the gateway key is refused (400) before anything is sent', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${OPENAI_ONLY}` },
      body: JSON.stringify({
        model: 'gpt-4.1-nano',
        messages: [{ role: 'user', content: `my key is ${OPENAI_ONLY}` }],
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'gateway_key_in_body', field: 'body' } });
    expect(mock.requests).toEqual([]);
  });
});

describe('gateway key config', () => {
  it('a key that names no provider is a config error at start, naming the field', () => {
    expect(() => parseConfig({ server: { gatewayKeys: [{ key: 'env:K' }] } }, 'inline', { K: 'k' })).toThrow(
      /server\.gatewayKeys\.0\.providers: a gateway key must name the providers it may reach/,
    );
    expect(() =>
      parseConfig({ server: { gatewayKeys: [{ key: 'env:K', providers: [] }] } }, 'inline', { K: 'k' }),
    ).toThrow(/server\.gatewayKeys\.0\.providers/);
  });

  it('an upstream key with several providers, or a key whose variable is unset, is refused at start', async () => {
    expect(() =>
      parseConfig(
        { server: { gatewayKeys: [{ key: 'env:K', providers: ['openai', 'groq'], upstreamKey: 'env:U' }] } },
        'inline',
        { K: 'k', U: 'u' },
      ),
    ).toThrow(/server\.gatewayKeys\.0\.upstreamKey: an upstream key belongs to one provider/);
    const config = parseConfig(
      { server: { gatewayKeys: [{ key: 'env:UNSET_GW', provider: 'openai' }] } },
      'inline',
      {},
    );
    await expect(
      startServer({ port: 0, db: 'memory:', env: {}, config, logger: pino({ level: 'silent' }) }),
    ).rejects.toThrow(/server\.gatewayKeys\.0\.key: env:UNSET_GW is not set/);
  });
});
