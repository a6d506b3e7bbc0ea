import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flakyStore } from '../ledger/helpers.js';
import { jsonPost, makeApp } from './helpers.js';

const EVENT = { provider: 'openai', model: 'gpt-4o-mini', agent: 'a', usage: { inputTokens: 10, outputTokens: 2 } };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function spoolPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tl-server-spool-'));
  dirs.push(dir);
  return join(dir, 'spool');
}

async function metric(app: { request(path: string): Promise<Response> }, name: string): Promise<number> {
  const text = await (await app.request('/metrics')).text();
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

describe('the server over a spooled ledger', () => {
  it('ingest answers 202 while the store fails, /healthz is degraded with the reason, and all is stored after', async () => {
    const store = await flakyStore();
    const app = await makeApp({ store, spool: { path: spoolPath() } });
    store.down = true;
    const answer = await app.request('/v1/usage', jsonPost([EVENT, EVENT]));
    expect(answer.status).toBe(202);
    const body = (await answer.json()) as { ids: string[]; recorded: number; spooled: number };
    expect(body).toMatchObject({ recorded: 0, spooled: 2 });
    const health = (await (await app.request('/healthz')).json()) as {
      status: string;
      degraded: { condition: string; reason: string }[];
    };
    expect(health.status).toBe('degraded');
    expect(health.degraded.map((entry) => entry.condition)).toEqual(['store_failing']);
    expect(health.degraded[0]?.reason).toMatch(/^store writes failing; 2 events wait in the spool \(\d+ bytes\)$/);
    expect(await metric(app, 'tokenledger_store_failing')).toBe(1);
    expect(await metric(app, 'tokenledger_spool_pending_events')).toBe(2);
    // One log line for the outage, however many attempts.
    await app.request('/v1/usage', jsonPost(EVENT));
    expect(app.logger.lines.filter((line) => line.startsWith('warn tokenledger: store insert failed'))).toHaveLength(1);

    store.down = false;
    await app.ledger.flush();
    const stored = await store.events({ filter: {}, limit: 10 });
    expect(stored.events.map((event) => event.id)).toEqual(expect.arrayContaining(body.ids));
    expect(stored.events).toHaveLength(3);
    expect(((await (await app.request('/healthz')).json()) as { status: string }).status).toBe('ok');
    expect(await metric(app, 'tokenledger_store_failing')).toBe(0);
    expect((await app.request('/v1/usage', jsonPost(EVENT))).status).toBe(200);
  });

  it('a full spool: ingest 503, /healthz degraded naming it, refused events counted on /metrics', async () => {
    const store = await flakyStore();
    const app = await makeApp({ store, spool: { path: spoolPath(), maxBytes: 2000 } });
    store.down = true;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await app.request('/v1/usage', jsonPost(EVENT))).status);
    expect(statuses.slice(0, 2)).toEqual([202, 202]);
    expect(statuses.at(-1)).toBe(503);
    const refused = statuses.filter((status) => status === 503).length;
    const health = (await (await app.request('/healthz')).json()) as {
      status: string;
      degraded: { condition: string; reason: string }[];
    };
    expect(health.status).toBe('degraded');
    expect(health.degraded[0]?.condition).toBe('spool_refusing');
    expect(health.degraded[0]?.reason).toMatch(
      new RegExp(`^spool full: \\d+ of 2000 bytes in .*; ${refused} events refused$`),
    );
    expect(await metric(app, 'tokenledger_spool_refused_events_total')).toBe(refused);
    expect(await metric(app, 'tokenledger_spool_refusing')).toBe(1);
    expect(app.logger.lines.filter((line) => line.startsWith('error tokenledger: spool refusing'))).toHaveLength(1);
  });
});
