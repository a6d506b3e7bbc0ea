/**
 * Server timeouts bound receiving a request (headers, body) and idle keep-alive sockets, and
 * never waiting for an upstream or a quiet stream: a client that trickles its body is cut, an
 * idle keep-alive socket is closed, while an upstream silent for 5 s (before its headers, and
 * in the middle of a stream) still gets through to the client, and the call is recorded.
 */
import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '#src/server/index.js';
import { fixtureEvents, type MockProvider, startMockProvider } from '../helpers/mock-provider.js';
import { startServerOnMock } from './helpers.js';

const LIMITS = {
  headersTimeoutMs: 1000,
  requestTimeoutMs: 1000,
  keepAliveTimeoutMs: 1000,
  uploadIdleTimeoutMs: 1000,
  uploadTimeoutMs: 6000,
};
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

/**
 * Sends a chunked `POST /v1/files` (a route the gateway streams through), one 1 KiB chunk per
 * `gaps` entry after waiting that long; resolves with the status (0 when the connection was cut
 * without one) and how long it took.
 */
async function upload(gaps: readonly number[]): Promise<{ status: number; body: string; elapsed: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(`${server.url}/v1/files`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=b', 'transfer-encoding': 'chunked' },
    });
    let settled = false;
    const done = (status: number, body: string): void => {
      if (settled) return;
      settled = true;
      resolve({ status, body, elapsed: performance.now() - started });
    };
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done(res.statusCode ?? 0, body));
      res.on('error', () => done(res.statusCode ?? 0, body));
    });
    req.on('error', () => done(0, ''));
    const send = async (): Promise<void> => {
      for (const gap of gaps) {
        await new Promise((wait) => setTimeout(wait, gap));
        if (settled || req.destroyed) return;
        req.write(Buffer.alloc(1024, 97));
      }
      req.end();
    };
    void send();
  });
}

describe('an upload streamed through the gateway', () => {
  it('may take longer than requestTimeoutMs while its bytes keep coming', async () => {
    mock.enqueue({ kind: 'json', body: { id: 'file-slow', object: 'file', bytes: 10_240 } });
    // 10 chunks 300 ms apart: 3 s in all, three times requestTimeoutMs, never idle for 1 s.
    const result = await upload(Array.from({ length: 10 }, () => 300));
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ id: 'file-slow' });
    expect(result.elapsed).toBeGreaterThanOrEqual(2900);
    expect(mock.requests.at(-1)?.body.length).toBe(10_240);
  }, 20_000);

  it('is answered 408 and cut after a pause longer than uploadIdleTimeoutMs', async () => {
    const before = mock.requests.length;
    // One chunk, then 3 s of nothing: cut about 1 s into the pause.
    const result = await upload([0, 3000, 0]);
    expect(result.status).toBe(408);
    expect(JSON.parse(result.body)).toEqual({
      error: { code: 'request_timeout', message: 'the request body did not arrive in time' },
    });
    expect(result.elapsed).toBeGreaterThanOrEqual(900);
    expect(result.elapsed).toBeLessThan(2900);
    // The cut upload never completed upstream.
    expect(mock.requests.slice(before).filter((request) => request.body.length === 2048)).toEqual([]);
  }, 20_000);

  it('is cut at uploadTimeoutMs however steadily it sends', async () => {
    // A chunk every 500 ms for 10 s: never idle, but over the 6 s bound.
    const result = await upload(Array.from({ length: 20 }, () => 500));
    expect(result.status).toBe(408);
    expect(result.elapsed).toBeGreaterThanOrEqual(5900);
    expect(result.elapsed).toBeLessThan(9000);
  }, 20_000);
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
