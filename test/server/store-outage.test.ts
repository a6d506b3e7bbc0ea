/**
 * Store outages under gateway load (issue 9, durability), at CI size (bench/durability.ts runs
 * them for 60 s): while clients keep calling the gateway (JSON and streams),
 * - PostgreSQL goes silent behind a loopback TCP proxy (no reset: it just stops answering);
 * - the SQLite ledger is full (`server.limits.sqliteMaxPageCount`, PRAGMA max_page_count on the
 *   server's own connection) while the spool's disk is not, until pages are freed.
 * Either way the gateway keeps serving, /healthz says degraded, and once the store takes writes
 * again every delivered call is stored, once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import { startMockProvider } from '../helpers/mock-provider.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { dropSchemas, uniqueSchema } from '../store/pg-admin.js';
import { fillableLedger, type OutageResult, outageUnderLoad, storedRuns, untilStoreFailing } from './outage-load.js';

const OUTAGE_MS = 4000;
const dir = mkdtempSync(join(tmpdir(), 'tl-outage-'));
const schemas: string[] = [];
afterAll(async () => {
  await dropSchemas(schemas);
  rmSync(dir, { recursive: true, force: true });
});

interface Health {
  status: string;
  degraded: { condition: string; reason: string }[];
}

async function serve(store: string, limits: Record<string, number>, url: string): Promise<RunningServer> {
  const env = { OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: 'sk-test' };
  return startServer({
    port: 0,
    env,
    logger: pino({ level: 'silent' }),
    config: parseConfig(
      { store, server: { spool: { path: join(dir, `spool-${schemas.length}-${Date.now()}`) }, limits } },
      'inline',
      env,
    ),
  });
}

/** What both outages must show: served throughout, quickly, and nothing delivered lost or doubled. */
async function expectNothingLost(server: RunningServer, result: OutageResult): Promise<void> {
  expect(result.during.length).toBeGreaterThan(50);
  expect(result.during.filter((call) => !call.ok)).toEqual([]);
  // No call waited for the store: each took well under the outage (this machine is shared, so not 10 ms).
  expect(Math.max(...result.during.map((call) => call.ms))).toBeLessThan(OUTAGE_MS / 2);
  const counts = await storedRuns(server);
  expect(result.delivered.filter((run) => counts.get(run) !== 1)).toEqual([]);
  expect([...counts.values()].filter((count) => count > 1)).toEqual([]);
  expect(server.ledger.stats().spool).toMatchObject({ pending: 0, refused: 0 });
  // A full or silent store is not the events' fault: nothing was dead-lettered.
  expect(server.ledger.stats().deadLettered).toBe(0);
}

describe('PostgreSQL silent behind a proxy for a few seconds under gateway load', () => {
  it('the gateway keeps serving, /healthz is degraded, and 0 delivered calls are lost after recovery', async () => {
    const mock = await startMockProvider();
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const schema = uniqueSchema('tl_outage');
    schemas.push(schema);
    const server = await serve(`postgres://127.0.0.1:${proxy.port}/test?schema=${schema}`, {}, mock.url);
    let health: Health | undefined;
    try {
      const result = await outageUnderLoad(server, {
        clients: 8,
        warmupMs: 500,
        outageMs: OUTAGE_MS,
        afterMs: 500,
        begin: () => proxy.stall(),
        end: () => proxy.resume(),
        midway: async () => {
          health = (await (await fetch(`${server.url}/healthz`)).json()) as Health;
        },
      });
      expect(health?.status).toBe('degraded');
      expect(health?.degraded).toContainEqual(
        expect.objectContaining({
          condition: 'store_unanswered',
          reason: 'the store does not answer; events wait in the spool',
        }),
      );
      await expectNothingLost(server, result);
    } finally {
      proxy.resume();
      await server.close();
      await proxy.close();
      await mock.close();
    }
  }, 60_000);
});

describe('the SQLite ledger full (max_page_count) while the spool has room, under gateway load', () => {
  it('the gateway keeps serving, /healthz says store_failing, and 0 delivered calls are lost once pages are freed', async () => {
    const mock = await startMockProvider();
    const file = join(dir, 'full.db');
    // 8 MiB the operator can free: what deleting old data (or more disk) gives back.
    const ledger = await fillableLedger(file, 8);
    // Room for a few dozen events, then full.
    const server = await serve(`sqlite:${file}`, { sqliteMaxPageCount: ledger.pages + 16 }, mock.url);
    let health: Health | undefined;
    try {
      const result = await outageUnderLoad(server, {
        clients: 8,
        warmupMs: 0,
        outageMs: OUTAGE_MS,
        afterMs: 500,
        // Full once the spool's drain fails to write.
        begin: () => untilStoreFailing(server, 15_000),
        end: () => ledger.free(),
        midway: async () => {
          health = (await (await fetch(`${server.url}/healthz`)).json()) as Health;
        },
      });
      expect(result.backlog).toBeGreaterThan(50);
      expect(health?.status).toBe('degraded');
      expect(health?.degraded).toContainEqual(
        expect.objectContaining({
          condition: 'store_failing',
          reason: expect.stringMatching(/^store writes failing; \d+ events wait in the spool/),
        }),
      );
      expect(server.ledger.stats().storeFailures).toBeGreaterThan(0);
      await expectNothingLost(server, result);
      // The file never grew past its cap: the backlog went into the freed pages.
      expect(ledger.pageCount()).toBeLessThanOrEqual(ledger.pages + 16);
    } finally {
      ledger.close();
      await server.close();
      await mock.close();
    }
  }, 60_000);
});
