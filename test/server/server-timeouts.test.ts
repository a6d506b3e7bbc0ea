/**
 * Server timeouts bound receiving a request (headers, body) and idle keep-alive sockets, and
 * never waiting for an upstream or a quiet stream: a client that trickles its body is cut, an
 * idle keep-alive socket is closed, while an upstream silent for 5 s (before its headers, and
 * in the middle of a stream) still gets through to the client, and the call is recorded.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '#src/server/index.js';
import { fixtureEvents, type MockProvider, startMockProvider } from '../helpers/mock-provider.js';
import { startServerOnMock } from './helpers.js';

const LIMITS = { headersTimeoutMs: 1000, requestTimeoutMs: 1000, keepAliveTimeoutMs: 1000 };
const SILENCE_MS = 5000;

let mock: MockProvider;
let server: RunningServer;
let port: number;

beforeAll(async () => {
  mock = await startMockProvider();
  server = await startServerOnMock(mock, { limits: LIMITS });
  port = server.port;
});
afterAll(async () => {
  await server.close();
  await mock.close();
});

/** Opens a raw socket, collecting what the server sends, resolving when it closes the socket. */
function rawSocket(): { socket: Socket; received: () => string; closed: Promise<number> } {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  const opened = performance.now();
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - opened)));
  return { socket, received: () => text, closed };
}

describe('receiving a request is bounded', () => {
  it('a client that sends half its body and stops is answered 408 and cut', async () => {
    const { socket, received, closed } = rawSocket();
    socket.write(
      'POST /v1/usage HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"provider":',
    );
    const elapsed = await closed;
    expect(received()).toMatch(/^HTTP\/1\.1 408 /);
    // requestTimeout 1 s, checked every 250 ms; never the 5 min default.
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(4000);
  });

  it('a client that trickles its headers is cut too', async () => {
    const { socket, received, closed } = rawSocket();
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const timer = setInterval(() => socket.write('X-Slow: 1\r\n'), 200);
    const elapsed = await closed;
    clearInterval(timer);
    expect(received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(elapsed).toBeLessThan(4000);
  });

  it('an idle keep-alive socket is closed after keepAliveTimeoutMs', async () => {
    const { socket, received, closed } = rawSocket();
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const elapsed = await closed;
    expect(received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(received()).toMatch(/keep-alive: timeout=1/i);
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(4000);
  });
});

describe('waiting for the upstream is not', () => {
  it('an upstream silent for 5 s before answering still answers the client, and the call is recorded', async () => {
    mock.enqueue({ kind: 'fixture', name: 'openai-01-chat-plain', latencyMs: SILENCE_MS });
    const started = performance.now();
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tokenledger-agent': 'slow-json' },
      body: JSON.stringify({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { usage: { completion_tokens: number } };
    expect(performance.now() - started).toBeGreaterThanOrEqual(SILENCE_MS - 50);
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    await server.app.flushRecordings();
    const { events } = await server.store.events({ filter: { agent: 'slow-json' }, limit: 10 });
    expect(events.map((event) => event.status)).toEqual(['ok']);
  }, 20_000);

  it('a stream silent for 5 s between two chunks completes, both delivered, its usage recorded', async () => {
    const events = fixtureEvents('openai-05-chat-stream-include-usage');
    // The first chunk, 5 s of nothing, then the usage chunk: a reasoning model thinking mid-stream.
    const usageChunk = events.find(
      (item) =>
        typeof item.data === 'object' &&
        item.data !== null &&
        'usage' in item.data &&
        (item.data as { usage: unknown }).usage !== null,
    )!;
    mock.enqueue({ kind: 'stream', events: [events[0]!, usageChunk], chunkGapMs: SILENCE_MS });
    const started = performance.now();
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tokenledger-agent': 'slow-stream' },
      // Asked for usage by the client: the usage chunk is its to see.
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        stream: true,
        stream_options: { include_usage: true },
        messages: [],
      }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(performance.now() - started).toBeGreaterThanOrEqual(SILENCE_MS - 50);
    expect(text.split('\n\n').filter(Boolean)).toHaveLength(2);
    expect(text).toContain('"completion_tokens":9');
    await server.app.flushRecordings();
    const { events: stored } = await server.store.events({ filter: { agent: 'slow-stream' }, limit: 10 });
    expect(stored.map((event) => [event.status, event.usage.inputTokens, event.usage.outputTokens])).toEqual([
      ['ok', 78, 9],
    ]);
  }, 20_000);
});
