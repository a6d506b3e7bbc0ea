/**
 * The public entry point, used the way DESIGN.md shows it: a ledger over a real SQLite file,
 * its `fetch` handed to the official clients and its AI SDK middleware to `generateText`, a
 * scope stamping the run, and one `flush()`. The mock provider replays recorded real
 * responses over loopback HTTP.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { generateText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger, openStore, summarizeUsage, type Store } from '#src/index.js';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';

let mock: MockProvider;
let store: Store;
let dir: string;

beforeAll(async () => {
  mock = await startMockProvider();
  dir = await mkdtemp(path.join(os.tmpdir(), 'tl-public-'));
  store = await openStore(`sqlite:${path.join(dir, 'ledger.db')}`);
});
afterAll(async () => {
  await store.close();
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

/** Holds every store insert until `open()`: what flush() waits for cannot be done by luck. */
function slowStore(inner: Store): Store & { open(): void } {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  return new Proxy(inner, {
    get(target, key) {
      if (key === 'open') return open;
      if (key === 'insert') {
        return async (...args: Parameters<Store['insert']>) => {
          await gate;
          return target.insert(...args);
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Store & { open(): void };
}

function aiSdkModel(): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    provider: 'openai.chat',
    modelId: 'gpt-4.1-nano',
    doGenerate: async () => ({
      content: [{ type: 'text', text: 'Hello from the mock.' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: { total: 2006, noCache: 86, cacheRead: 1920, cacheWrite: undefined },
        outputTokens: { total: 300, text: 236, reasoning: 64 },
      },
      warnings: [],
    }),
  });
}

describe('public API: createLedger(...).fetch', () => {
  it('meters an official openai client call and an anthropic stream into one ledger, attributed', async () => {
    const ledger = createLedger({ store });
    const run = ledger.scope({ run: 'AAPL' });

    const indicatorFetch = run.fetch({ agent: 'indicator_agent' });
    const riskFetch = run.fetch({ agent: 'risk_agent' });
    const openai = new OpenAI({ apiKey: 'sk-test-public-0001', baseURL: `${mock.url}/v1`, fetch: indicatorFetch });
    mock.enqueue({ kind: 'fixture', name: 'openai-03-chat-cached' });
    const completion = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.usage?.prompt_tokens).toBe(4020);

    const anthropic = new Anthropic({ apiKey: 'sk-ant-test-public-0001', baseURL: mock.url, fetch: riskFetch });
    mock.enqueue({ kind: 'fixture', name: 'anthropic-07-stream-cache-grows' });
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4-20250514',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await stream.finalMessage();

    // Recording happens when each body ends; the one ledger's flush waits for every recording
    // its scopes and their fetches started.
    await ledger.flush();

    const totals = await summarizeUsage(store, { run: 'AAPL' });
    expect(totals.calls).toBe(2);
    expect(totals.tokens.input).toBe(4020 + 9632);
    expect(totals.tokens.cacheRead).toBe(4012 + 6289);
    expect(totals.tokens.cacheWrite).toBe(3337);
    const page = await store.events({ filter: { run: 'AAPL' }, limit: 10 });
    expect(page.events.map((event) => event.agent).sort()).toEqual(['indicator_agent', 'risk_agent']);
    expect(JSON.stringify(page.events)).not.toContain('sk-test-public-0001');
    expect(JSON.stringify(page.events)).not.toContain('sk-ant-test-public-0001');
  });
});

describe('public API: one flush()', () => {
  it('waits for what the scopes, their fetch and their AI SDK middleware started, however slow the store', async () => {
    const slow = slowStore(store);
    const ledger = createLedger({ store: slow });
    const run = ledger.scope({ run: 'one-flush' });

    const openai = new OpenAI({
      apiKey: 'sk-test-public-0002',
      baseURL: `${mock.url}/v1`,
      fetch: run.fetch({ agent: 'fetch_agent' }),
    });
    mock.enqueue({ kind: 'fixture', name: 'openai-03-chat-cached' });
    await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    const model = wrapLanguageModel({ model: aiSdkModel(), middleware: run.aiSdkMiddleware({ agent: 'sdk_agent' }) });
    const { text } = await generateText({ model, prompt: 'hi' });
    expect(text).toBe('Hello from the mock.');
    // Not awaited: its write waits at the gate like the others.
    const direct = run.scope({ agent: 'direct_agent' }).record({
      provider: 'openai',
      model: 'gpt-4o',
      usage: { inputTokens: 10, outputTokens: 5 },
    });

    let flushed = false;
    const flushing = ledger.flush().then(() => {
      flushed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(flushed).toBe(false);
    expect((await summarizeUsage(store, { run: 'one-flush' })).calls).toBe(0);
    slow.open();
    await flushing;
    expect((await direct).agent).toBe('direct_agent');

    const totals = await summarizeUsage(store, { run: 'one-flush' });
    expect(totals.calls).toBe(3);
    expect(totals.tokens.input).toBe(4020 + 2006 + 10);
    const page = await store.events({ filter: { run: 'one-flush' }, limit: 10 });
    expect(page.events.map((event) => event.agent).sort()).toEqual(['direct_agent', 'fetch_agent', 'sdk_agent']);
  });
});
