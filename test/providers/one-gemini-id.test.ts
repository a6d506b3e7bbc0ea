/**
 * Issue 10 acceptance: one Gemini call made through the client, the tracking fetch, the gateway,
 * the AI SDK middleware and ingest lands under one provider id, `google`, whatever name each
 * path used (`gemini` in the config, `gemini` as a fetch hint or ingest field, Google's host).
 * `?provider=google` and `?provider=gemini` then find all of them.
 */
import { GoogleGenAI } from '@google/genai';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { generateText, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createLedger, openStore, type Store, type UsageEvent } from '#src/index.js';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import { fixtureBody, loadFixture, startMockProvider, type MockProvider } from '../helpers/mock-provider.js';

const GOOGLE = 'https://generativelanguage.googleapis.com';
const expected = (loadFixture('gemini-01-plain') as unknown as { expected: Record<string, number> }).expected;

let mock: MockProvider;
let server: RunningServer;
let store: Store;
beforeAll(async () => {
  mock = await startMockProvider();
  store = await openStore('memory:');
  // The gateway's Gemini upstream is configured the old way, under the `gemini` id.
  const config = parseConfig({ providers: { gemini: { baseURL: mock.url, apiKey: 'env:GK' } } }, 'inline', {
    GK: 'AIza-server',
  });
  server = await startServer({ port: 0, db: 'memory:', env: {}, config });
});
afterAll(async () => {
  await server.close();
  await store.close();
  await mock.close();
});

async function libraryEvents(ledger: { flush(): Promise<void> }): Promise<UsageEvent[]> {
  await ledger.flush();
  return (await store.events({ filter: {}, limit: 100 })).events;
}

describe('one Gemini call, five ways in, one provider id', () => {
  it('client, fetch (hinted and by host), AI SDK middleware: all recorded as google', async () => {
    const ledger = createLedger({ store });
    const client = createClient({
      ledger,
      config: parseConfig({ providers: { gemini: { baseURL: mock.url, apiKey: 'env:GK' } } }, 'inline', { GK: 'k' }),
    });
    await client.generate({ model: 'gemini/gemini-2.5-flash', prompt: 'hi', agent: 'client' });

    const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
    const hinted = ledger.fetch({ agent: 'fetch-hinted' }, { provider: 'gemini' });
    await (await hinted(`${mock.url}/v1beta/models/gemini-2.5-flash:generateContent`, init)).json();
    // Google's own URL, carried to the mock by the inner fetch: the host names the provider.
    const byHost = ledger.fetch(
      { agent: 'fetch-host' },
      { fetch: (input, options) => fetch(String(input).replace(GOOGLE, mock.url), options) },
    );
    await (await byHost(`${GOOGLE}/v1beta/models/gemini-2.5-flash:generateContent`, init)).json();

    const google = createGoogleGenerativeAI({ baseURL: `${mock.url}/v1beta`, apiKey: 'g' });
    const model = wrapLanguageModel({
      model: google('gemini-2.5-flash'),
      middleware: ledger.aiSdkMiddleware({ agent: 'ai-sdk' }),
    });
    await generateText({ model, prompt: 'hi', maxRetries: 0 });

    const events = await libraryEvents(ledger);
    const byAgent = Object.fromEntries(events.map((event) => [event.agent, event]));
    for (const agent of ['client', 'fetch-hinted', 'fetch-host', 'ai-sdk']) {
      expect(byAgent[agent]?.provider, agent).toBe('google');
      expect(byAgent[agent]?.usage, agent).toMatchObject({
        inputTokens: expected['inputTokens'],
        outputTokens: expected['outputTokens'],
      });
      // Priced under Google's catalog entry, whatever the path called it.
      expect(byAgent[agent]?.cost, agent).not.toBeNull();
    }
    const [sum] = await store.aggregate({ filter: { provider: 'gemini' }, groupBy: [] });
    expect(sum?.calls).toBe(4);
  });

  it('gateway (configured as gemini) and ingest (provider gemini, or a bare Gemini response): google too', async () => {
    const viaGateway = new GoogleGenAI({ apiKey: 'AIza-client', httpOptions: { baseUrl: `${server.url}/gemini` } });
    await viaGateway.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
    const ingest = await fetch(`${server.url}/v1/usage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          provider: 'gemini',
          model: 'gemini-2.5-flash',
          agent: 'ingest-named',
          usage: { inputTokens: 22, outputTokens: 40 },
        },
        { model: 'gemini-2.5-flash', agent: 'ingest-raw', response: fixtureBody('gemini-01-plain') },
      ]),
    });
    expect(ingest.status).toBe(200);
    await server.app.flushRecordings();
    for (const provider of ['google', 'gemini', 'Gemini']) {
      const response = await fetch(`${server.url}/analytics/tokens?provider=${provider}`);
      const overview = (await response.json()) as { summary: { calls: number; tokens: { input: number } } };
      expect(overview.summary.calls, provider).toBe(3);
      expect(overview.summary.tokens.input, provider).toBe(3 * 22);
    }
    const { events } = await server.store.events({ filter: {}, limit: 10 });
    expect(new Set(events.map((event) => event.provider))).toEqual(new Set(['google']));
  });
});
