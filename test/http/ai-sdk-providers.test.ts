/**
 * The AI SDK middleware under ai@7 with the real provider packages (@ai-sdk/openai, anthropic,
 * google 4.x) calling the mock provider over loopback HTTP, which replays recorded real answers:
 * the event holds the fixture's usage, whatever the package's own conversion did on the way.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createLedger, openStore, type Store, type Ledger, type UsageEvent } from '#src/index.js';
import { loadFixture, startMockProvider, type MockProvider } from '../helpers/mock-provider.js';

let mock: MockProvider;
let store: Store;
let ledger: Ledger;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(async () => {
  mock.reset();
  store = await openStore('memory:');
  ledger = createLedger({ store });
});
afterEach(async () => {
  await ledger.close();
  await store.close();
});

/** The fixture's totals and cache read: the counts every @ai-sdk package reports in its V4 usage. */
function expected(name: string): Record<string, number | undefined> {
  const all = (loadFixture(name) as unknown as { expected: Record<string, number> }).expected;
  return {
    inputTokens: all['inputTokens'],
    outputTokens: all['outputTokens'],
    totalTokens: all['totalTokens'],
    cacheReadTokens: all['cacheReadTokens'],
  };
}

async function onlyEvent(): Promise<UsageEvent> {
  await ledger.flush();
  const { events } = await store.events({ filter: {}, limit: 10 });
  expect(events).toHaveLength(1);
  return events[0] as UsageEvent;
}

const models = {
  openai: () => createOpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'sk-test' }).chat('gpt-4.1-nano'),
  anthropic: () => createAnthropic({ baseURL: `${mock.url}/v1`, apiKey: 'sk-ant-test' })('claude-sonnet-4-5'),
  google: () => createGoogleGenerativeAI({ baseURL: `${mock.url}/v1beta`, apiKey: 'g-test' })('gemini-2.5-flash'),
};

const cases = [
  { provider: 'openai', json: 'openai-01-chat-plain', stream: 'openai-05-chat-stream-include-usage' },
  { provider: 'anthropic', json: 'anthropic-01-plain', stream: 'anthropic-04-stream-classic' },
  { provider: 'google', json: 'gemini-01-plain', stream: 'gemini-06-stream' },
] as const;

describe('AI SDK middleware with @ai-sdk/* 4.x over loopback HTTP', () => {
  for (const c of cases) {
    it(`${c.provider}: generateText records the recorded answer's exact usage`, async () => {
      const model = wrapLanguageModel({
        model: models[c.provider](),
        middleware: ledger.aiSdkMiddleware({ agent: 'a' }),
      });
      const result = await generateText({ model, prompt: 'hi', maxRetries: 0 });
      expect(result.text.length).toBeGreaterThan(0);
      const event = await onlyEvent();
      expect(event).toMatchObject({ provider: c.provider, agent: 'a', status: 'ok', estimated: false });
      expect(event.usage).toMatchObject(expected(c.json));
    });

    it(`${c.provider}: streamText records the recorded stream's exact usage and a time to first token`, async () => {
      const model = wrapLanguageModel({ model: models[c.provider](), middleware: ledger.aiSdkMiddleware() });
      const result = streamText({ model, prompt: 'hi', maxRetries: 0 });
      expect((await result.text).length).toBeGreaterThan(0);
      const event = await onlyEvent();
      expect(event).toMatchObject({ provider: c.provider, status: 'ok' });
      expect(event.usage).toMatchObject(expected(c.stream));
      expect(event.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
      expect(event.timeToFirstTokenMs).toBeLessThanOrEqual(event.durationMs as number);
    });
  }
});
