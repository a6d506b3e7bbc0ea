/**
 * Migrations over a ledger written by an older version: a database is built with the schema as
 * it stood at version N (the applied migrations are frozen, so replaying them is that schema),
 * filled with rows of that time, then opened by today's store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { latencyBin } from '#src/store/latency-histogram.js';
import { migrations, PROVIDER_IDS_V7, SCHEMA_MIGRATIONS_DDL } from '#src/store/migrations/schema.js';
import { providerRecords } from '#src/providers/index.js';
import { openStore, type Store } from '#src/store/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { EVENT_COLUMNS, eventToRow, rowValues } from '#src/store/row.js';
import { rebuildAllRunsSql } from '#src/store/run-rollup.js';
import { rebuildAllRollupsSql } from '#src/store/sql-query.js';
import { generateEvents } from './generate.js';
import { dropSchemas, PG_URL, uniqueSchema } from './pg-admin.js';
import { referenceAggregate } from './reference.js';

const dir = mkdtempSync(join(tmpdir(), 'store-migrations-'));
const schemas: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(schemas);
});

type Dialect = 'sqlite' | 'postgres';
type Run = (sql: string) => Promise<void>;

const T = Date.UTC(2026, 2, 3, 10, 15);
const HOUR = 3_600_000;

async function applyUpTo(version: number, dialect: Dialect, run: Run): Promise<void> {
  await run(SCHEMA_MIGRATIONS_DDL(dialect));
  for (const migration of migrations(dialect).filter((m) => m.version <= version)) {
    for (const statement of migration.statements) await run(statement);
    await run(`INSERT INTO schema_migrations (version, name) VALUES (${migration.version}, '${migration.name}')`);
  }
}

interface OldRow {
  id: string;
  provider: string;
  timeMs: number;
  tokens: [number, number];
  costNanos: number;
  durationUs?: number;
}

/** One event as an older version stored it, with the rollup and latency rows it added. */
async function insertOld(dialect: Dialect, run: Run, row: OldRow): Promise<void> {
  const tags = dialect === 'postgres' ? `'{}'::jsonb` : `'{}'`;
  const [input, output] = row.tokens;
  const bin = row.durationUs === undefined ? 'NULL' : String(latencyBin(row.durationUs));
  await run(`INSERT INTO events (id, time_ms, provider, model, tags, input_tokens, output_tokens, total_tokens,
    cost_total_nanos, cost_input_nanos, cost_output_nanos, duration_us, duration_bin, status, attempts, estimated)
    VALUES ('${row.id}', ${row.timeMs}, '${row.provider}', 'gemini-2.5-flash', ${tags}, ${input}, ${output},
    ${input + output}, ${row.costNanos}, ${row.costNanos}, 0, ${row.durationUs ?? 'NULL'}, ${bin}, 'ok', 1, 0)`);
  for (const [table, latency, column, width] of [
    ['rollup_hourly', 'latency_hourly', 'hour_ms', HOUR],
    ['rollup_daily', 'latency_daily', 'day_ms', 24 * HOUR],
  ] as const) {
    const start = row.timeMs - (row.timeMs % width);
    const duration = row.durationUs === undefined ? [0, 0, 'NULL'] : [1, row.durationUs, row.durationUs];
    await run(`INSERT INTO ${table} (${column}, provider, model, agent, status, calls, successes, input_tokens,
      output_tokens, total_tokens, cost_nanos, cost_input_nanos, duration_count, duration_sum_us, duration_max_us,
      min_time_ms, max_time_ms)
      VALUES (${start}, '${row.provider}', 'gemini-2.5-flash', '', 'ok', 1, 1, ${input}, ${output}, ${input + output},
      ${row.costNanos}, ${row.costNanos}, ${duration.join(', ')}, ${row.timeMs}, ${row.timeMs})`);
    if (row.durationUs !== undefined)
      await run(`INSERT INTO ${latency} (${column}, provider, model, agent, status, metric, bin, n)
        VALUES (${start}, '${row.provider}', 'gemini-2.5-flash', '', 'ok', 0, ${bin}, 1)`);
  }
}

/** One event as version 4 stored it: no warnings column; its rollup rows written beside it. */
async function seedVersion4(dialect: Dialect, run: Run): Promise<void> {
  await applyUpTo(4, dialect, run);
  const tags = dialect === 'postgres' ? `'{}'::jsonb` : `'{}'`;
  await run(`INSERT INTO events (id, time_ms, provider, model, tags, input_tokens, output_tokens, total_tokens,
    cost_total_nanos, cost_input_nanos, cost_output_nanos, status, attempts, estimated)
    VALUES ('old-1', ${T}, 'openai', 'gpt-4o-mini', ${tags}, 100, 20, 120, 27000, 15000, 12000, 'ok', 1, 0)`);
  for (const [table, column, start] of [
    ['rollup_hourly', 'hour_ms', T - (T % HOUR)],
    ['rollup_daily', 'day_ms', T - (T % (24 * HOUR))],
  ] as const) {
    await run(`INSERT INTO ${table} (${column}, provider, model, agent, status, calls, successes, input_tokens,
      output_tokens, total_tokens, cost_nanos, cost_input_nanos, cost_output_nanos, min_time_ms, max_time_ms)
      VALUES (${start}, 'openai', 'gpt-4o-mini', '', 'ok', 1, 1, 100, 20, 120, 27000, 15000, 12000, ${T}, ${T})`);
  }
}

function event(id: string, warnings?: string[]): UsageEvent {
  const e: UsageEvent = {
    id,
    time: new Date(T + 1000).toISOString(),
    provider: 'openai',
    model: 'gpt-4o-mini',
    tags: {},
    usage: {
      inputTokens: 10,
      outputTokens: 2,
      totalTokens: 12,
      cacheReadTokens: 0,
      cacheWriteTokens: undefined,
      reasoningTokens: 0,
    },
    cost: null,
    costUnavailableReason: 'no price',
    status: 'ok',
    attempts: 1,
    estimated: false,
  };
  if (warnings !== undefined) e.warnings = warnings;
  return e;
}

async function checkWarningsUpgrade(store: Store): Promise<void> {
  const before = await store.aggregate({ filter: {}, groupBy: [] });
  expect(before.map((r) => [r.calls, r.totalTokens, r.costNanos, r.warningCalls])).toEqual([[1, 120, 27000, 0]]);
  expect(
    await store.insert([event('new-1', ['cacheReadTokens dropped: larger than inputTokens']), event('new-2')]),
  ).toBe(2);
  const page = await store.events({ filter: {}, limit: 10 });
  const byId = new Map(page.events.map((e) => [e.id, e]));
  expect(byId.get('old-1')?.warnings).toBeUndefined();
  expect(byId.get('new-1')?.warnings).toEqual(['cacheReadTokens dropped: larger than inputTokens']);
  expect(byId.get('new-2')).not.toHaveProperty('warnings');
  // Whole hours from the rollups, and the raw edge of a partial range: both count the warning.
  for (const filter of [{}, { from: new Date(T), to: new Date(T + 5000) }]) {
    const [row] = await store.aggregate({ filter, groupBy: [] });
    expect([row?.calls, row?.warningCalls]).toEqual([3, 1]);
  }
}

/** A store opened over a database seeded by `seed` with an older version's schema and rows. */
async function openSeeded(
  dialect: Dialect,
  seed: (run: Run) => Promise<void>,
  options: { exactPercentileLimit?: number } = {},
): Promise<Store> {
  if (dialect === 'sqlite') {
    const path = join(dir, `${uniqueSchema('seeded')}.db`);
    const db = new Database(path);
    await seed(async (sql) => {
      db.exec(sql);
    });
    db.close();
    return openStore(`sqlite:${path}`, options);
  }
  const schema = uniqueSchema('tl_migrate');
  schemas.push(schema);
  const url = new URL(PG_URL);
  url.username = process.env['PGUSER'] ?? userInfo().username;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(`SET search_path TO "${schema}"`);
    await seed(async (sql) => {
      await client.query(sql);
    });
  } finally {
    await client.end();
  }
  return openStore(`${PG_URL}?schema=${schema}`, options);
}

const OLD_ROWS: OldRow[] = [
  { id: 'g1', provider: 'gemini', timeMs: T, tokens: [100, 20], costNanos: 1000, durationUs: 5000 },
  { id: 'g2', provider: 'google', timeMs: T + 60_000, tokens: [10, 2], costNanos: 200, durationUs: 9000 },
  { id: 'g3', provider: 'Gemini', timeMs: T + 2 * HOUR, tokens: [1, 1], costNanos: 3 },
  { id: 'o1', provider: 'OpenAI', timeMs: T + 5000, tokens: [7, 3], costNanos: 50 },
  { id: 'm1', provider: 'MyCorp', timeMs: T + 6000, tokens: [5, 5], costNanos: 0 },
];

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`${dialect}: migrations over older ledgers`, () => {
    it('5 (event warnings) over version 4: old rows read back without warnings; new ones keep and count theirs', async () => {
      const store = await openSeeded(dialect, (run) => seedVersion4(dialect, run));
      try {
        await checkWarningsUpgrade(store);
      } finally {
        await store.close();
      }
    });

    it('7 (canonical provider ids) over version 6: gemini rows become google, rollups merged, nothing lost', async () => {
      const store = await openSeeded(
        dialect,
        async (run) => {
          await applyUpTo(6, dialect, run);
          for (const row of OLD_ROWS) await insertOld(dialect, run, row);
        },
        // Percentiles from the merged latency histograms, not the raw values.
        { exactPercentileLimit: 1 },
      );
      try {
        const { events } = await store.events({ filter: {}, limit: 10 });
        expect(Object.fromEntries(events.map((e) => [e.id, e.provider]))).toEqual({
          g1: 'google',
          g2: 'google',
          g3: 'google',
          o1: 'openai',
          m1: 'MyCorp',
        });
        const fromRollups = await store.aggregate({ filter: {}, groupBy: ['provider'] });
        expect(fromRollups.map((r) => [r.key.provider, r.calls, r.totalTokens, r.costNanos, r.durationCount])).toEqual([
          ['MyCorp', 1, 10, 0, 0],
          ['google', 3, 134, 1203, 2],
          ['openai', 1, 10, 50, 0],
        ]);
        // The raw events (a run grouping cannot use the rollups) agree with the merged rollups.
        const fromEvents = await store.aggregate({ filter: {}, groupBy: ['provider', 'run'] });
        expect(fromEvents.map((r) => [r.key.provider, r.calls, r.totalTokens, r.costNanos])).toEqual(
          fromRollups.map((r) => [r.key.provider, r.calls, r.totalTokens, r.costNanos]),
        );
        const [google] = await store.aggregate({ filter: { provider: 'gemini' }, groupBy: [] });
        expect(google?.calls).toBe(3);
        expect(google?.duration.p50).toBeCloseTo(5, 0);
        expect(google?.duration.p99).toBeCloseTo(9, 0);
        const hours = await store.aggregate({ filter: { provider: 'google' }, groupBy: ['bucket'], interval: '1h' });
        expect(hours.map((r) => r.calls)).toEqual([2, 1]);
      } finally {
        await store.close();
      }
    });
  });
}

/** Two OpenRouter events as version 7 stored them: one whose provider cost disagrees with ours, one that agrees. */
async function seedVersion7WithProviderCost(dialect: Dialect, run: Run): Promise<void> {
  await applyUpTo(7, dialect, run);
  const tags = dialect === 'postgres' ? `'{}'::jsonb` : `'{}'`;
  for (const [id, ours, provider] of [
    ['or-1', 3_317_600, 13_317_600],
    ['or-2', 2_198_550, 2_198_550],
  ] as const) {
    await run(`INSERT INTO events (id, time_ms, provider, model, tags, input_tokens, output_tokens, total_tokens,
      cost_total_nanos, cost_input_nanos, provider_cost_nanos, status, attempts, estimated)
      VALUES ('${id}', ${T}, 'openrouter', 'openai/gpt-4.1-mini', ${tags}, 100, 20, 120, ${ours}, ${ours}, ${provider}, 'ok', 1, 0)`);
  }
  for (const [table, column, start] of [
    ['rollup_hourly', 'hour_ms', T - (T % HOUR)],
    ['rollup_daily', 'day_ms', T - (T % (24 * HOUR))],
  ] as const) {
    await run(`INSERT INTO ${table} (${column}, provider, model, agent, status, calls, successes, input_tokens,
      output_tokens, total_tokens, cost_nanos, cost_input_nanos, provider_cost_nanos, min_time_ms, max_time_ms)
      VALUES (${start}, 'openrouter', 'openai/gpt-4.1-mini', '', 'ok', 2, 2, 200, 40, 240, 5516150, 5516150, 15516150, ${T}, ${T})`);
  }
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  it(`${dialect}: 8 and 9 over version 7: stored events read back without iterations, flagged where the provider cost disagrees, and the filled rollups count them`, async () => {
    const store = await openSeeded(dialect, (run) => seedVersion7WithProviderCost(dialect, run));
    try {
      const { events } = await store.events({ filter: {}, limit: 10 });
      const byId = new Map(events.map((e) => [e.id, e]));
      expect(byId.get('or-1')?.providerCostMismatch).toEqual({ ours: 0.0033176, provider: 0.0133176 });
      expect(byId.get('or-2')?.providerCostMismatch).toBeUndefined();
      expect(byId.get('or-1')?.usage.iterations).toBeUndefined();
      // From the migrated rollups (whole range), and from the raw events (a run grouping).
      const [rollup] = await store.aggregate({ filter: {}, groupBy: [] });
      const [raw] = await store.aggregate({ filter: {}, groupBy: ['run'] });
      for (const row of [rollup, raw])
        expect([
          row?.calls,
          row?.costMismatchCalls,
          row?.costMismatchOursNanos,
          row?.costMismatchProviderNanos,
        ]).toEqual([2, 1, 3_317_600, 13_317_600]);
    } finally {
      await store.close();
    }
  });
}

/** Three events as version 10 stored them: tags in the JSON column only (a number among them). */
async function seedVersion10WithTags(dialect: Dialect, run: Run): Promise<void> {
  await applyUpTo(10, dialect, run);
  const json = (tags: string) => (dialect === 'postgres' ? `'${tags}'::jsonb` : `'${tags}'`);
  for (const [id, offset, tags] of [
    ['t-1', 0, '{"team":"red","user":"ana"}'],
    ['t-2', 1000, '{"team":"blue","n":3}'],
    ['t-3', 2 * HOUR, '{}'],
  ] as const) {
    await run(`INSERT INTO events (id, time_ms, provider, model, tags, input_tokens, output_tokens, total_tokens,
      cost_total_nanos, status, attempts, estimated)
      VALUES ('${id}', ${T + offset}, 'openai', 'gpt-4o-mini', ${json(tags)}, 10, 2, 12, 100, 'ok', 1, 0)`);
  }
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  it(`${dialect}: 11 (tag index) over version 10 fills the index from the stored tags; new events and deletes keep it`, async () => {
    const store = await openSeeded(dialect, (run) => seedVersion10WithTags(dialect, run));
    try {
      const calls = async (query: Parameters<Store['aggregate']>[0]) =>
        (await store.aggregate(query)).map((row) => [row.key, row.calls]);
      expect(await calls({ filter: { tags: { team: 'red' } }, groupBy: [] })).toEqual([[{}, 1]]);
      // A number was never a text value: not indexed, matched by no filter, grouped as no value.
      expect(await calls({ filter: { tags: { n: '3' } }, groupBy: [] })).toEqual([]);
      expect(await calls({ filter: {}, groupBy: ['tag:team'] })).toEqual([
        [{ 'tag:team': null }, 1],
        [{ 'tag:team': 'blue' }, 1],
        [{ 'tag:team': 'red' }, 1],
      ]);
      await store.insert([{ ...event('t-4'), tags: { team: 'red' } }]);
      expect(await calls({ filter: { tags: { team: 'red' } }, groupBy: ['tag:user'] })).toEqual([
        [{ 'tag:user': null }, 1],
        [{ 'tag:user': 'ana' }, 1],
      ]);
      expect(await store.delete({ tags: { team: 'red' } })).toBe(2);
      expect(await calls({ filter: {}, groupBy: ['tag:team'] })).toEqual([
        [{ 'tag:team': null }, 1],
        [{ 'tag:team': 'blue' }, 1],
      ]);
    } finally {
      await store.close();
    }
  });
}

/**
 * Events as version 15 stored them, in three runs and none; on SQLite one of them still pending
 * its rollups (committed, its id in rollup_pending), as a process killed before its apply leaves it.
 */
async function seedVersion15WithRuns(dialect: Dialect, run: Run): Promise<void> {
  await applyUpTo(15, dialect, run);
  for (const [id, runName, cost, durationUs] of [
    ['r-1', "'cheap'", 100, 'NULL'],
    ['r-2', "'dear'", 9000, '4000'],
    ['r-3', "'dear'", 500, '1001'],
    ['r-4', 'NULL', 7000, '10'],
    ['r-5', "'mid'", 3000, 'NULL'],
  ] as const) {
    await run(`INSERT INTO events (id, time_ms, provider, model, run, tags, input_tokens, output_tokens, total_tokens,
      cost_total_nanos, duration_us, status, attempts, estimated)
      VALUES ('${id}', ${T}, 'openai', 'gpt-4o-mini', ${runName}, '{}', 10, 2, 12, ${cost}, ${durationUs}, 'ok', 1, 0)`);
  }
  if (dialect === 'sqlite') await run("INSERT INTO rollup_pending (id) VALUES ('r-5')");
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  it(`${dialect}: 16 (run rollup) over version 15 fills one row per run from the stored events, each counted once`, async () => {
    const store = await openSeeded(dialect, (run) => seedVersion15WithRuns(dialect, run));
    try {
      const ranked = async (orderBy: 'cost' | 'latency' | 'calls') =>
        (await store.rank({ filter: {}, groupBy: ['run'], orderBy, limit: 10 })).keys.map((key) => key.run);
      expect(await ranked('cost')).toEqual(['dear', null, 'mid', 'cheap']);
      // Means 2500.5 -> 2501 us (half up) and 10 us; runs without a duration last.
      expect(await ranked('latency')).toEqual(['dear', null, 'mid', 'cheap']);
      await store.insert([{ ...event('r-6'), run: 'cheap', durationMs: 9 }]);
      expect(await ranked('calls')).toEqual(['dear', 'cheap', null, 'mid']);
      // cheap's 9 ms is now the slowest mean.
      expect(await ranked('latency')).toEqual(['cheap', 'dear', null, 'mid']);
      const rows = await store.aggregate({ filter: {}, groupBy: ['run'] });
      expect(rows.map((row) => [row.key.run, row.calls, row.costNanos])).toEqual([
        [null, 1, 7000],
        ['cheap', 2, 100],
        ['dear', 2, 9500],
        ['mid', 1, 3000],
      ]);
    } finally {
      await store.close();
    }
  });
}

/** An event's row as SQL literals, in EVENT_COLUMNS order (the text of a JSON column coerces to jsonb). */
function rowLiterals(e: UsageEvent): string {
  return rowValues(eventToRow(e))
    .map((v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replaceAll("'", "''")}'`))
    .join(', ');
}

/**
 * Events as version 16 stored them, over three days, with the rollups (latency histograms
 * included) that version kept; on SQLite the last one still pending its rollups.
 */
function seedVersion16(dialect: Dialect, events: readonly UsageEvent[]): (run: Run) => Promise<void> {
  return async (run) => {
    await applyUpTo(16, dialect, run);
    const stored = dialect === 'sqlite' ? events.slice(0, -1) : events;
    for (const e of stored) await run(`INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${rowLiterals(e)})`);
    // Version 16's rollups: today's rebuild of them.
    for (const sql of [...rebuildAllRollupsSql(), ...rebuildAllRunsSql()]) await run(sql);
    if (dialect === 'sqlite') {
      const last = events[events.length - 1] as UsageEvent;
      await run(`INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${rowLiterals(last)})`);
      await run(`INSERT INTO rollup_pending (id) VALUES ('${last.id}')`);
    }
  };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  it(`${dialect}: 17 and 18 (latency cuts) over version 16 fill the cuts from the histograms, so percentiles read from them equal the reference`, async () => {
    const events = generateEvents({ seed: 5, count: 300, startMs: T - 30 * HOUR, spanMs: 70 * HOUR, idPrefix: 'c' });
    const store = await openSeeded(dialect, seedVersion16(dialect, events), { exactPercentileLimit: 0 });
    try {
      const queries: Parameters<Store['aggregate']>[0][] = [
        { filter: {}, groupBy: [] },
        { filter: {}, groupBy: ['model'] },
        { filter: { exclude: { agent: ['trader'] } }, groupBy: ['agent'] },
        { filter: { provider: 'openai' }, groupBy: ['bucket'], interval: '1d' },
        { filter: { from: new Date(T - 20 * HOUR), to: new Date(T + 30 * HOUR) }, groupBy: ['bucket'], interval: '1h' },
      ];
      const check = async (all: readonly UsageEvent[]) => {
        for (const query of queries)
          expect(await store.aggregate(query), JSON.stringify(query)).toEqual(
            referenceAggregate(all, query, { exactPercentileLimit: 0 }),
          );
      };
      await check(events);
      // New events add to the cuts the migration filled.
      const more = generateEvents({ seed: 6, count: 40, startMs: T - 30 * HOUR, spanMs: 70 * HOUR, idPrefix: 'd' });
      await store.insert(more);
      await check([...events, ...more]);
    } finally {
      await store.close();
    }
  });
}

describe('migration 7 froze the registry of its day', () => {
  it('every provider name the registry folds today is folded by a migration (add one for new aliases)', () => {
    for (const record of providerRecords()) {
      for (const name of [record.id, ...record.aliases]) {
        expect(PROVIDER_IDS_V7[name.toLowerCase()], `${name} -> ${record.id}`).toBe(record.id);
      }
    }
  });
});
