/**
 * SIGKILL under load (issue 9, durability): a `serve` child process takes 64 gateway clients
 * (JSON and streams, against the mock provider) and 8 ingest clients, and is killed with
 * SIGKILL mid-load; the next process replays the spool. Every gateway call whose client got its
 * whole response, and every ingest event answered 200/202, must be stored exactly once. Five
 * rounds per store (SQLite and PostgreSQL); each round's next process is the one that checks it
 * and then takes the next round's load.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';
import { dropSchemas, PG_URL, uniqueSchema } from '../store/pg-admin.js';
import { killUnderLoad, replayed, stored, type Round } from './durability-load.js';
import { spawnServe, type ServeProcess } from './serve-process.js';

const ROUNDS = 5;
const GATEWAY_CLIENTS = 64;
const INGEST_CLIENTS = 8;
/** Kill once this many gateway calls were delivered and ingest events acknowledged in the round. */
const KILL_AFTER_CALLS = 150;
const KILL_AFTER_INGESTED = 100;

const dir = mkdtempSync(join(tmpdir(), 'tl-sigkill-load-'));
const schema = uniqueSchema('tl_sigkill_load');
let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
  await dropSchemas([schema]);
  rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ['sqlite', () => `sqlite:${join(dir, 'ledger.db')}`],
  ['postgres', () => `${PG_URL}?schema=${schema}`],
] as const)('serve on %s killed with SIGKILL under 64-client gateway load and ingest', (storeName, dbUrl) => {
  it(`${ROUNDS} rounds: 0 delivered calls and 0 acknowledged ingest events missing, 0 duplicates`, async () => {
    const cwd = mkdtempSync(join(dir, `${storeName}-`));
    const env = { OPENAI_BASE_URL: `${mock.url}/v1`, OPENAI_API_KEY: 'sk-test' };
    const start = (): Promise<ServeProcess> => spawnServe(['--port', '0', '--db', dbUrl()], env, { cwd });
    let serve = await start();
    const all: Round = { delivered: [], acknowledged: [] };
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const result = await killUnderLoad(serve, `${storeName}-r${round}`, {
          gatewayClients: GATEWAY_CLIENTS,
          ingestClients: INGEST_CLIENTS,
          killAfterCalls: KILL_AFTER_CALLS,
          killAfterIngested: KILL_AFTER_INGESTED,
        });
        expect(result.delivered.length).toBeGreaterThanOrEqual(KILL_AFTER_CALLS);
        expect(result.acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER_INGESTED);
        all.delivered.push(...result.delivered);
        all.acknowledged.push(...result.acknowledged);
        serve = await start();
        await replayed(serve);
        const now = await stored(serve);
        expect(all.delivered.filter((run) => now.runs.get(run) !== 1)).toEqual([]);
        expect(all.acknowledged.filter((id) => !now.ids.has(id))).toEqual([]);
        // No call stored twice, delivered or not (a call in flight at the kill may be missing).
        expect([...now.runs.values()].filter((count) => count > 1)).toEqual([]);
        expect(now.ids.size).toBe(now.lines);
      }
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  }, 300_000);
});
