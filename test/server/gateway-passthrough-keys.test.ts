/**
 * Pass-through calls follow the dedicated routes' rules (issue 15, point 1): a gateway key is
 * required and swapped for the upstream key, its attribution defaults apply, a key reaches only
 * its providers, a body holding the key is refused before anything is sent, and budgets refuse
 * a pass-through call over a cap.
 */
import OpenAI, { toFile } from 'openai';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import { type RunningServer, startServer } from '#src/server/index.js';
import { type MockProvider, startMockProvider } from '../helpers/mock-provider.js';

const GATEWAY_KEY = 'tl-gw-pass-openai-2222222222';
const DEEPSEEK_ONLY = 'tl-gw-pass-deepseek-3333333333';
const UPSTREAM_KEY = 'sk-upstream-pass-4444444444';
const IMAGE = {
  created: 1764600000,
  data: [{ b64_json: 'aGVsbG8=' }],
  usage: { total_tokens: 4170, input_tokens: 10, output_tokens: 4160 },
};
let mock: MockProvider;
let server: RunningServer;

beforeAll(async () => {
  mock = await startMockProvider();
  const env = { OPENAI_BASE_URL: `${mock.url}/v1`, GW: GATEWAY_KEY, DS: DEEPSEEK_ONLY, UP: UPSTREAM_KEY };
  const config = parseConfig(
    {
      server: {
        gatewayKeys: [
          { key: 'env:GW', provider: 'openai', upstreamKey: 'env:UP', agent: 'team-pass', tags: { team: 'p' } },
          { key: 'env:DS', provider: 'deepseek', upstreamKey: 'env:UP' },
        ],
        upstreams: [{ provider: 'deepseek', baseURL: `${mock.url}/deepseek/v1` }],
      },
      budgets: [
        { name: 'pass-tiny', capUsd: 0.0001, window: 'day', scope: { agent: 'pass-over' } },
        { name: 'pass-daily', capUsd: 10, window: 'day', scope: { agent: 'pass-within' } },
      ],
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

const client = (apiKey: string, headers: Record<string, string> = {}) =>
  new OpenAI({ apiKey, baseURL: `${server.url}/v1`, maxRetries: 0, defaultHeaders: headers });

async function storedAs(id: string | null) {
  await server.app.flushRecordings();
  const { events } = await server.store.events({ filter: {}, limit: 1000 });
  return events.find((event) => event.id === id);
}

describe('pass-through key rules, attribution and budgets', () => {
  it('the gateway key is swapped for the upstream key; the key attribution and headers apply', async () => {
    mock.enqueue({ kind: 'json', body: IMAGE });
    const { response } = await client(GATEWAY_KEY, { 'x-tokenledger-run': 'pass-run' })
      .images.generate({ model: 'gpt-image-1', prompt: 'a ledger' })
      .withResponse();
    expect(mock.requests[0]?.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(mock.requests[0]?.headers)).not.toContain(GATEWAY_KEY);
    expect(await storedAs(response.headers.get('x-tokenledger-event-id'))).toMatchObject({
      agent: 'team-pass',
      run: 'pass-run',
      tags: { team: 'p' },
      model: 'gpt-image-1',
    });
  });

  it('no gateway key: 401, nothing sent', async () => {
    const response = await fetch(`${server.url}/v1/moderations`, { method: 'POST', body: '{"input":"x"}' });
    expect(response.status).toBe(401);
    await response.text();
    expect(mock.requests).toEqual([]);
  });

  it('a key reaches only its providers: the default is its own, another is a 403', async () => {
    mock.enqueue({ kind: 'json', body: { id: 'modr-1', results: [] } });
    const own = await fetch(`${server.url}/v1/moderations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEEPSEEK_ONLY}`, 'content-type': 'application/json' },
      body: '{"input":"x"}',
    });
    expect(own.status).toBe(200);
    await own.text();
    expect(mock.requests.map((request) => request.path)).toEqual(['/deepseek/v1/moderations']);

    const other = await fetch(`${server.url}/v1/moderations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEEPSEEK_ONLY}`, 'x-tokenledger-provider': 'openai' },
      body: '{"input":"x"}',
    });
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ error: { code: 'provider_not_allowed' } });
    expect(mock.requests).toHaveLength(1);
  });

  it('an upload holding the gateway key is refused (400) before anything is sent', async () => {
    const file = await toFile(Buffer.from(`{"leaked":"${GATEWAY_KEY}"}\n`), 'leak.jsonl');
    const refused = await client(GATEWAY_KEY)
      .files.create({ file, purpose: 'batch' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((refused as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ code: 'gateway_key_in_body' });
    expect(mock.requests).toEqual([]);
  });

  it('budgets: a call over the cap is refused before it is sent; one within is answered with the headers', async () => {
    const refused = await client(GATEWAY_KEY, { 'x-tokenledger-agent': 'pass-over' })
      .images.generate({ model: 'gpt-image-1', prompt: 'one' })
      .catch((error: unknown) => error);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((refused as Error).message).toContain('budget pass-tiny exceeded: cap $0.0001, spent $0.00, held $0.00');
    expect(mock.requests).toEqual([]);

    mock.enqueue({ kind: 'json', body: IMAGE });
    const { response } = await client(GATEWAY_KEY, { 'x-tokenledger-agent': 'pass-within' })
      .images.generate({ model: 'gpt-image-1', prompt: 'two' })
      .withResponse();
    expect(response.headers.get('x-tokenledger-budget-name')).toBe('pass-daily');
    // gpt-image-1: 10 input tokens at $5/M + 4160 output tokens at $40/M.
    expect(await storedAs(response.headers.get('x-tokenledger-event-id'))).toMatchObject({
      cost: { totalNanos: 166_450_000 },
    });
  });
});
