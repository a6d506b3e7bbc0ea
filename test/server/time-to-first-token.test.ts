/**
 * Time to first token is the first content (text, tool call or reasoning) on every path, not
 * the first body byte: an Anthropic stream opens with a content-less message_start (issue 10
 * item 5). The mock leaves a gap between events, so the first content arrives three gaps after
 * message_start (message_start, content_block_start, ping, then the first thinking delta).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { pino } from 'pino';
import { parseConfig } from '#src/config/index.js';
import { createLedger, type Ledger } from '#src/http/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import { openStore } from '#src/store/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { fixtureEvents, startMockProvider, type MockProvider, type StreamEvent } from '../helpers/mock-provider.js';

const GAP_MS = 60;
/** Events before the first content delta of anthropic-04-stream-classic. */
const PREAMBLE_EVENTS = 3;

let mock: MockProvider;
let server: RunningServer;
let ledger: Ledger;

beforeAll(async () => {
  mock = await startMockProvider();
  const env = { ANTHROPIC_BASE_URL: mock.url };
  server = await startServer({
    port: 0,
    db: 'memory:',
    env,
    config: parseConfig({}, 'inline', env),
    logger: pino({ level: 'silent' }),
  });
  ledger = createLedger({ store: await openStore('memory:') });
});
afterAll(async () => {
  await server.close();
  await ledger.close();
  await mock.close();
});
beforeEach(() => mock.reset());

/** The recorded stream's opening and its closing events (the middle only makes the test slow). */
function shortStream(): StreamEvent[] {
  const events = fixtureEvents('anthropic-04-stream-classic').map((item) => ({
    event: (item.data as { type: string }).type,
    data: item.data,
  }));
  return [...events.slice(0, PREAMBLE_EVENTS + 2), ...events.slice(-3)];
}

const params = {
  model: 'claude-sonnet-4-5-20250929',
  max_tokens: 100,
  messages: [{ role: 'user' as const, content: 'hi' }],
};

function expectFirstContentTiming(event: UsageEvent): void {
  // A lower bound only: a loaded machine delays events, never brings them forward. The first
  // body byte (message_start) comes at once, the first content PREAMBLE_EVENTS gaps later.
  expect(event.timeToFirstTokenMs).toBeGreaterThanOrEqual(PREAMBLE_EVENTS * GAP_MS - 5);
  expect(event.timeToFirstTokenMs!).toBeLessThan(event.durationMs! - 2 * GAP_MS + 5);
  expect(event.usage.inputTokens).toBeGreaterThan(0);
}

describe('time to first token = the first content event', () => {
  it('ledger.fetch: an Anthropic stream is timed at its first delta, not at message_start', async () => {
    mock.enqueue({ kind: 'stream', events: shortStream(), chunkGapMs: GAP_MS });
    const client = new Anthropic({ apiKey: 'sk-ant-x', baseURL: mock.url, maxRetries: 0, fetch: ledger.fetch() });
    await client.messages.stream(params).finalMessage();
    await ledger.flush();
    const [event] = (await ledger.store.events({ filter: {}, limit: 1 })).events;
    expect(event!.provider).toBe('anthropic');
    expectFirstContentTiming(event!);
  });

  it('gateway: the same stream is timed at its first delta', async () => {
    mock.enqueue({ kind: 'stream', events: shortStream(), chunkGapMs: GAP_MS });
    const client = new Anthropic({ apiKey: 'sk-ant-x', baseURL: `${server.url}/anthropic`, maxRetries: 0 });
    await client.messages.stream(params).finalMessage();
    await server.app.flushRecordings();
    const [event] = (await server.store.events({ filter: {}, limit: 1 })).events;
    expect(event!.provider).toBe('anthropic');
    expectFirstContentTiming(event!);
  });
});
