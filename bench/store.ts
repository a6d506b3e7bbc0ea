/**
 * Store benchmarks: single-event insert latency and throughput (memory, SQLite, PostgreSQL), and
 * analytics queries (summary, by model, timeseries) at 1M and 10M events on SQLite and
 * PostgreSQL. Bulk data is generated inside the database (recursive CTE / generate_series), then
 * the rollups are rebuilt from it; files and schemas are kept in bench/.data and tl_bench_* for
 * re-runs (delete them to regenerate).
 *
 *   npm run bench -- store                      (1M and 10M; the first run generates ~7 GB, ~15 min)
 *   BENCH_STORE_SIZES=1000000 npm run bench -- store
 */
import { mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore, PostgresStore, SqliteStore, type AggregateQuery, type Store } from '../src/store/index.js';
import type { UsageEvent } from '../src/types/index.js';

export const DATA = fileURLToPath(new URL('./.data/', import.meta.url));
export const PG_URL = `postgres://${process.env['PGUSER'] ?? userInfo().username}@127.0.0.1:5432/test`;
const START = Date.UTC(2026, 0, 1);
const SPAN = 30 * 86_400_000;
const HOUR = 3_600_000;

function event(i: number): UsageEvent {
  const input = 100 + (i % 5000);
  const output = 10 + ((i * 7) % 2000);
  const nanos = 1000 + ((i * 13) % 90_000_000);
  return {
    id: `bench-${process.pid}-${String(i).padStart(9, '0')}`,
    time: new Date(START + i * 1000).toISOString(),
    provider: 'openai',
    model: ['gpt-4o', 'gpt-4o-mini', 'o3'][i % 3] as string,
    agent: ['indicator_agent', 'news_agent', 'trader'][i % 3] as string,
    tags: { team: i % 2 === 0 ? 'red' : 'blue' },
    usage: {
      inputTokens: input,
      outputTokens: output,
      totalTokens: input + output,
      cacheReadTokens: 0,
      cacheWriteTokens: undefined,
      reasoningTokens: undefined,
    },
    cost: {
      input: nanos / 2e9,
      cacheRead: 0,
      cacheWrite: 0,
      output: nanos / 2e9,
      total: nanos / 1e9,
      currency: 'USD',
      totalNanos: nanos,
      cacheSavings: 0,
    },
    durationMs: 200 + (i % 5000),
    status: 'ok',
    attempts: 1,
    estimated: false,
  };
}

function quantile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function insertBench(name: string, store: Store, calls: number): Promise<string> {
  for (let i = 0; i < 200; i++) await store.insert([event(1_000_000 + i)]); // warm-up
  const latencies: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await store.insert([event(i)]);
    latencies.push((performance.now() - t) * 1000);
  }
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const batch = Array.from({ length: 20_000 }, (_, i) => event(2_000_000 + i));
  const t1 = performance.now();
  for (let i = 0; i < batch.length; i += 1000) await store.insert(batch.slice(i, i + 1000));
  const batchRate = batch.length / ((performance.now() - t1) / 1000);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  return `| ${name} | ${fmt(quantile(latencies, 50), 1)} | ${fmt(quantile(latencies, 99), 1)} | ${fmt(mean, 1)} | ${fmt(calls / seconds)} | ${fmt(batchRate)} |`;
}

/** Column list and SELECT expressions generating one synthetic event from `i` and random values. */
function generatedSelect(dialect: 'sqlite' | 'postgres', n: number): string {
  const r = (k: number): string => (dialect === 'sqlite' ? `(abs(random()) % ${k})` : `floor(random() * ${k})::bigint`);
  const log2 = (x: string): string => (dialect === 'sqlite' ? `log2(${x})` : `(ln(${x}) / ln(2))`);
  const int = dialect === 'sqlite' ? 'INTEGER' : 'integer';
  const idExpr = dialect === 'sqlite' ? "printf('b%010d', i)" : "'b' || lpad(i::text, 10, '0')";
  return `SELECT id, time_ms, CASE WHEN m < 2 THEN 'openai' WHEN m < 4 THEN 'anthropic' ELSE 'google' END,
  CASE m WHEN 0 THEN 'gpt-4o' WHEN 1 THEN 'gpt-4o-mini' WHEN 2 THEN 'claude-sonnet-4' WHEN 3 THEN 'claude-haiku-4' ELSE 'gemini-2.5-flash' END,
  CASE a WHEN 0 THEN 'indicator_agent' WHEN 1 THEN 'news_agent' WHEN 2 THEN 'trader' ELSE NULL END,
  'run-' || (i % 500), tags, inp, outp, inp + outp, cr, cn, cn / 2, d, t,
  CAST(floor(${log2('d')} * 8) AS ${int}) + 1, CASE WHEN t IS NULL THEN NULL ELSE CAST(floor(${log2('t')} * 8) AS ${int}) + 1 END,
  CASE WHEN e = 0 THEN 'error' ELSE 'ok' END, 1, 0
FROM (SELECT i, ${idExpr} AS id, ${START} + i * ${Math.floor(SPAN / n)} AS time_ms, ${r(5)} AS m, ${r(4)} AS a,
  CASE WHEN ${r(2)} = 0 THEN '{"team":"red"}' ELSE '{"team":"blue"}' END AS tags,
  100 + ${r(5000)} AS inp, 10 + ${r(2000)} AS outp, ${r(1000)} AS cr, 1000 + ${r(90000000)} AS cn,
  50000 + ${r(20000000)} AS d, CASE WHEN ${r(3)} = 0 THEN 5000 + ${r(2000000)} ELSE NULL END AS t, ${r(10)} AS e
  FROM SERIES) AS g`;
}

const GENERATED_COLUMNS =
  'id, time_ms, provider, model, agent, run, tags, input_tokens, output_tokens, total_tokens, cache_read_tokens, cost_total_nanos, cost_input_nanos, duration_us, ttft_us, duration_bin, ttft_bin, status, attempts, estimated';

const CHUNK = 500_000;

/** A SQLite file of `n` generated events with rebuilt rollups (kept: a file holding them already is reused). */
export async function fillSqlite(
  path: string,
  n: number,
): Promise<{ store: SqliteStore; fillSeconds: number | undefined }> {
  let store = SqliteStore.open({ path });
  const db = new Database(path);
  const have = (db.prepare('SELECT COUNT(*) AS c FROM events').get() as { c: number }).c;
  const rolled = (db.prepare('SELECT COUNT(*) AS c FROM rollup_daily').get() as { c: number }).c;
  if (have === n && rolled > 0) {
    db.close();
    return { store, fillSeconds: undefined };
  }
  const t = performance.now();
  db.exec('DELETE FROM events');
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK) - 1;
    // MATERIALIZED: SQLite would otherwise inline the subquery and draw a new random() per use.
    const select = generatedSelect('sqlite', n);
    const inner = select
      .slice(select.indexOf('FROM (') + 'FROM ('.length, select.lastIndexOf(') AS g'))
      .replace('FROM SERIES', 'FROM s');
    const outer = `${select.slice(0, select.indexOf('FROM ('))}FROM g`;
    db.exec(
      `WITH RECURSIVE s(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM s WHERE i < ${to}), g AS MATERIALIZED (${inner}) INSERT INTO events (${GENERATED_COLUMNS}) ${outer}`,
    );
  }
  db.close();
  await store.rebuildRollups();
  await store.close();
  store = SqliteStore.open({ path });
  const db2 = new Database(path);
  db2.exec('ANALYZE');
  db2.close();
  return { store, fillSeconds: (performance.now() - t) / 1000 };
}

/** A PostgreSQL schema of `n` generated events with rebuilt rollups (kept and reused, as fillSqlite). */
export async function fillPostgres(
  schema: string,
  n: number,
): Promise<{ store: PostgresStore; fillSeconds: number | undefined }> {
  const store = await PostgresStore.open({ url: `${PG_URL}?schema=${schema}` });
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const have = Number((await client.query<{ c: string }>('SELECT COUNT(*) AS c FROM events')).rows[0]?.c);
    const rolled = Number((await client.query<{ c: string }>('SELECT COUNT(*) AS c FROM rollup_daily')).rows[0]?.c);
    if (have === n && rolled > 0) return { store, fillSeconds: undefined };
    const t = performance.now();
    // CASCADE: the tag index refers to the events; rebuildRollups() fills it again.
    await client.query('TRUNCATE events CASCADE');
    for (let from = 0; from < n; from += CHUNK) {
      const to = Math.min(n, from + CHUNK) - 1;
      const sql = generatedSelect('postgres', n).replace(
        'FROM SERIES',
        `FROM generate_series(${from}::bigint, ${to}::bigint) AS i`,
      );
      await client.query(`INSERT INTO events (${GENERATED_COLUMNS}) ${sql.replace('tags, inp', 'tags::jsonb, inp')}`);
    }
    await store.rebuildRollups();
    await client.query('VACUUM ANALYZE events');
    await client.query('VACUUM ANALYZE rollup_hourly');
    await client.query('VACUUM ANALYZE latency_hourly');
    await client.query('VACUUM ANALYZE latency_daily');
    await client.query('VACUUM ANALYZE rollup_daily');
    return { store, fillSeconds: (performance.now() - t) / 1000 };
  } finally {
    await client.end();
  }
}

const QUERIES: { name: string; query: AggregateQuery }[] = [
  { name: 'summary (all time)', query: { filter: {}, groupBy: [] } },
  { name: 'byModel (all time)', query: { filter: {}, groupBy: ['model'] } },
  { name: 'timeseries 1h (all time)', query: { filter: {}, groupBy: ['bucket'], interval: '1h' } },
  {
    name: 'timeseries 1h, no percentiles',
    query: { filter: {}, groupBy: ['bucket'], interval: '1h', percentiles: false },
  },
  {
    name: 'byModel, 7 days, unaligned edges',
    query: {
      filter: { from: new Date(START + 3 * 86_400_000 + 1234), to: new Date(START + 10 * 86_400_000 - 4321) },
      groupBy: ['model'],
    },
  },
  { name: 'agent x model, agent filter', query: { filter: { agent: 'trader' }, groupBy: ['agent', 'model'] } },
  {
    name: 'one day in 1h buckets, tag filter (raw rows)',
    query: {
      filter: { tags: { team: 'red' }, from: new Date(START), to: new Date(START + 86_400_000) },
      groupBy: ['bucket'],
      interval: '1h',
      percentiles: false,
    },
  },
];

async function timeQuery(store: Store, query: AggregateQuery): Promise<number> {
  await store.aggregate(query); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await store.aggregate(query);
    times.push(performance.now() - t);
  }
  return quantile(
    times.sort((a, b) => a - b),
    50,
  );
}

export async function run(options: { sizes?: number[] } = {}): Promise<string> {
  // BENCH_STORE_SIZES=1000000 keeps `npm run bench -- store` short on a busy machine.
  const fromEnv = process.env['BENCH_STORE_SIZES']
    ?.split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const sizes = options.sizes ?? (fromEnv !== undefined && fromEnv.length > 0 ? fromEnv : [1_000_000, 10_000_000]);
  mkdirSync(DATA, { recursive: true });
  const lines: string[] = [
    '## Store',
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} at start. SQLite WAL + synchronous=NORMAL; PostgreSQL 127.0.0.1 (synchronous_commit on).`,
    '',
    '### Insert: one event per call (as `record()` writes), then 20k events in batches of 1,000',
    '',
    '| store | p50 µs/call | p99 µs/call | mean µs/call | single-event calls/s | batched events/s |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const insertSchema = `tl_bench_insert_${process.pid}`;
  const stores: [string, () => Promise<Store>][] = [
    ['memory', () => openStore('memory:')],
    ['SQLite (file)', () => openStore(`sqlite:${join(DATA, `insert-${process.pid}.db`)}`)],
    ['PostgreSQL', () => openStore(`${PG_URL}?schema=${insertSchema}`)],
  ];
  for (const [name, open] of stores) {
    const store = await open();
    try {
      lines.push(await insertBench(name, store, 3000));
    } finally {
      await store.close();
    }
  }
  await dropSchema(insertSchema);
  rmSync(join(DATA, `insert-${process.pid}.db`), { force: true });
  rmSync(join(DATA, `insert-${process.pid}.db-wal`), { force: true });
  rmSync(join(DATA, `insert-${process.pid}.db-shm`), { force: true });

  lines.push('', '### Analytics queries (median of 5 after a warm-up, ms)', '');
  lines.push(
    'Events spread over 30 days, 5 models, 4 agents (one "none"), 500 runs; generated in-database, rollups rebuilt.',
    '',
  );
  const header = ['| query |'];
  const rule = ['| --- |'];
  const columns: Map<string, string[]> = new Map(QUERIES.map((q) => [q.name, []]));
  const fills: string[] = [];
  for (const n of sizes) {
    for (const kind of ['SQLite', 'PostgreSQL'] as const) {
      const { store, fillSeconds } =
        kind === 'SQLite' ? await fillSqlite(join(DATA, `store-${n}.db`), n) : await fillPostgres(`tl_bench_${n}`, n);
      if (fillSeconds !== undefined)
        fills.push(`${kind} ${fmt(n)}: generated + rollups rebuilt in ${fmt(fillSeconds)} s`);
      process.stderr.write(`bench store: ${kind} ${n} ready (fill ${fillSeconds?.toFixed(0) ?? 'cached'} s)\n`);
      header.push(` ${kind} ${n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`} |`);
      rule.push(' ---: |');
      try {
        for (const { name, query } of QUERIES) {
          const ms = await timeQuery(store, query);
          columns.get(name)?.push(fmt(ms, 1));
          process.stderr.write(`bench store: ${kind} ${n} ${name}: ${ms.toFixed(1)} ms\n`);
        }
      } finally {
        await store.close();
      }
    }
  }
  lines.push(header.join(''), rule.join(''));
  for (const { name } of QUERIES) lines.push(`| ${name} | ${(columns.get(name) ?? []).join(' | ')} |`);
  if (fills.length > 0) lines.push('', ...fills.map((f) => `- ${f}`));
  lines.push('');
  return lines.join('\n');
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

// Keeps HOUR referenced for readers adjusting SPAN; one hour is the rollup grain.
export const ROLLUP_GRAIN_MS = HOUR;
