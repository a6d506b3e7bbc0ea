import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseConfig } from '#src/config/index.js';
import { startServer } from '#src/server/index.js';
import { openStore } from '#src/store/index.js';
import { startMockProvider, fixtureEvents } from '../helpers/mock-provider.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-shutdown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('graceful shutdown', () => {
  it('lets an in-flight stream finish, records it, flushes the ledger, then closes', async () => {
    // The mock paces its events so the stream is still running when shutdown starts.
    const mock = await startMockProvider({ chunkGapMs: 15 });
    const db = `sqlite:${join(dir, 'ledger.db')}`;
    const env = { OPENAI_BASE_URL: `${mock.url}/v1` };
    const server = await startServer({
      port: 0,
      db,
      env,
      config: parseConfig({}, 'inline', env),
      logger: pino({ level: 'silent' }),
    });
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tokenledger-agent': 'draining' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [] }),
    });
    const reader = response.body!.getReader();
    const first = await reader.read();
    const closing = server.close();
    let text = new TextDecoder().decode(first.value);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await closing;
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    // The plain stream the client asked for: the recording minus its usage-only chunk.
    expect(text.split('\n\n').filter(Boolean)).toHaveLength(
      fixtureEvents('openai-05-chat-stream-include-usage').length - 1,
    );
    // New connections are refused once closing started.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    await mock.close();
    const store = await openStore(db);
    try {
      const { events } = await store.events({ filter: {}, limit: 5 });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ agent: 'draining', status: 'ok', usage: { inputTokens: 78, outputTokens: 9 } });
    } finally {
      await store.close();
    }
  });

  it('closes a keep-alive connection as soon as its in-flight response ended, not at the end of the grace period', async () => {
    const mock = await startMockProvider({ chunkGapMs: 15 });
    const env = { OPENAI_BASE_URL: `${mock.url}/v1` };
    const server = await startServer({
      port: 0,
      db: `sqlite:${join(dir, 'keep-alive.db')}`,
      env,
      config: parseConfig({}, 'inline', env),
      logger: pino({ level: 'silent' }),
      // Longer than the test's own timeout: close() resolving at all proves it did not wait for it.
      drainTimeoutMs: 600_000,
    });
    // fetch keeps its socket alive after the stream; close() starts while the stream runs.
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [] }),
    });
    const reader = response.body!.getReader();
    await reader.read();
    const closing = server.close();
    let chunks = 1;
    while (!(await reader.read()).done) chunks++;
    expect(chunks).toBeGreaterThan(1);
    await closing;
    await mock.close();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
