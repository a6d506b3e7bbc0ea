/**
 * The analytics bench's ledger, generated inside the database (SQLite recursive CTE, PostgreSQL
 * generate_series) as the rows `eventToRow` would write, then the rollups and the tag index are
 * rebuilt by the store itself (`rebuildRollups`), so the files hold what a store that recorded
 * the same events would hold (test/bench/analytics-ledger.test.ts checks that at a small size).
 *
 * Shape (every value a deterministic hash of the event's or the run's number, so SQLite and
 * PostgreSQL hold the same ledger and a re-run draws the same one):
 * - `n` events over 30 days, in runs of 10 consecutive calls (1M runs at 10M events; `runLength`
 *   sets another length: bench/runs.ts takes 1, a million runs from a million events);
 * - 12 agents and the tags team (10 values, skewed), env (3) and user (5,000), fixed per run;
 * - 8 models of 3 providers, priced per token per model (cost differs ~100x between models);
 * - ~3% failures (rate limit 429, server 500, timeout), ~2% retried calls, 60% streamed (TTFT),
 *   a third with cache reads.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PostgresStore, SqliteStore } from '../src/store/index.js';

export const LEDGER_START = Date.UTC(2026, 9, 1);
export const LEDGER_SPAN_MS = 30 * 86_400_000;
export const RUN_LENGTH = 10;
export const TEAMS = 10;
export const USERS = 5000;
export const AGENTS = 12;

type Dialect = 'sqlite' | 'postgres';

/** provider, model, input / output / cache-read price in nano-dollars per token. */
const MODELS: [string, string, number, number, number][] = [
  ['openai', 'gpt-4o', 2500, 10000, 1250],
  ['openai', 'gpt-4o-mini', 150, 600, 75],
  ['openai', 'o3', 2000, 8000, 500],
  ['anthropic', 'claude-sonnet-4', 3000, 15000, 300],
  ['anthropic', 'claude-haiku-4', 800, 4000, 80],
  ['anthropic', 'claude-opus-4', 15000, 75000, 1500],
  ['google', 'gemini-2.5-pro', 1250, 10000, 310],
  ['google', 'gemini-2.5-flash', 300, 2500, 75],
];

const AGENT_NAMES = [
  'planner',
  'researcher',
  'writer',
  'reviewer',
  'coder',
  'tester',
  'triage',
  'support',
  'summarizer',
  'translator',
  'router',
  'indexer',
];

/** A hash of `x` in [0, mod): 64-bit integer arithmetic only, identical in both databases. */
function h(x: string, salt: number, mod: number): string {
  return `(((${x}) * 2654435761 + ${salt * 40503}) % 1000003 % ${mod})`;
}

function caseOf(expr: string, values: string[]): string {
  return `CASE ${expr} ${values.map((v, k) => `WHEN ${k} THEN ${v}`).join(' ')} END`;
}

const text = (value: string): string => `'${value}'`;

/** `SELECT ... FROM <series>` producing every event column for event numbers `i` of `from..to`. */
function generatedSql(dialect: Dialect, n: number, from: number, to: number, runLength: number): string {
  const pad = (expr: string, width: number): string =>
    dialect === 'sqlite' ? `printf('%0${width}d', ${expr})` : `lpad((${expr})::text, ${width}, '0')`;
  const int = dialect === 'sqlite' ? 'INTEGER' : 'bigint';
  const log2 = (x: string): string => (dialect === 'sqlite' ? `log2(${x})` : `log(2, (${x})::numeric)`);
  const series =
    dialect === 'sqlite'
      ? `(WITH RECURSIVE s(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM s WHERE i < ${to}) SELECT i FROM s)`
      : `(SELECT i FROM generate_series(${from}::bigint, ${to}::bigint) AS i)`;
  // Skewed picks: squaring a uniform [0, 100) draws low values more often.
  const skew = (x: string, salt: number, mod: number): string =>
    `(${h(x, salt, 100)} * ${h(x, salt, 100)} * ${mod} / 10000)`;
  const base = `SELECT i, i / ${runLength} AS r,
  ${LEDGER_START} + i * ${LEDGER_SPAN_MS} / ${n} AS time_ms,
  ${skew('i', 3, MODELS.length)} AS m,
  ${skew(`i / ${runLength}`, 1, AGENTS)} AS a,
  ${skew(`i / ${runLength}`, 2, TEAMS)} AS team,
  ${h(`i / ${runLength}`, 4, 3)} AS env,
  ${h(`i / ${runLength}`, 5, USERS)} AS usr,
  ${h('i', 6, 100)} AS fail,
  ${h('i', 7, 100)} AS stream,
  200 + ${h('i', 8, 8000)} AS inp,
  20 + ${h('i', 9, 1500)} AS outp,
  CASE WHEN ${h('i', 10, 3)} = 0 THEN ${h('i', 11, 4000)} ELSE 0 END AS cr,
  CAST(floor(300000 * power(2, ${h('i', 12, 48)} / 8.0)) AS ${int}) + ${h('i', 13, 1000)} AS d,
  150000 + ${h('i', 14, 1500000)} AS t
FROM ${series} AS s`;
  const price = (column: 2 | 3 | 4): string =>
    caseOf(
      'm',
      MODELS.map((model) => String(model[column])),
    );
  const failed = 'fail < 3';
  const out = `CASE WHEN ${failed} THEN 0 ELSE outp END`;
  const ttft = `CASE WHEN stream < 60 AND NOT (${failed}) THEN t ELSE NULL END`;
  const tags =
    dialect === 'sqlite'
      ? `'{"team":"team-' || team || '","env":"' || ${caseOf('env', ["'prod'", "'staging'", "'dev'"])} || '","user":"user-' || ${pad('usr', 4)} || '"}'`
      : `('{"team":"team-' || team || '","env":"' || ${caseOf('env', ["'prod'", "'staging'", "'dev'"])} || '","user":"user-' || ${pad('usr', 4)} || '"}')::jsonb`;
  // Column order: the INSERT's list below.
  return `SELECT 'ev-' || ${pad('i', 9)}, time_ms,
  ${caseOf(
    'm',
    MODELS.map((model) => text(model[0])),
  )},
  ${caseOf(
    'm',
    MODELS.map((model) => text(model[1])),
  )},
  ${caseOf(
    'a',
    AGENT_NAMES.map((name) => text(name)),
  )},
  'run-' || ${pad('r', 7)}, ${tags},
  inp, ${out}, inp + ${out}, cr,
  (inp - cr) * ${price(2)}, cr * ${price(4)}, 0, ${out} * ${price(3)},
  (inp - cr) * ${price(2)} + cr * ${price(4)} + ${out} * ${price(3)},
  cr * (${price(2)} - ${price(4)}),
  d, ${ttft},
  CAST(floor(${log2('d')} * 8) AS ${int}) + 1,
  CASE WHEN stream < 60 AND NOT (${failed}) THEN CAST(floor(${log2('t')} * 8) AS ${int}) + 1 ELSE NULL END,
  CASE WHEN ${failed} THEN 'error' ELSE 'ok' END,
  CASE fail WHEN 0 THEN 'rate_limit' WHEN 1 THEN 'server_error' WHEN 2 THEN 'timeout' ELSE NULL END,
  CASE fail WHEN 0 THEN 429 WHEN 1 THEN 500 ELSE NULL END,
  CASE fail WHEN 0 THEN 'Rate limit reached' WHEN 1 THEN 'Internal server error' WHEN 2 THEN 'Request timed out' ELSE NULL END,
  CASE WHEN fail >= 3 AND fail < 5 THEN 2 ELSE 1 END, 0
FROM (${base}) AS g`;
}

const COLUMNS =
  'id, time_ms, provider, model, agent, run, tags, input_tokens, output_tokens, total_tokens, cache_read_tokens, cost_input_nanos, cost_cache_read_nanos, cost_cache_write_nanos, cost_output_nanos, cost_total_nanos, cache_savings_nanos, duration_us, ttft_us, duration_bin, ttft_bin, status, error_type, error_status, error_message, attempts, estimated';

const CHUNK = 500_000;

/** True when the ledger already holds `n` events with rollups (a previous run's). */
function complete(events: number, rollups: number, n: number): boolean {
  return events === n && rollups > 0;
}

/**
 * The SQLite ledger of `n` events at `path`, generated unless the file already holds it.
 * Returns the seconds generation took, or undefined when it was reused.
 */
export async function sqliteLedger(path: string, n: number, runLength = RUN_LENGTH): Promise<number | undefined> {
  if (existsSync(path)) {
    const db = new Database(path, { readonly: true });
    try {
      const events = (db.prepare('SELECT COUNT(*) AS c FROM events').get() as { c: number }).c;
      const rollups = (db.prepare('SELECT COUNT(*) AS c FROM rollup_daily').get() as { c: number }).c;
      if (complete(events, rollups, n)) return undefined;
    } catch {
      // Not a finished ledger: regenerate below.
    } finally {
      db.close();
    }
  }
  const started = performance.now();
  const store = SqliteStore.open({ path });
  await store.close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.exec('DELETE FROM event_tags; DELETE FROM events');
  for (let from = 0; from < n; from += CHUNK) {
    db.exec(
      `INSERT INTO events (${COLUMNS}) ${generatedSql('sqlite', n, from, Math.min(n, from + CHUNK) - 1, runLength)}`,
    );
    process.stderr.write(`analytics ledger: SQLite ${Math.min(n, from + CHUNK)} / ${n}\n`);
  }
  db.close();
  const rebuilt = SqliteStore.open({ path });
  await rebuilt.rebuildRollups();
  await rebuilt.close();
  const analyze = new Database(path);
  analyze.exec('ANALYZE');
  analyze.close();
  return (performance.now() - started) / 1000;
}

/** The PostgreSQL ledger of `n` events in `schema` (see sqliteLedger). */
export async function postgresLedger(
  url: string,
  schema: string,
  n: number,
  runLength = RUN_LENGTH,
): Promise<number | undefined> {
  const store = await PostgresStore.open({ url: `${url}?schema=${schema}` });
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const count = async (table: string): Promise<number> =>
      Number((await client.query<{ c: string }>(`SELECT COUNT(*) AS c FROM ${table}`)).rows[0]?.c);
    if (complete(await count('events'), await count('rollup_daily'), n)) return undefined;
    const started = performance.now();
    await client.query('TRUNCATE events CASCADE');
    for (let from = 0; from < n; from += CHUNK) {
      await client.query(
        `INSERT INTO events (${COLUMNS}) ${generatedSql('postgres', n, from, Math.min(n, from + CHUNK) - 1, runLength)}`,
      );
      process.stderr.write(`analytics ledger: PostgreSQL ${Math.min(n, from + CHUNK)} / ${n}\n`);
    }
    await store.rebuildRollups();
    for (const table of [
      'events',
      'event_tags',
      'rollup_hourly',
      'rollup_daily',
      'latency_hourly',
      'latency_daily',
      'latency_cut_hourly',
      'latency_cut_daily',
      'rollup_run',
    ])
      await client.query(`VACUUM ANALYZE ${table}`);
    return (performance.now() - started) / 1000;
  } finally {
    await client.end();
    await store.close();
  }
}
