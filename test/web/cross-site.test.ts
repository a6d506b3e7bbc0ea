/**
 * Issue 9 acceptance: in the default no-key mode (loopback, the server's own provider key lent
 * to key-less clients), a page on another site, driven in headless Chromium, cannot reset the
 * ledger, inject events or spend the server's key, whatever it sends (text/plain fetches, a
 * form, a beacon); a DNS-rebound page, same-origin to the browser, is refused by its Host; and
 * the server's own pages keep working.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { pino } from 'pino';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';
import { CHROMIUM_ARGS } from './harness.js';

const SERVER_KEY = 'sk-server-own-openai-key-1234567890';
let mock: MockProvider;
let server: RunningServer;
let attacker: Server;
let attackerPort: number;
let browser: Browser;
/** The page the attacker serves, filled in per test. */
let attackerPage = '';

beforeAll(async () => {
  mock = await startMockProvider();
  const env = { OPENAI_BASE_URL: `${mock.url}/v1`, OPENAI_API_KEY: SERVER_KEY };
  server = await startServer({
    port: 0,
    db: 'memory:',
    env,
    config: parseConfig({}, 'inline', env),
    logger: pino({ level: 'silent' }),
  });
  await server.ledger.record({
    provider: 'openai',
    model: 'gpt-4o',
    agent: 'seed',
    usage: { inputTokens: 10, outputTokens: 5 },
  });
  await server.ledger.flush();
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(attackerPage);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      ...CHROMIUM_ARGS,
      // evil.test and rebind.test are names of this machine for the browser only.
      '--host-resolver-rules=MAP evil.test 127.0.0.1, MAP rebind.test 127.0.0.1',
      // Recent Chromium blocks a public page's requests to loopback on its own (Local Network
      // Access); other browsers do not, and the server must hold without it.
      '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests',
    ],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => attacker?.close(resolve));
  await server?.close();
  await mock?.close();
});

async function ledgerEvents(): Promise<UsageEvent[]> {
  await server.app.flushRecordings();
  return (await server.store.events({ filter: {}, limit: 100 })).events;
}

const event = JSON.stringify({
  provider: 'openai',
  model: 'gpt-4o',
  agent: 'injected',
  usage: { inputTokens: 1, outputTokens: 1 },
});

describe('a page on another site', () => {
  it('cannot reset, ingest or spend through a key-less loopback server', async () => {
    const target = `http://127.0.0.1:${server.port}`;
    attackerPage = `<!doctype html><body>
<form id="f" method="POST" enctype="text/plain" action="${target}/analytics/tokens/reset" target="sink">
<input name='{"all":true,"x":"' value='"}'></form><iframe name="sink"></iframe>
<script>
const plain = { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' } };
window.attacks = Promise.allSettled([
  fetch('${target}/analytics/tokens/reset', { ...plain, body: '{"all":true}' }),
  fetch('${target}/v1/usage', { ...plain, body: ${JSON.stringify(event)} }),
  fetch('${target}/v1/chat/completions', { ...plain, body: '{"model":"gpt-4.1-nano","messages":[]}' }),
  fetch('${target}/anthropic/v1/messages', { ...plain, body: '{"model":"claude-sonnet-4-5-20250929","max_tokens":5,"messages":[]}' }),
  fetch('${target}/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"gpt-4.1-nano"}' }),
  new Promise((resolve) => resolve(navigator.sendBeacon('${target}/v1/usage', ${JSON.stringify(event)}))),
  new Promise((resolve) => { document.querySelector('iframe').onload = resolve; document.getElementById('f').submit(); }),
]).then((results) => results.map((result) => result.status));
</script></body>`;
    const context = await browser.newContext();
    const page = await context.newPage();
    const answers: { url: string; status: number }[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(target)) answers.push({ url: response.url(), status: response.status() });
    });
    await page.goto(`http://evil.test:${attackerPort}/`);
    await page.evaluate(() => (window as unknown as { attacks: Promise<unknown> }).attacks);
    // The beacon is sent after the page may have moved on: wait for its answer too.
    await expect.poll(() => answers.filter((answer) => answer.url.endsWith('/v1/usage')).length).toBe(2);
    await context.close();
    // Every request that reached the server was refused; none reached the provider or the ledger.
    expect(answers.length).toBeGreaterThanOrEqual(6);
    expect(answers.every((answer) => answer.status === 403)).toBe(true);
    expect(mock.requests).toEqual([]);
    expect((await ledgerEvents()).map((stored) => stored.agent)).toEqual(['seed']);
  });

  it('a DNS-rebound page (same origin to the browser, its own name in Host) is refused', async () => {
    const rebound = `http://rebind.test:${server.port}`;
    const context = await browser.newContext();
    const page = await context.newPage();
    // The attacker's page arrives first under its own name; later requests reach our server.
    await page.route(`${rebound}/`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>rebound</title>' }),
    );
    await page.goto(`${rebound}/`);
    const statuses = await page.evaluate(async (body) => {
      const json = { 'content-type': 'application/json' };
      const calls = [
        fetch('/analytics/tokens'),
        fetch('/analytics/tokens/reset', { method: 'POST', headers: json, body: '{"all":true}' }),
        fetch('/v1/usage', { method: 'POST', headers: json, body }),
        fetch('/v1/chat/completions', { method: 'POST', headers: json, body: '{"model":"gpt-4.1-nano"}' }),
      ];
      return Promise.all(
        calls.map(async (call) => {
          const response = await call;
          return [response.status, ((await response.json()) as { error?: { code?: string } }).error?.code];
        }),
      );
    }, event);
    await context.close();
    expect(statuses).toEqual([
      [403, 'host_not_allowed'],
      [403, 'host_not_allowed'],
      [403, 'host_not_allowed'],
      [403, 'host_not_allowed'],
    ]);
    expect(mock.requests).toEqual([]);
    expect((await ledgerEvents()).map((stored) => stored.agent)).toEqual(['seed']);
  });

  it("the server's own pages still read, ingest and spend (same origin)", async () => {
    mock.reset();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`http://localhost:${server.port}/`);
    const statuses = await page.evaluate(async (body) => {
      const json = { 'content-type': 'application/json' };
      const read = await fetch('/analytics/tokens');
      const ingest = await fetch('/v1/usage', { method: 'POST', headers: json, body });
      const spend = await fetch('/v1/chat/completions', {
        method: 'POST',
        headers: json,
        body: '{"model":"gpt-4.1-nano"}',
      });
      return [read.status, ingest.status, spend.status];
    }, event);
    await context.close();
    expect(statuses).toEqual([200, 200, 200]);
    expect(mock.requests.map((request) => request.headers['authorization'])).toEqual([`Bearer ${SERVER_KEY}`]);
  });
});
