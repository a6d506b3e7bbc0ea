/**
 * Fallback chains (`server.fallbacks`), driven by the official openai SDK through a real server
 * against two mock upstreams: OpenAI (mock A) and Groq (mock B). A 429 or a 5xx from the first
 * model is answered by the second, on the other provider; each attempt is its own event with the
 * call's attribution, linked by the reserved tags `attempt` and `attempt_of`; a budget refusal
 * is not a failure to fall back from; a chain that could not work is refused at start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  budgetCountersPath,
  budgetFromConfig,
  counterOf,
  SqliteBudgetCounters,
  windowSpan,
} from '#src/budgets/index.js';
import { parseConfig } from '#src/config/index.js';
import { type RunningServer, startServer } from '#src/server/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { type MockProvider, startMockProvider } from '../helpers/mock-provider.js';

const GROQ_MODEL = 'llama-3.1-8b-instant';
const CHAIN = [
  { provider: 'openai', model: 'gpt-4.1-nano' },
  { provider: 'groq', model: GROQ_MODEL },
];
/** Groq's answer: 1,000 in, 200 out. */
const GROQ_ANSWER = {
  id: 'chatcmpl-groq-1',
  object: 'chat.completion',
  created: 1_764_000_000,
  model: GROQ_MODEL,
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 },
  x_groq: { id: 'req_1' },
};
/** llama-3.1-8b-instant on Groq: $0.05 / M input, $0.08 / M output (genai-prices). */
const GROQ_COST_USD = 1000 * 0.05e-6 + 200 * 0.08e-6;

const BUDGETS = [
  { name: 'tiny', capUsd: 0.000000001, window: 'day', scope: { agent: 'over' } },
  { name: 'fb-daily', capUsd: 1, window: 'day', scope: { agent: 'fb-429' } },
] as const;
const dir = mkdtempSync(join(tmpdir(), 'gateway-fallbacks-'));
let counters: SqliteBudgetCounters;
let openai: MockProvider;
let groq: MockProvider;
let server: RunningServer;

function configFor(extra: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  return parseConfig(
    {
      server: {
        upstreams: [{ provider: 'groq', baseURL: `${groq.url}/v1`, apiKey: 'env:GROQ_SERVER_KEY' }],
        fallbacks: [{ chain: CHAIN }],
        ...extra,
      },
      budgets: BUDGETS,
    },
    'inline',
    { OPENAI_BASE_URL: `${openai.url}/v1`, GROQ_SERVER_KEY: 'gsk-server-2222', ...env },
  );
}

beforeAll(async () => {
  openai = await startMockProvider();
  groq = await startMockProvider();
  const env = { OPENAI_BASE_URL: `${openai.url}/v1`, GROQ_SERVER_KEY: 'gsk-server-2222' };
  server = await startServer({
    port: 0,
    db: `sqlite:${join(dir, 'ledger.db')}`,
    env,
    config: configFor(),
    logger: pino({ level: 'silent' }),
  });
  counters = SqliteBudgetCounters.open({ path: budgetCountersPath(join(dir, 'ledger.db')) });
});
afterAll(async () => {
  await counters.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  await openai.close();
  await groq.close();
});
beforeEach(() => {
  openai.reset();
  groq.reset();
});

const client = (agent: string) =>
  new OpenAI({
    apiKey: 'sk-client-1111111111',
    baseURL: `${server.url}/v1`,
    maxRetries: 0,
    defaultHeaders: { 'x-tokenledger-agent': agent, 'x-tokenledger-tags': 'team=search' },
  });

async function budgetState(name: (typeof BUDGETS)[number]['name']) {
  const spec = budgetFromConfig(BUDGETS.find((entry) => entry.name === name) as never);
  const span = windowSpan(spec.window, Date.now());
  const window = { counter: counterOf(spec), bucket: span.bucket, fromBucket: span.fromBucket, stepMs: span.stepMs };
  // Settling follows the recording: wait for the holds to be released.
  let state = (await counters.state([window], Date.now()))[0];
  for (let tries = 0; state?.held !== 0 && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    state = (await counters.state([window], Date.now()))[0];
  }
  return state;
}

async function eventsOf(agent: string): Promise<UsageEvent[]> {
  await server.app.flushRecordings();
  const { events } = await server.store.events({ filter: { agent }, limit: 10 });
  return [...events].sort((a, b) => Number(a.tags['attempt']) - Number(b.tags['attempt']));
}

describe('gateway fallbacks with the official openai SDK', () => {
  it('answers a 429 from the first model with the second, on the other provider; both attempts recorded', async () => {
    openai.enqueue({
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '0' },
      body: { error: { message: 'slow down' } },
    });
    groq.enqueue({ kind: 'json', body: GROQ_ANSWER });
    const { data, response } = await client('fb-429')
      .chat.completions.create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 5 })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hi.');
    expect(response.headers.get('x-tokenledger-attempt')).toBe('2');
    expect(response.headers.get('x-tokenledger-attempt-provider')).toBe('groq');
    expect(response.headers.get('x-tokenledger-attempt-model')).toBe(GROQ_MODEL);
    expect(response.headers.get('x-tokenledger-cost-usd')).toBe('0.000066');

    // The second provider got the body with only its model changed, and the server's key, not the client's.
    expect(openai.requests).toHaveLength(1);
    expect(groq.requests).toHaveLength(1);
    const sentFirst = openai.requests[0]?.body ?? '';
    expect(groq.requests[0]?.body).toBe(sentFirst.replace('"model":"gpt-4.1-nano"', `"model":"${GROQ_MODEL}"`));
    expect(openai.requests[0]?.headers['authorization']).toBe('Bearer sk-client-1111111111');
    expect(groq.requests[0]?.headers['authorization']).toBe('Bearer gsk-server-2222');

    const [first, second] = await eventsOf('fb-429');
    expect(first).toMatchObject({
      provider: 'openai',
      model: 'gpt-4.1-nano',
      status: 'error',
      error: { type: 'RateLimitError', status: 429 },
      agent: 'fb-429',
      tags: { team: 'search', attempt: '1', attempt_of: first?.id },
    });
    // The failed attempt has no usage, so no price (never a silent $0); it settles its hold to 0 below.
    expect(first?.cost).toBeNull();
    expect(first?.costUnavailableReason).toBe('usage unavailable');
    expect(second).toMatchObject({
      provider: 'groq',
      model: GROQ_MODEL,
      status: 'ok',
      agent: 'fb-429',
      tags: { team: 'search', attempt: '2', attempt_of: first?.id },
      usage: { inputTokens: 1000, outputTokens: 200, totalTokens: 1200 },
    });
    expect(second?.cost?.total).toBeCloseTo(GROQ_COST_USD, 12);
    expect(second?.cost?.totalNanos).toBe(66_000);
    expect(response.headers.get('x-tokenledger-event-id')).toBe(second?.id);
    // Each attempt held and settled on its own: the 429 billed nothing, Groq's answer its cost.
    expect(await budgetState('fb-daily')).toEqual({ spent: 66_000, held: 0 });
  });

  it('a call the first model answers carries attempt 1 and no second event', async () => {
    const { response } = await client('fb-ok')
      .chat.completions.create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 5 })
      .withResponse();
    expect(response.headers.get('x-tokenledger-attempt')).toBe('1');
    expect(response.headers.get('x-tokenledger-attempt-provider')).toBe('openai');
    expect(groq.requests).toHaveLength(0);
    const events = await eventsOf('fb-ok');
    expect(events).toHaveLength(1);
    expect(events[0]?.tags).toEqual({ team: 'search', attempt: '1', attempt_of: events[0]?.id });
  });

  it('a model no chain covers has no attempt headers or tags', async () => {
    const { response } = await client('fb-none')
      .chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 5 })
      .withResponse();
    expect(response.headers.get('x-tokenledger-attempt')).toBeNull();
    expect((await eventsOf('fb-none'))[0]?.tags).toEqual({ team: 'search' });
  });

  it('a budget refusal is not a failure to fall back from: nothing is sent to either provider', async () => {
    const error = await client('over')
      .chat.completions.create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 500 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('x-should-retry')).toBe('false');
    expect(openai.requests).toHaveLength(0);
    expect(groq.requests).toHaveLength(0);
    expect(await eventsOf('over')).toHaveLength(0);
  });

  it('a 5xx on a stream before its first byte falls back; the stream comes from the second model', async () => {
    openai.enqueue({ kind: 'status', status: 503, body: { error: { message: 'overloaded' } } });
    groq.enqueue({
      kind: 'stream',
      events: [
        {
          event: null,
          data: {
            ...GROQ_ANSWER,
            object: 'chat.completion.chunk',
            choices: [{ index: 0, delta: { content: 'Hi.' } }],
            usage: undefined,
          },
        },
        {
          event: null,
          data: {
            ...GROQ_ANSWER,
            object: 'chat.completion.chunk',
            choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
            usage: undefined,
            x_groq: { id: 'req_1', usage: GROQ_ANSWER.usage },
          },
        },
        { event: null, data: '[DONE]' },
      ],
    });
    const { data: stream, response } = await client('fb-stream')
      .chat.completions.create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Hi' }], stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hi.');
    expect(response.headers.get('x-tokenledger-attempt')).toBe('2');
    const [first, second] = await eventsOf('fb-stream');
    expect(first).toMatchObject({
      provider: 'openai',
      status: 'error',
      error: { status: 503 },
      tags: { attempt: '1' },
    });
    expect(second).toMatchObject({
      provider: 'groq',
      model: GROQ_MODEL,
      status: 'ok',
      tags: { attempt: '2', attempt_of: first?.id },
    });
    expect(second?.cost?.totalNanos).toBe(66_000);
  });

  it("the last attempt's failure reaches the client when every model fails", async () => {
    openai.enqueue({ kind: 'status', status: 500, body: { error: { message: 'boom' } } });
    groq.enqueue({ kind: 'status', status: 429, body: { error: { message: 'groq busy' } } });
    const error = await client('fb-all')
      .chat.completions.create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 5 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as Error).message).toContain('groq busy');
    const events = await eventsOf('fb-all');
    expect(events.map((event) => [event.provider, event.error?.status])).toEqual([
      ['openai', 500],
      ['groq', 429],
    ]);
  });

  it("a 400 is the caller's mistake, not a failure to fall back from", async () => {
    openai.enqueue({ kind: 'status', status: 400, body: { error: { message: 'bad' } } });
    const error = await client('fb-400')
      .chat.completions.create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 5 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(groq.requests).toHaveLength(0);
  });
});

describe('a timeout falls back', () => {
  it('a first model that sends nothing within server.limits.upstreamTimeoutMs is answered by the second', async () => {
    const quick = await startServer({
      port: 0,
      db: 'memory:',
      env: { OPENAI_BASE_URL: `${openai.url}/v1`, GROQ_SERVER_KEY: 'gsk-server-2222' },
      config: parseConfig(
        {
          server: {
            upstreams: [{ provider: 'groq', baseURL: `${groq.url}/v1`, apiKey: 'env:GROQ_SERVER_KEY' }],
            fallbacks: [{ chain: CHAIN, routes: ['openai.chat'] }],
          },
        },
        'inline',
        { OPENAI_BASE_URL: `${openai.url}/v1`, GROQ_SERVER_KEY: 'gsk-server-2222' },
      ),
      limits: { upstreamTimeoutMs: 200 },
      logger: pino({ level: 'silent' }),
    });
    try {
      openai.enqueue({ kind: 'hang' });
      groq.enqueue({ kind: 'json', body: GROQ_ANSWER });
      const answer = await fetch(`${quick.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tokenledger-agent': 'fb-timeout' },
        body: JSON.stringify({ model: 'gpt-4.1-nano', messages: [] }),
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-tokenledger-attempt')).toBe('2');
      await quick.app.flushRecordings();
      const { events } = await quick.store.events({ filter: { agent: 'fb-timeout' }, limit: 5 });
      const byAttempt = [...events].sort((a, b) => Number(a.tags['attempt']) - Number(b.tags['attempt']));
      expect(byAttempt.map((event) => [event.provider, event.status, event.error?.type])).toEqual([
        ['openai', 'error', 'TimeoutError'],
        ['groq', 'ok', undefined],
      ]);
    } finally {
      await quick.close();
    }
  });
});

describe('retries come first', () => {
  it('with server.retry, the first model is retried, then the chain moves on; the attempts count the retries', async () => {
    const env = { OPENAI_BASE_URL: `${openai.url}/v1`, GROQ_SERVER_KEY: 'gsk-server-2222' };
    const retrying = await startServer({
      port: 0,
      db: 'memory:',
      env,
      config: parseConfig(
        {
          server: {
            upstreams: [{ provider: 'groq', baseURL: `${groq.url}/v1`, apiKey: 'env:GROQ_SERVER_KEY' }],
            fallbacks: [{ chain: CHAIN }],
            retry: { routes: ['openai.chat'], maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
          },
        },
        'inline',
        env,
      ),
      logger: pino({ level: 'silent' }),
    });
    try {
      openai.enqueue({ kind: 'status', status: 503, body: 'busy' }, { kind: 'status', status: 503, body: 'busy' });
      groq.enqueue({ kind: 'json', body: GROQ_ANSWER });
      const answer = await fetch(`${retrying.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tokenledger-agent': 'fb-retry' },
        body: JSON.stringify({ model: 'gpt-4.1-nano', messages: [] }),
      });
      expect(answer.status).toBe(200);
      expect(openai.requests).toHaveLength(2);
      await retrying.app.flushRecordings();
      const { events } = await retrying.store.events({ filter: { agent: 'fb-retry' }, limit: 5 });
      const byAttempt = [...events].sort((a, b) => Number(a.tags['attempt']) - Number(b.tags['attempt']));
      expect(byAttempt.map((event) => [event.provider, event.status, event.attempts])).toEqual([
        ['openai', 'error', 2],
        ['groq', 'ok', 1],
      ]);
    } finally {
      await retrying.close();
    }
  });
});

describe('fallback chains checked at start', () => {
  const start = (extra: Record<string, unknown>, env: Record<string, string> = {}) =>
    startServer({
      port: 0,
      db: 'memory:',
      env: { OPENAI_BASE_URL: `${openai.url}/v1`, GROQ_SERVER_KEY: 'gsk-server-2222', ...env },
      config: configFor(extra, env),
      logger: pino({ level: 'silent' }),
    });

  it('refuses a chain that a gateway key using it cannot reach', async () => {
    await expect(
      start({ gatewayKeys: [{ key: 'env:CI_KEY', providers: ['openai'] }] }, { CI_KEY: 'tlk-ci-3333333333' }),
    ).rejects.toThrow(
      "server.fallbacks.0.chain.1: the gateway key CI_KEY uses this chain but may reach openai only, not groq; add it to the key's providers or name other keys in server.fallbacks.0.keys",
    );
  });

  it('refuses a cross-format chain: no translation between wire formats', async () => {
    await expect(
      start({ fallbacks: [{ chain: [CHAIN[0], { provider: 'anthropic', model: 'claude-haiku-4-5' }] }] }),
    ).rejects.toThrow(
      "server.fallbacks.0.chain.1: anthropic speaks anthropic, not the OpenAI format of the chain's routes; a fallback chain never translates between wire formats",
    );
    await expect(start({ fallbacks: [{ chain: CHAIN, routes: ['anthropic.messages'] }] })).rejects.toThrow(
      'server.fallbacks.0.routes: anthropic.messages is not an OpenAI-compatible route; fallbacks cover openai.chat, openai.responses, openai.embeddings (no translation between wire formats)',
    );
  });

  it('refuses a chain naming a gateway key that does not exist', async () => {
    await expect(start({ fallbacks: [{ chain: CHAIN, keys: ['NOPE'] }] })).rejects.toThrow(
      'server.fallbacks.0.keys: no gateway key is named NOPE',
    );
  });

  it('starts with a chain every key using it may reach, and each attempt uses the server key of its provider', async () => {
    const running = await start(
      {
        gatewayKeys: [
          { key: 'env:CI_KEY', providers: ['openai', 'groq'] },
          { key: 'env:OTHER', providers: ['groq'] },
        ],
      },
      { CI_KEY: 'tlk-ci-3333333333', OTHER: 'tlk-other-444444444', OPENAI_API_KEY: 'sk-server-5555' },
    );
    try {
      openai.enqueue({ kind: 'status', status: 429, body: { error: { message: 'slow' } } });
      groq.enqueue({ kind: 'json', body: GROQ_ANSWER });
      const answer = await fetch(`${running.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer tlk-ci-3333333333' },
        body: JSON.stringify({ model: 'gpt-4.1-nano', messages: [] }),
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-tokenledger-attempt-provider')).toBe('groq');
      expect(openai.requests[0]?.headers['authorization']).toBe('Bearer sk-server-5555');
      expect(groq.requests[0]?.headers['authorization']).toBe('Bearer gsk-server-2222');
    } finally {
      await running.close();
    }
  });
});
