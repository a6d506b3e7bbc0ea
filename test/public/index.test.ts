/**
 * The public entry point, used the way DESIGN.md shows it: a ledger over a real SQLite file,
 * its `fetch` handed to the official clients, a scope stamping the run. The mock provider
 * replays recorded real responses over loopback HTTP.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger, openStore, summary, type Store } from '#src/index.js';
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

    // Recording happens when each body ends; flush waits for those recordings to settle.
    await indicatorFetch.flush();
    await riskFetch.flush();
    await ledger.flush();

    const totals = await summary(store, { run: 'AAPL' });
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
