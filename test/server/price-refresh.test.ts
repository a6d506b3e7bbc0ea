/**
 * Refreshed prices across processes (issue 14 item 1 acceptance): `serve` processes on one
 * PostgreSQL ledger. B runs with the bundled prices; A starts with `prices.refresh` pointed at a
 * loopback server's newer catalog file and installs it in the ledger; B prices with it within
 * its `prices.check` interval (500 ms here; 1 minute by default), without a restart. C refreshes
 * from a truncated file: refused, said in one warning line and in /metrics, and C keeps pricing
 * with the ledger's data.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Of } from '#src/pricing/index.js';
import { catalogFiles, serveCatalogs, type CatalogServer } from '../pricing/catalog-server.js';
import { dropSchemas, PG_URL, uniqueSchema } from '../store/pg-admin.js';
import { spawnServe, type ServeProcess } from './serve-process.js';

const schema = uniqueSchema('tl_price_refresh');
const db = `${PG_URL}?schema=${schema}`;
const CHECK_MS = 500;
let dir: string;
let files: Record<string, string>;
let catalogs: CatalogServer;
const instances: ServeProcess[] = [];

async function serveWith(name: string, prices: string): Promise<ServeProcess> {
  const cwd = join(dir, name);
  await rm(cwd, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(cwd));
  await writeFile(join(cwd, 'tokenledger.config.yaml'), `prices: ${prices}\n`);
  const instance = await spawnServe(['--port', '0', '--db', db], { TOKENLEDGER_CONFIG: '' }, { cwd });
  instances.push(instance);
  return instance;
}

let runs = 0;
/** The cost (USD) `instance` records for 1M input tokens of openai/gpt-4o, read back from the ledger. */
async function gpt4oCost(instance: ServeProcess): Promise<number | undefined> {
  const run = `price-${runs++}`;
  const ingest = await fetch(`${instance.url}/v1/usage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      provider: 'openai',
      model: 'gpt-4o',
      run,
      usage: { inputTokens: 1_000_000, outputTokens: 0 },
    }),
  });
  expect(ingest.status).toBe(200);
  const body = (await (await fetch(`${instance.url}/analytics/events?run=${run}`)).json()) as {
    events: Array<{ cost: { total: number } | null }>;
  };
  return body.events[0]?.cost?.total;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tl-price-refresh-'));
  files = await catalogFiles();
  catalogs = await serveCatalogs(files);
});
afterAll(async () => {
  for (const instance of instances) {
    instance.child.kill('SIGTERM');
    await instance.exited;
  }
  await catalogs.close();
  await dropSchemas([schema]);
  await rm(dir, { recursive: true, force: true });
});

describe('refreshed prices on one PostgreSQL ledger', () => {
  it('an update through one serve is used by another within its check interval, without a restart', async () => {
    const b = await serveWith('b', `{ check: ${CHECK_MS}ms }`);
    expect(await gpt4oCost(b)).toBe(2.5);

    const startedA = performance.now();
    const a = await serveWith('a', `{ refresh: 24h, source: "${catalogs.url('newer')}", check: ${CHECK_MS}ms }`);
    // A fetches at start (the ledger has no data yet), in the background.
    let costA: number | undefined;
    for (let attempt = 0; attempt < 100 && costA !== 2; attempt++) {
      costA = await gpt4oCost(a);
      if (costA !== 2) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(costA).toBe(2);
    const installedAfterMs = performance.now() - startedA;

    let costB: number | undefined;
    const waitStart = performance.now();
    while (performance.now() - waitStart < CHECK_MS + 3_000) {
      costB = await gpt4oCost(b);
      if (costB === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const pickedUpMs = performance.now() - waitStart;
    console.log(
      `A installed after ${Math.round(installedAfterMs)} ms; B priced with it ${Math.round(pickedUpMs)} ms later`,
    );
    expect(costB).toBe(2);
    expect(pickedUpMs).toBeLessThan(CHECK_MS + 3_000);

    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    const sha = sha256Of(files['newer'] ?? '').slice(0, 12);
    expect(metrics).toContain(
      `tokenledger_price_data_age_days{source="catalog sha256:${sha} from ${catalogs.url('newer')}"} 0`,
    );
  }, 60_000);

  it('a refused refresh keeps the data in use and says why in one line: log and /metrics', async () => {
    // The ledger's data is older than one period (1s): C fetches at start, then every second.
    const c = await serveWith('c', `{ refresh: 1s, source: "${catalogs.url('truncated')}", check: ${CHECK_MS}ms }`);
    expect(await gpt4oCost(c)).toBe(2);
    const reason = `not JSON (truncated?): Unterminated string in JSON at position ${Math.floor((files['newer'] ?? '').length / 2)}`;
    let metrics = '';
    for (let attempt = 0; attempt < 150 && !metrics.includes('tokenledger_price_update_refused{'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      metrics = await (await fetch(`${c.url}/metrics`)).text();
    }
    expect(metrics).toMatch(
      new RegExp(`^tokenledger_price_update_refused\\{reason="${reason.replace(/[()?]/g, '\\$&')}"\\} \\d+`, 'm'),
    );
    const warnings = c
      .stderr()
      .split('\n')
      .filter((line) => line.includes('price update refused'))
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    // One line per refused attempt (one a second here).
    expect(warnings.length).toBeGreaterThan(0);
    expect(new Set(warnings)).toEqual(new Set([`price update refused, prices unchanged: ${reason}`]));
    expect(await gpt4oCost(c)).toBe(2);
  }, 60_000);
});
