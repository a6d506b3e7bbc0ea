/**
 * Issue 12, alerts through `serve`: gateway calls spend a token budget; each threshold reached is
 * POSTed once to the budget's webhook (a server on 127.0.0.1 here) as JSON with a Slack-style
 * `text`, counted on /metrics; calls after it send nothing again. The webhook URL comes from the
 * environment and never shows in the log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetAlert } from '#src/budgets/index.js';
import { parseConfig } from '#src/config/index.js';
import { type RunningServer, startServer } from '#src/server/index.js';
import { type MockProvider, startMockProvider } from '../helpers/mock-provider.js';

const dir = mkdtempSync(join(tmpdir(), 'budget-alerts-'));
const received: BudgetAlert[] = [];
const logged: string[] = [];
let hook: Server;
let hookUrl: string;
let mock: MockProvider;
let server: RunningServer;

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      received.push(JSON.parse(body) as BudgetAlert);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const address = hook.address() as { port: number };
  hookUrl = `http://127.0.0.1:${address.port}/hooks/secret-path-abc123`;
  mock = await startMockProvider();
  const env = { OPENAI_BASE_URL: `${mock.url}/v1`, ALERT_HOOK: hookUrl };
  // Each call answers with the recorded openai-01 response: 379 tokens (16 in, 363 out).
  const budgets = [
    { name: 'team-tokens', capTokens: 1200, window: 'day', alerts: { webhook: 'env:ALERT_HOOK' } },
  ] as const;
  server = await startServer({
    port: 0,
    db: `sqlite:${join(dir, 'ledger.db')}`,
    env,
    config: parseConfig({ budgets }, 'inline', env),
    logger: pino({ level: 'info' }, { write: (line: string) => logged.push(line) }),
  });
});
afterAll(async () => {
  await server.close();
  await mock.close();
  await new Promise((resolve) => hook.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function call(): Promise<number> {
  mock.enqueue({ kind: 'fixture', name: 'openai-01-chat-plain' });
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4.1-nano', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.text();
  return response.status;
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe('budget alerts from serve', () => {
  it('50% and 80% each reach the webhook once, with the spend, the cap and a text line', async () => {
    expect(await call()).toBe(200); // 379 of 1,200 tokens: 32%
    expect(await call()).toBe(200); // 758: 63%, the 50% alert
    await until(() => received.length >= 1);
    expect(received.map((alert) => alert.threshold)).toEqual([50]);
    expect(await call()).toBe(200); // 1,137: 95% would be 1,140, so 80% only
    await until(() => received.length >= 2);
    // The next call's worst case does not fit: refused, nothing spent, no alert.
    expect(await call()).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received.map((alert) => [alert.threshold, alert.spent, alert.cap])).toEqual([
      [50, 758, 1200],
      [80, 1137, 1200],
    ]);
    // The forecast's time depends on the clock: the text up to it.
    expect(received[1]?.text).toMatch(
      /^tokenledger: budget team-tokens reached 80% of its cap \(1137 tokens of 1200 tokens\); at this rate it runs out at /,
    );
    expect(received[1]).toMatchObject({ budget: 'team-tokens', unit: 'tokens', resetsAt: expect.any(String) });
  });

  it('counts them on /metrics and logs them without the webhook URL', async () => {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('tokenledger_budget_alerts_total{budget="team-tokens",threshold="50"} 1');
    expect(metrics).toContain('tokenledger_budget_alerts_total{budget="team-tokens",threshold="80"} 1');
    // The fourth call was refused.
    expect(metrics).toContain('tokenledger_budget_refusals_total{budget="team-tokens"} 1');
    const alerts = logged
      .map((line) => JSON.parse(line) as { msg: string })
      .filter((entry) => entry.msg === 'budget alert');
    expect(alerts).toHaveLength(2);
    expect(logged.join('\n')).not.toContain('secret-path-abc123');
  });
});
