/**
 * Budgets on the gateway, driven by the official SDKs: a call over a cap is refused before it is
 * sent, with a 429 the SDK surfaces with the budget's message and does not retry; every answer
 * names the budget in `x-tokenledger-budget-*` headers; a call settles to its real cost, and a
 * stream the client cancels halfway settles to its input plus what was streamed (the output
 * counted with the tokenizer, since the provider's count comes last), equal to its event's cost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
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
import {
  fixtureBody,
  fixtureEvents,
  type MockProvider,
  ONE_TOKEN_WORDS,
  startMockProvider,
  wordChatStream,
} from '../helpers/mock-provider.js';

const dir = mkdtempSync(join(tmpdir(), 'gateway-budgets-'));
const db = join(dir, 'ledger.db');
const BUDGETS = [
  { name: 'tiny', capUsd: 0.0001, window: 'day', scope: { agent: 'over' } },
  { name: 'ok-daily', capUsd: 1, window: 'day', scope: { agent: 'within' } },
  { name: 'stream-daily', capUsd: 1, window: 'day', scope: { agent: 'streamer' } },
  { name: 'stream-openai', capUsd: 1, window: 'day', scope: { agent: 'streamer-openai' } },
  {
    name: 'learner',
    capTokens: 3000,
    window: 'day',
    scope: { agent: 'learner' },
    mode: 'adaptive',
    percentile: 50,
    minObservations: 1,
  },
] as const;
let mock: MockProvider;
let server: RunningServer;
let counters: SqliteBudgetCounters;

beforeAll(async () => {
  mock = await startMockProvider();
  const env = { OPENAI_BASE_URL: `${mock.url}/v1`, ANTHROPIC_BASE_URL: mock.url };
  server = await startServer({
    port: 0,
    db: `sqlite:${db}`,
    env,
    config: parseConfig({ budgets: BUDGETS }, 'inline', env),
    logger: { debug() {}, info() {}, warn() {}, error() {} } as never,
  });
  counters = SqliteBudgetCounters.open({ path: budgetCountersPath(db) });
});
afterAll(async () => {
  await counters.close();
  await server.close();
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => mock.reset());

async function stateOf(name: (typeof BUDGETS)[number]['name']) {
  const spec = budgetFromConfig(BUDGETS.find((entry) => entry.name === name) as never);
  const span = windowSpan(spec.window, Date.now());
  const window = { counter: counterOf(spec), bucket: span.bucket, fromBucket: span.fromBucket, stepMs: span.stepMs };
  return (await counters.state([window], Date.now()))[0];
}

async function lastEvent(agent: string): Promise<UsageEvent | undefined> {
  await server.app.flushRecordings();
  return (await server.store.events({ filter: { agent }, limit: 1 })).events[0];
}

const nextMidnight = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString();
};

describe('gateway budgets with the official openai client', () => {
  it('refuses a call over the cap before sending it: a 429 with the budget message, not retried', async () => {
    let sent = 0;
    const client = new OpenAI({
      apiKey: 'sk-client-1111111111',
      baseURL: `${server.url}/v1`,
      maxRetries: 3,
      defaultHeaders: { 'x-tokenledger-agent': 'over' },
      fetch: (url, init) => {
        sent++;
        return fetch(url, init);
      },
    });
    const error = await client.chat.completions
      .create({ model: 'gpt-4.1-nano', max_tokens: 1000, messages: [{ role: 'user', content: 'a holiday' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const refused = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(refused.status).toBe(429);
    expect(refused.message).toContain('budget tiny exceeded: cap $0.0001, spent $0.00, held $0.00');
    expect(refused.message).toContain(`resets at ${nextMidnight()}`);
    expect(refused.code).toBe('budget_exceeded');
    expect(refused.headers.get('x-should-retry')).toBe('false');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-tokenledger-budget-name')).toBe('tiny');
    expect(refused.headers.get('x-tokenledger-budget-reset')).toBe(nextMidnight());
    expect(sent).toBe(1);
    expect(mock.requests).toHaveLength(0);
    expect(await stateOf('tiny')).toEqual({ spent: 0, held: 0 });
  });

  it('a token count holds $0: admitted under a budget too small for any call, recorded as a $0 call', async () => {
    mock.enqueue({ kind: 'malformed', body: '{"input_tokens":2095}', contentType: 'application/json' });
    const client = new Anthropic({
      apiKey: 'sk-ant-client-1111111111',
      baseURL: `${server.url}/anthropic`,
      maxRetries: 0,
      defaultHeaders: { 'x-tokenledger-agent': 'over' },
    });
    const counted = await client.messages.countTokens({
      model: 'claude-sonnet-4-20250514',
      messages: [{ role: 'user', content: 'a holiday' }],
    });
    expect(counted.input_tokens).toBe(2095);
    expect(mock.requests).toHaveLength(1);
    const event = await lastEvent('over');
    expect(event?.usage.totalTokens).toBe(0);
    expect(event?.cost?.totalNanos).toBe(0);
    expect(await stateOf('tiny')).toEqual({ spent: 0, held: 0 });
  });

  it('admits within the cap, names the budget in headers, and settles to the real cost', async () => {
    const client = new OpenAI({
      apiKey: 'sk-client-1111111111',
      baseURL: `${server.url}/v1`,
      maxRetries: 0,
      defaultHeaders: { 'x-tokenledger-agent': 'within' },
    });
    const { response } = await client.chat.completions
      .create({ model: 'gpt-4.1-nano', max_tokens: 1000, messages: [{ role: 'user', content: 'a holiday' }] })
      .withResponse();
    expect(response.headers.get('x-tokenledger-budget-name')).toBe('ok-daily');
    expect(response.headers.get('x-tokenledger-budget-unit')).toBe('usd');
    expect(response.headers.get('x-tokenledger-budget-limit')).toBe('1');
    expect(response.headers.get('x-tokenledger-budget-reset')).toBe(nextMidnight());
    const held = Number(response.headers.get('x-tokenledger-budget-held'));
    expect(held).toBeGreaterThan(0);
    expect(Number(response.headers.get('x-tokenledger-budget-remaining'))).toBeCloseTo(1 - held, 9);
    // The admission's time is part of the gateway's own.
    const admissionMs = Number(response.headers.get('x-tokenledger-budget-admission-ms'));
    expect(admissionMs).toBeGreaterThan(0);
    expect(admissionMs).toBeLessThanOrEqual(Number(response.headers.get('x-tokenledger-overhead-ms')));
    const event = await lastEvent('within');
    expect(event?.usage).toMatchObject({ inputTokens: 16, outputTokens: 363 });
    expect(await settledStateOf('ok-daily')).toEqual({ spent: event?.cost?.totalNanos, held: 0 });
    // The next call sees the settled spend, not the hold.
    const second = await client.chat.completions
      .create({ model: 'gpt-4.1-nano', max_tokens: 1000, messages: [{ role: 'user', content: 'a holiday' }] })
      .withResponse();
    const remaining = Number(second.response.headers.get('x-tokenledger-budget-remaining'));
    expect(remaining).toBeCloseTo(1 - (event?.cost?.total ?? 0) - held, 9);
  });
});

describe('gateway budgets: adaptive', () => {
  it('holds the output observed, reports a call above its hold and the window over its cap on /metrics', async () => {
    const client = new OpenAI({
      apiKey: 'sk-client-1111111111',
      baseURL: `${server.url}/v1`,
      maxRetries: 0,
      defaultHeaders: { 'x-tokenledger-agent': 'learner' },
    });
    const ask = () =>
      client.chat.completions
        .create({ model: 'gpt-4.1-nano', max_tokens: 2000, messages: [{ role: 'user', content: 'a holiday' }] })
        .withResponse();
    // Nothing observed yet: the worst case, the input bound plus max_tokens.
    const first = await ask();
    const worst = Number(first.response.headers.get('x-tokenledger-budget-held'));
    expect(worst).toBeGreaterThan(2000);
    await lastEvent('learner');
    // The mock's answer output 363 tokens: the next call holds the input bound plus 363.
    const answer = fixtureBody('openai-01-chat-plain') as { usage: Record<string, unknown> };
    mock.enqueue({
      kind: 'json',
      body: { ...answer, usage: { ...answer.usage, completion_tokens: 2000, total_tokens: 2016 } },
    });
    const second = await ask();
    expect(Number(second.response.headers.get('x-tokenledger-budget-held'))).toBe(worst - 2000 + 363);
    await lastEvent('learner');
    // 16 + 363 then 16 + 2,000 tokens: 2,395 of 3,000, within the cap, one call above its hold.
    let metrics = await metricsShowing('tokenledger_budget_above_hold_total{budget="learner"} 1');
    expect(metrics).toContain('tokenledger_budget_above_hold_total{budget="learner"} 1');
    expect(metrics).toContain('tokenledger_budget_over_cap{budget="learner"} 0');
    // p50 of [363, 2000] is 363 again; this call outputs 2,000 too: 4,411 tokens, 1,411 over the cap.
    mock.enqueue({
      kind: 'json',
      body: { ...answer, usage: { ...answer.usage, completion_tokens: 2000, total_tokens: 2016 } },
    });
    await ask();
    await lastEvent('learner');
    metrics = await metricsShowing('tokenledger_budget_above_hold_total{budget="learner"} 2');
    expect(metrics).toContain('tokenledger_budget_above_hold_total{budget="learner"} 2');
    expect(metrics).toContain('tokenledger_budget_over_cap{budget="learner"} 1411');
    expect(await settledStateOf('learner')).toEqual({ spent: 4411, held: 0 });
  });
});

/**
 * /metrics once it shows `line`, or after 2 s as it is then: a call's settle (which counts a call
 * above its hold) runs after its answer is sent and its event recorded.
 */
async function metricsShowing(line: string): Promise<string> {
  let text = await (await fetch(`${server.url}/metrics`)).text();
  for (let tries = 0; !text.includes(line) && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    text = await (await fetch(`${server.url}/metrics`)).text();
  }
  return text;
}

/** Polls until the budget holds nothing (the settle follows the call's end), then its state. */
async function settledStateOf(name: (typeof BUDGETS)[number]['name']) {
  let state = await stateOf(name);
  for (let tries = 0; state?.held !== 0 && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    state = await stateOf(name);
  }
  return state;
}

describe('gateway budgets: a stream cancelled halfway settles to its input plus what was streamed', () => {
  it('openai: aborted after 5 words, the settled spend is the input plus exactly those 5 output tokens', async () => {
    // The role chunk and 5 words, then silence: the client has read all that was streamed.
    mock.enqueue({ kind: 'stream', events: wordChatStream(ONE_TOKEN_WORDS), stallAfter: 6 });
    const client = new OpenAI({
      apiKey: 'sk-client-1111111111',
      baseURL: `${server.url}/v1`,
      maxRetries: 0,
      defaultHeaders: { 'x-tokenledger-agent': 'streamer-openai' },
    });
    const stream = await client.chat.completions.create({
      model: 'gpt-4.1-nano',
      max_tokens: 1000,
      stream: true,
      messages: [{ role: 'user', content: 'a holiday' }],
    });
    let text = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (text === ' one two three four five') break; // leaving the loop aborts the request
    }
    const state = await settledStateOf('stream-openai');
    const event = await lastEvent('streamer-openai');
    expect(event).toMatchObject({ status: 'error', error: { type: 'AbortError' }, estimated: true });
    // The usage chunk never came: input counted from the messages (3 to prime the reply + 3 for
    // the message + 'user' 1 + 'a holiday' 2 = 9), output from the 5 streamed words.
    expect(event?.usage).toMatchObject({ inputTokens: 9, outputTokens: 5, totalTokens: 14 });
    // gpt-4.1-nano: $0.10 / $0.40 per 1M tokens = 100 / 400 nano-dollars a token.
    expect(event?.cost?.totalNanos).toBe(9 * 100 + 5 * 400);
    expect(state).toEqual({ spent: 9 * 100 + 5 * 400, held: 0 });
  });

  it('anthropic: the input from message_start plus the streamed thinking, counted with the tokenizer', async () => {
    const events = fixtureEvents('anthropic-04-stream-classic');
    // message_start, a block start, a ping and 9 thinking deltas, then silence.
    mock.enqueue({ kind: 'stream', events, stallAfter: 12 });
    const client = new Anthropic({
      apiKey: 'sk-ant-client-1111',
      baseURL: `${server.url}/anthropic`,
      maxRetries: 0,
      defaultHeaders: { 'x-tokenledger-agent': 'streamer' },
    });
    const stream = await client.messages.create({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 4000,
      stream: true,
      messages: [{ role: 'user', content: 'think' }],
    });
    let deltas = 0;
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && ++deltas === 9) break; // leaving the loop aborts the request
    }
    const state = await settledStateOf('stream-daily');
    const event = await lastEvent('streamer');
    expect(event).toMatchObject({ status: 'error', error: { type: 'AbortError' }, estimated: true });
    // The input is the provider's (message_start: 42); the output count (the last
    // message_delta) never came: the 9 thinking deltas streamed are 53 tokens with o200k (an
    // approximation for Claude, flagged estimated). claude-sonnet-4-5: $3 / $15 per 1M.
    expect(event?.usage).toMatchObject({ inputTokens: 42, outputTokens: 53 });
    expect(event?.cost?.totalNanos).toBe(42 * 3 * 1000 + 53 * 15 * 1000);
    expect(state).toEqual({ spent: 42 * 3 * 1000 + 53 * 15 * 1000, held: 0 });
  });
});
