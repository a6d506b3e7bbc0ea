/**
 * Durability at full size (issue 9): SIGKILL of `serve` under 64-client gateway load and ingest
 * (5 rounds per store, 1,000 delivered calls a round), a 60 s PostgreSQL outage (silent behind a
 * loopback TCP proxy) and 60 s of a full SQLite ledger (max_page_count) under gateway load; the SQLite write lock has its own area
 * (sqlite-lock.ts). The test suite runs the same at CI size (test/server/sigkill-load.test.ts,
 * store-outage.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseConfig } from '../src/config/index.js';
import { startServer } from '../src/server/index.js';
import { startMockProvider, type MockProvider } from '../test/helpers/mock-provider.js';
import { startTcpProxy } from '../test/helpers/tcp-proxy.js';
import { killUnderLoad, replayed, stored, type Round } from '../test/server/durability-load.js';
import { spawnServe } from '../test/server/serve-process.js';
import {
  fillableLedger,
  type OutageResult,
  outageUnderLoad,
  storedRuns,
  untilStoreFailing,
} from '../test/server/outage-load.js';
import { ms, percentile } from './gateway-load.js';
import { dropSchemas, PG_URL, uniqueSchema } from '../test/store/pg-admin.js';

const OUTAGE_MS = 60_000;

async function sigkillRounds(mock: MockProvider, storeName: string, db: string, cwd: string): Promise<string> {
  const env = { OPENAI_BASE_URL: `${mock.url}/v1`, OPENAI_API_KEY: 'sk-test' };
  const start = () => spawnServe(['--port', '0', '--db', db], env, { cwd });
  let serve = await start();
  const all: Round = { delivered: [], acknowledged: [] };
  let missingCalls = 0;
  let missingIngest = 0;
  let duplicates = 0;
  try {
    for (let round = 0; round < 5; round++) {
      const result = await killUnderLoad(serve, `${storeName}-r${round}`, {
        gatewayClients: 64,
        ingestClients: 8,
        killAfterCalls: 1000,
        killAfterIngested: 500,
      });
      all.delivered.push(...result.delivered);
      all.acknowledged.push(...result.acknowledged);
      serve = await start();
      await replayed(serve);
      const now = await stored(serve);
      missingCalls = all.delivered.filter((run) => now.runs.get(run) === undefined).length;
      missingIngest = all.acknowledged.filter((id) => !now.ids.has(id)).length;
      duplicates = [...now.runs.values()].filter((count) => count > 1).length + (now.lines - now.ids.size);
    }
  } finally {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  return `| ${storeName} | 5 | ${all.delivered.length.toLocaleString('en-US')} | ${all.acknowledged.length.toLocaleString('en-US')} | ${missingCalls} | ${missingIngest} | ${duplicates} |`;
}

function outageTable(result: OutageResult, runs: Map<string, number>): string {
  const missing = result.delivered.filter((run) => runs.get(run) !== 1).length;
  const latencies = result.during.map((call) => call.ms);
  return [
    '| calls during the outage | not answered 200 | p50 ms | p99 ms | max ms | spooled at the end of the outage | delivered calls in all | missing or doubled after recovery | stored within (s) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${result.during.length.toLocaleString('en-US')} | ${result.during.filter((call) => !call.ok).length} | ${ms(percentile(latencies, 50))} | ${ms(percentile(latencies, 99))} | ${ms(Math.max(...latencies))} | ${result.backlog.toLocaleString('en-US')} | ${result.delivered.length.toLocaleString('en-US')} | ${missing} | ${(result.drainedMs / 1000).toFixed(1)} |`,
  ].join('\n');
}

async function serveOn(mock: MockProvider, store: string, spool: string, limits: Record<string, number> = {}) {
  const env = { OPENAI_BASE_URL: `${mock.url}/v1`, OPENAI_API_KEY: 'sk-test' };
  return startServer({
    port: 0,
    env,
    logger: pino({ level: 'silent' }),
    config: parseConfig({ store, server: { spool: { path: spool }, limits } }, 'inline', env),
  });
}

async function postgresOutage(mock: MockProvider, dir: string): Promise<string> {
  const schema = uniqueSchema('tl_bench_outage');
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  const server = await serveOn(
    mock,
    `postgres://127.0.0.1:${proxy.port}/test?schema=${schema}`,
    join(dir, 'outage-spool'),
  );
  try {
    const result = await outageUnderLoad(server, {
      clients: 8,
      warmupMs: 2000,
      outageMs: OUTAGE_MS,
      afterMs: 2000,
      begin: () => proxy.stall(),
      end: () => proxy.resume(),
    });
    return outageTable(result, await storedRuns(server));
  } finally {
    proxy.resume();
    await server.close();
    await proxy.close();
    await dropSchemas([schema]);
  }
}

/**
 * The SQLite ledger full for 60 s (PRAGMA max_page_count on the server's connection, via
 * server.limits.sqliteMaxPageCount) while the spool's disk has room; then pages are freed (the
 * filler table deleted, as an operator frees space) and the backlog drains into them.
 */
async function sqliteFull(mock: MockProvider, dir: string): Promise<string> {
  const ledger = await fillableLedger(join(dir, 'full.db'), 128);
  const server = await serveOn(mock, `sqlite:${join(dir, 'full.db')}`, join(dir, 'full-spool'), {
    sqliteMaxPageCount: ledger.pages + 16,
  });
  try {
    const result = await outageUnderLoad(server, {
      clients: 8,
      warmupMs: 0,
      outageMs: OUTAGE_MS,
      afterMs: 2000,
      begin: () => untilStoreFailing(server, 60_000),
      end: () => ledger.free(),
    });
    const table = outageTable(result, await storedRuns(server));
    const grew = ledger.pageCount() - ledger.pages;
    return `${table}\n\nThe file grew by ${grew} pages over the run (cap: 16 beyond its size at start); dead-lettered: ${server.ledger.stats().deadLettered}.`;
  } finally {
    ledger.close();
    await server.close();
  }
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tl-bench-durability-'));
  const mock = await startMockProvider();
  const schema = uniqueSchema('tl_bench_sigkill');
  const load = os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ');
  try {
    const sqliteRow = await sigkillRounds(
      mock,
      'SQLite',
      `sqlite:${join(dir, 'ledger.db')}`,
      mkdtempSync(join(dir, 's-')),
    );
    const pgRow = await sigkillRounds(mock, 'PostgreSQL', `${PG_URL}?schema=${schema}`, mkdtempSync(join(dir, 'p-')));
    const outage = await postgresOutage(mock, dir);
    const full = await sqliteFull(mock, dir);
    return `## Durability: SIGKILL, store outages

Load average ${load} at start (other work shares the cores: latencies are upper bounds). The mock
provider answers recorded responses on loopback; \`serve\` runs from source (tsx).

### SIGKILL of \`serve\` under load (64 gateway clients, JSON and streams alternately, 8 ingest clients in batches of 5; killed once 1,000 calls were delivered and 500 ingest events acknowledged in the round; the next process replays the spool)

| store | rounds | delivered gateway calls | acknowledged ingest events | delivered calls missing | acknowledged events missing | duplicates |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${sqliteRow}
${pgRow}

### PostgreSQL silent for 60 s behind a loopback TCP proxy (no reset), 8 gateway clients

${outage}

### The SQLite ledger full for 60 s (\`server.limits.sqliteMaxPageCount\`: PRAGMA max_page_count on the server's connection) while the spool's disk has room, 8 gateway clients; then 128 MB of pages freed

${full}`;
  } finally {
    await mock.close();
    await dropSchemas([schema]);
    rmSync(dir, { recursive: true, force: true });
  }
}
