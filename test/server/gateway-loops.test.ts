/**
 * Loops refused: `serve` will not start with an upstream that is itself, and a request that
 * comes back to a gateway it already passed through (A -> B -> A) is refused there with a 508
 * naming the upstream, instead of circling until sockets run out. A chain of distinct
 * gateways still works.
 */
import { createServer } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import { ConfigError } from '#src/errors/index.js';
import { type RunningServer, startServer } from '#src/server/index.js';
import { type MockProvider, startMockProvider } from '../helpers/mock-provider.js';
import { freePort } from '../helpers/free-port.js';

const silent = pino({ level: 'silent' });

async function gateway(port: number, upstream: string): Promise<RunningServer> {
  const config = parseConfig({ server: { upstreams: [{ provider: 'openai', baseURL: upstream }] } }, 'inline', {});
  return startServer({ config, env: {}, port, db: 'memory:', logger: silent });
}

const chat = {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] }),
};

describe('serve refuses an upstream that is itself', () => {
  it.each([
    ['localhost', (port: number) => `http://localhost:${port}/v1`],
    ['127.0.0.1', (port: number) => `http://127.0.0.1:${port}/v1`],
  ])('by %s: a ConfigError naming the upstream, nothing listening', async (_name, upstreamOf) => {
    const port = await freePort();
    const started = gateway(port, upstreamOf(port));
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow(
      `the upstream for openai (${upstreamOf(port)}) is this server itself (127.0.0.1:${port}): every call would loop`,
    );
    // Nothing was left listening on the port.
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => probe.close(resolve));
  });
});

describe('a looping request', () => {
  let mock: MockProvider;
  let a: RunningServer;
  let b: RunningServer;
  let c: RunningServer;
  beforeAll(async () => {
    mock = await startMockProvider();
    const [portA, portB] = [await freePort(), await freePort()];
    // A -> B -> A: each start-up check passes (neither names itself), the loop is only at run time.
    a = await gateway(portA, `http://127.0.0.1:${portB}/v1`);
    b = await gateway(portB, `http://127.0.0.1:${portA}/v1`);
    // C -> mock: a gateway in front of another (D -> C) is a chain, not a loop.
    c = await gateway(0, `${mock.url}/v1`);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close(), c.close()]);
    await mock.close();
  });

  it('is refused with 508 when it comes back to a gateway it passed, naming that upstream', async () => {
    const response = await fetch(`${a.url}/v1/chat/completions`, chat);
    expect(response.status).toBe(508);
    expect(await response.json()).toEqual({
      error: {
        code: 'loop_detected',
        message: `this request already passed through this gateway: its upstream openai (http://127.0.0.1:${b.port}/v1) leads back here; point it at the provider`,
      },
    });
  });

  it('a chain of two distinct gateways reaches the provider, which sees both hops', async () => {
    const d = await gateway(0, `${c.url}/v1`);
    try {
      mock.reset();
      const response = await fetch(`${d.url}/v1/chat/completions`, chat);
      expect(response.status).toBe(200);
      await response.text();
      expect(mock.requests).toHaveLength(1);
      expect(mock.requests[0]!.headers['x-tokenledger-via']).toMatch(/^[0-9a-f]{16}, [0-9a-f]{16}$/);
    } finally {
      await d.close();
    }
  });
});
