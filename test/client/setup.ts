/** Shared wiring for client tests: a real ledger over a memory store, a config pointing at the mock. */
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type ClientOptions } from '#src/client/index.js';
import { parseConfig } from '#src/config/index.js';
import { createRecordingLedger } from '#src/ledger/index.js';
import { MemoryStore } from '#src/store/index.js';
import type { UsageEvent, Usage } from '#src/types/index.js';
import type { MockProvider } from '../helpers/mock-provider.js';

export const OPENAI_KEY = 'sk-test-openai-SECRET0123456789';
export const ANTHROPIC_KEY = 'sk-ant-test-SECRET0123456789';
export const GEMINI_KEY = 'AIzaTestSECRET0123456789abcdefgh';

/** Config with every provider family pointed at the mock. */
export function mockConfig(mock: MockProvider, extra: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  return parseConfig(
    {
      providers: {
        openai: { baseURL: `${mock.url}/v1`, apiKey: 'env:OPENAI_API_KEY' },
        openrouter: {
          baseURL: `${mock.url}/v1`,
          apiKey: 'env:OPENAI_API_KEY',
          headers: { 'HTTP-Referer': 'https://example.org', 'X-Title': 'tl-tests' },
        },
        mistral: { baseURL: `${mock.url}/v1`, apiKey: 'env:OPENAI_API_KEY' },
        anthropic: { baseURL: mock.url, apiKey: 'env:ANTHROPIC_API_KEY' },
        gemini: { baseURL: mock.url, apiKey: 'env:GEMINI_API_KEY' },
      },
      ...extra,
    },
    'test',
    { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY, GEMINI_API_KEY: GEMINI_KEY, ...env },
  );
}

export function makeClient(options: Omit<ClientOptions, 'ledger'> & { config: ClientOptions['config'] }) {
  const store = new MemoryStore();
  const ledger = createRecordingLedger({ store });
  const events: UsageEvent[] = [];
  const client = createClient({
    ...options,
    ledger: {
      async record(input) {
        const event = await ledger.record(input);
        events.push(event);
        return event;
      },
    },
  });
  return { client, ledger, events };
}

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** The `expected` usage of a corpus fixture. */
export function expectedUsage(provider: string, name: string): Partial<Usage> {
  const fixture = JSON.parse(readFileSync(join(FIXTURES, provider, `${name}.json`), 'utf8')) as {
    expected: Partial<Usage>;
  };
  return fixture.expected;
}

/**
 * A fetch that notes the (fake) time each request starts (`times`) and each answer's headers
 * arrive (`answered`). Tests drive fake time in small steps while real requests are in flight,
 * so fake time passes during real I/O: a delay the client chose is measured from the answer
 * that asked for it (`times[n + 1] - answered[n]`), which I/O cannot stretch.
 */
export function timedFetch(times: number[], answered: number[] = []) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    times.push(Date.now());
    const response = await fetch(input, init);
    answered.push(Date.now());
    return response;
  };
}
