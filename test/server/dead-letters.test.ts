/**
 * A poison event on PostgreSQL through `tokenledger serve` (issue 9, item 1): a CHECK
 * constraint the validation cannot see refuses gateway calls with `x-tokenledger-run: poison`.
 * One such call in the middle of concurrent gateway load is dead-lettered with its reason; every
 * other delivered call (before and after it) is stored once; other clients' ingests keep getting
 * 200 throughout; an ingest batch holding a poison event stores the others and names it. The dead
 * letters show in GET /v1/dead-letters, `tokenledger dead-letters`, /metrics and /healthz.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import { runCli } from '../cli/run-cli.js';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';
import { makeApp } from './helpers.js';
import { adminQuery, dropSchemas, PG_URL, uniqueSchema } from '../store/pg-admin.js';

const schema = uniqueSchema('tl_dead_server');
const dir = mkdtempSync(join(tmpdir(), 'tl-dead-server-'));
const READ_KEY = 'tl-read-dead-letters-0123456789';
const ADMIN_KEY = 'tl-admin-dead-letters-0123456789';
let mock: MockProvider;
let server: RunningServer;

beforeAll(async () => {
  mock = await startMockProvider();
  const env = { OPENAI_BASE_URL: `${mock.url}/v1`, OPENAI_API_KEY: 'sk-test' };
  server = await startServer({
    port: 0,
    env,
    logger: pino({ level: 'silent' }),
    config: parseConfig(
      {
        store: `${PG_URL}?schema=${schema}`,
        server: { spool: { path: join(dir, 'spool') } },
      },
      'inline',
      env,
    ),
  });
  await adminQuery(`ALTER TABLE ${schema}.events ADD CONSTRAINT no_poison CHECK (run IS DISTINCT FROM 'poison')`);
});
afterAll(async () => {
  await server.close();
  await mock.close();
  await dropSchemas([schema]);
  rmSync(dir, { recursive: true, force: true });
});

async function gatewayCall(run: string): Promise<boolean> {
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tokenledger-run': run },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  return response.status === 200 && ((await response.json()) as { usage?: unknown }).usage !== undefined;
}

const ingest = (events: unknown[]): Promise<Response> =>
  fetch(`${server.url}/v1/usage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });

async function storedRuns(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let cursor: string | undefined, first = true; first || cursor !== undefined; first = false) {
    const page = await server.store.events({ filter: {}, limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
    for (const event of page.events)
      if (event.run !== undefined) counts.set(event.run, (counts.get(event.run) ?? 0) + 1);
    cursor = page.nextCursor;
  }
  return counts;
}

describe('a poison event on PostgreSQL', () => {
  it('in the middle of gateway load: dead-lettered with its reason, later calls stored, other ingests 200', async () => {
    const delivered: string[] = [];
    const ingestStatuses: number[] = [];
    let stop = false;
    const gatewayClient = async (c: number): Promise<void> => {
      for (let n = 0; !stop; n++) if (await gatewayCall(`load-${c}-${n}`)) delivered.push(`load-${c}-${n}`);
    };
    const ingestClient = async (c: number): Promise<void> => {
      for (let n = 0; !stop; n++) {
        const response = await ingest([
          {
            provider: 'openai',
            model: 'gpt-4o-mini',
            run: `ingest-${c}-${n}`,
            usage: { inputTokens: 5, outputTokens: 1 },
          },
        ]);
        ingestStatuses.push(response.status);
      }
    };
    const clients = [...Array.from({ length: 8 }, (_, c) => gatewayClient(c)), ingestClient(0), ingestClient(1)];
    await new Promise((resolve) => setTimeout(resolve, 400));
    // The poison call and 16 others at once: the drain takes them in one batch.
    const burst = await Promise.all(['poison', ...Array.from({ length: 16 }, (_, i) => `burst-${i}`)].map(gatewayCall));
    expect(burst.every(Boolean)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 600));
    stop = true;
    await Promise.all(clients);
    await server.ledger.flush();

    const runs = await storedRuns();
    const expected = [...delivered, ...Array.from({ length: 16 }, (_, i) => `burst-${i}`)];
    expect(delivered.length).toBeGreaterThan(20);
    expect(expected.filter((run) => runs.get(run) !== 1)).toEqual([]);
    expect(runs.has('poison')).toBe(false);
    expect(ingestStatuses.length).toBeGreaterThan(5);
    expect(ingestStatuses.filter((status) => status !== 200)).toEqual([]);
    expect(server.ledger.stats()).toMatchObject({ deadLettered: 1 });
    expect(server.ledger.stats().spool).toMatchObject({ pending: 0, storeFailing: false });

    const listed = await fetch(`${server.url}/v1/dead-letters`);
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as {
      count: number;
      deadLetters: { id: string; reason: string; event: { run: string } }[];
    };
    expect(body.count).toBe(1);
    expect(body.deadLetters).toHaveLength(1);
    expect(body.deadLetters[0]?.event.run).toBe('poison');
    expect(body.deadLetters[0]?.reason).toMatch(/violates check constraint "no_poison".*\[23514\]/);
  }, 60_000);

  it('in an ingest batch: the others are stored, the 200 names it with the reason', async () => {
    const events = ['in-1', 'poison', 'in-2'].map((run) => ({
      provider: 'openai',
      model: 'gpt-4o-mini',
      run,
      usage: { inputTokens: 5, outputTokens: 1 },
    }));
    const response = await ingest(events);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      ids: string[];
      recorded: number;
      deadLettered: { id: string; reason: string }[];
    };
    expect(body.recorded).toBe(2);
    expect(body.deadLettered).toEqual([{ id: body.ids[1], reason: expect.stringMatching(/no_poison/) }]);
    const runs = await storedRuns();
    expect([runs.get('in-1'), runs.get('in-2')]).toEqual([1, 1]);
  });

  it('shows on /metrics, /healthz (degraded, with the reason) and `tokenledger dead-letters`', async () => {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^tokenledger_dead_letters_total 2$/m);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as {
      status: string;
      degraded: { condition: string; reason: string }[];
    };
    expect(health.status).toBe('degraded');
    expect(health.degraded).toContainEqual(
      expect.objectContaining({
        condition: 'dead_letters',
        reason: expect.stringMatching(
          /^2 events refused by the store for good and dead-lettered, the last at .*GET \/v1\/dead-letters/,
        ),
      }),
    );
    const bad = await fetch(`${server.url}/v1/dead-letters?limit=0`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { field: 'limit' } });

    const db = `${PG_URL}?schema=${schema}`;
    const count = await runCli(['dead-letters', '--db', db, '--count']);
    expect(count).toMatchObject({ code: 0, stdout: '2\n' });
    const list = await runCli(['dead-letters', '--db', db]);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines)
      expect(line).toMatch(/^\S+Z {2}\S{26} {2}openai\/\S+ +PostgreSQL insert refused the data .*no_poison/);
    const json = JSON.parse((await runCli(['dead-letters', '--db', db, '--json', '--limit', '1'])).stdout) as unknown[];
    expect(json).toHaveLength(1);
  }, 60_000);
});

describe('GET /v1/dead-letters with keys configured', () => {
  it('needs the read or admin key (a dead letter holds a whole event)', async () => {
    const app = await makeApp({ config: { server: { readKey: READ_KEY, adminKey: ADMIN_KEY } } });
    expect((await app.request('/v1/dead-letters')).status).toBe(401);
    for (const key of [READ_KEY, ADMIN_KEY]) {
      const response = await app.request('/v1/dead-letters', { headers: { authorization: `Bearer ${key}` } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ count: 0, limit: 100, offset: 0, deadLetters: [] });
    }
  });
});
