/**
 * Runs ranked over a ledger of a million runs (issue 13: "top 100 runs by cost on a ledger with
 * 1M runs under 200 ms"), on SQLite and PostgreSQL:
 *
 * - the ledger: bench/analytics-ledger.ts with runs of one call, so 1,000,000 events are
 *   1,000,000 runs (generation stays within minutes; the 10M-event ledger of the analytics
 *   bench has the same number of runs in runs of 10), kept in bench/.data and schema
 *   tl_bench_runs_N;
 * - the request: `GET /analytics/tokens/runs?sort=cost&limit=100` to the real server (in this
 *   process, over loopback), without and with the tag filter `tag.team=team-3`: the store's
 *   ranking, the page's figures, the filter's total cost and the wall times, as the runs list
 *   gets them;
 * - the ranking alone (Store.rank) by each order, a deep page (offset 10,000), and with the tag
 *   filter.
 *
 * Median of 5 after a warm-up, ms.
 *
 *   npm run bench -- runs
 *   BENCH_RUNS=100000 BENCH_RUNS_STORES=SQLite npm run bench -- runs
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { loadavg, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { parseConfig } from '../src/config/index.js';
import { startServer } from '../src/server/index.js';
import { openStore, type RankOrder, type RankQuery, type Store } from '../src/store/index.js';
import { postgresLedger, sqliteLedger } from './analytics-ledger.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const DATA = join(here, '.data');
const PG_URL = `postgres://${process.env['PGUSER'] ?? userInfo().username}@127.0.0.1:5432/test`;
const RUNS = Number(process.env['BENCH_RUNS'] ?? 1_000_000);
const TIMES = 5;
const GOAL_MS = 200;
const TAG = { key: 'team', value: 'team-3' };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** A warm-up, then the median of TIMES runs. */
async function measure(once: () => Promise<unknown>): Promise<number> {
  await once();
  const times: number[] = [];
  for (let i = 0; i < TIMES; i++) {
    const started = performance.now();
    await once();
    times.push(performance.now() - started);
  }
  return median(times);
}

async function get(url: string): Promise<unknown> {
  const response = await fetch(url);
  const body = await response.json();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return body;
}

interface Row {
  name: string;
  goal: boolean;
  ms: Map<string, number>;
}

async function measureStore(kind: string, db: string, rows: Map<string, Row>): Promise<void> {
  const put = (name: string, goal: boolean, ms: number): void => {
    const row = rows.get(name) ?? { name, goal, ms: new Map() };
    row.ms.set(kind, ms);
    rows.set(name, row);
    process.stderr.write(`bench runs: ${kind} ${name}: ${ms.toFixed(1)} ms (load ${loadavg()[0]?.toFixed(2)})\n`);
  };
  const server = await startServer({
    port: 0,
    db,
    config: parseConfig({}, 'inline', {}),
    env: {},
    logger: pino({ level: 'silent' }),
  });
  try {
    const top = `${server.url}/analytics/tokens/runs?sort=cost&limit=100`;
    const first = (await get(top)) as { total: number };
    if (first.total !== RUNS) throw new Error(`${kind}: ${first.total} runs, not ${RUNS}`);
    put('GET /analytics/tokens/runs?sort=cost&limit=100', true, await measure(() => get(top)));
    const filtered = `${top}&tag.${TAG.key}=${TAG.value}`;
    put(
      `GET /analytics/tokens/runs?sort=cost&limit=100&tag.${TAG.key}=${TAG.value}`,
      true,
      await measure(() => get(filtered)),
    );
  } finally {
    await server.close();
  }
  const store: Store = await openStore(db);
  try {
    const rank = (query: Partial<RankQuery>) => () =>
      store.rank({ filter: {}, groupBy: ['run'], orderBy: 'cost', limit: 100, ...query });
    for (const orderBy of ['cost', 'tokens', 'calls', 'latency', 'recent'] as RankOrder[])
      put(`Store.rank: top 100 runs by ${orderBy}`, false, await measure(rank({ orderBy })));
    put('Store.rank: runs by cost, offset 10,000', false, await measure(rank({ offset: 10_000 })));
    put(
      `Store.rank: top 100 runs by cost, tag ${TAG.key}=${TAG.value}`,
      false,
      await measure(rank({ filter: { tags: { [TAG.key]: TAG.value } } })),
    );
  } finally {
    await store.close();
  }
}

export async function run(): Promise<string> {
  mkdirSync(DATA, { recursive: true });
  const load0 = loadavg();
  const kinds = (process.env['BENCH_RUNS_STORES'] ?? 'SQLite,PostgreSQL').split(',');
  const notes: string[] = [];
  const rows = new Map<string, Row>();
  if (kinds.includes('SQLite')) {
    const path = join(DATA, `runs-${RUNS}.db`);
    const seconds = await sqliteLedger(path, RUNS, 1);
    notes.push(seconds === undefined ? 'SQLite ledger reused' : `SQLite ledger generated in ${seconds.toFixed(0)} s`);
    await measureStore('SQLite', `sqlite:${path}`, rows);
  }
  if (kinds.includes('PostgreSQL')) {
    const schema = `tl_bench_runs_${RUNS}`;
    const seconds = await postgresLedger(PG_URL, schema, RUNS, 1);
    notes.push(
      seconds === undefined ? 'PostgreSQL ledger reused' : `PostgreSQL ledger generated in ${seconds.toFixed(0)} s`,
    );
    await measureStore('PostgreSQL', `${PG_URL}?schema=${schema}`, rows);
  }
  const fmt = (ms: number | undefined): string =>
    ms === undefined ? 'n/a' : ms >= 100 ? ms.toLocaleString('en-US', { maximumFractionDigits: 0 }) : ms.toFixed(1);
  const met = (row: Row): string => {
    if (!row.goal) return '';
    return kinds.every((kind) => (row.ms.get(kind) ?? Number.POSITIVE_INFINITY) < GOAL_MS) ? 'met' : '**not met**';
  };
  return [
    '## Runs ranked at 1M runs (issue 13)',
    '',
    `${RUNS.toLocaleString('en-US')} runs of one call each (${RUNS.toLocaleString('en-US')} events over 30 days; otherwise the analytics ledger: 12 agents, 8 models, tags team (10) / env (3) / user (5,000) per run), generated in-database by bench/analytics-ledger.ts, rollups (the run rollup of schema 16 included) and tag index rebuilt by the store. The request goes to the real server in the bench's process over loopback. Median of ${TIMES} after a warm-up, ms; load average ${load0.map((l) => l.toFixed(1)).join(' / ')} at start, ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} at the end (2 cores shared with other work).`,
    '',
    `| measure | ${kinds.join(' | ')} | goal | |`,
    `| --- | ${kinds.map(() => '---:').join(' | ')} | ---: | --- |`,
    ...[...rows.values()].map(
      (row) =>
        `| ${row.name.replace(/\|/g, '\\|')} | ${kinds.map((kind) => fmt(row.ms.get(kind))).join(' | ')} | ${row.goal ? `< ${GOAL_MS}` : ''} | ${met(row)} |`,
    ),
    '',
    ...notes.map((note) => `- ${note}`),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await run());
}
