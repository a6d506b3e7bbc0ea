/**
 * The analytics bench generates its ledger inside the database (bench/analytics-ledger.ts); its
 * figures mean something only if that ledger is what the store would hold had the same events
 * been recorded. At a small size, on SQLite and PostgreSQL: the generated events, read back and
 * recorded through `insert()` into a fresh store, give the same answers to every query shape the
 * bench times (sums, groupings by tag, the tag filter, hourly percentiles, ranking), percentiles
 * read from the histograms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresLedger, sqliteLedger } from '../../bench/analytics-ledger.js';
import { PostgresStore, SqliteStore, type AggregateQuery, type Store } from '#src/store/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { dropSchemas } from '../store/pg-admin.js';

const N = 3000;
const dir = mkdtempSync(join(tmpdir(), 'analytics-ledger-'));
const PG_URL = `postgres://${process.env['PGUSER'] ?? userInfo().username}@127.0.0.1:5432/test`;
const schemas = [`tl_ledger_gen_${process.pid}`, `tl_ledger_api_${process.pid}`];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(schemas);
});

const QUERIES: AggregateQuery[] = [
  { filter: {}, groupBy: [] },
  { filter: {}, groupBy: ['model'] },
  { filter: {}, groupBy: ['agent', 'model'] },
  { filter: {}, groupBy: ['tag:team'] },
  { filter: { tags: { team: 'team-0' } }, groupBy: ['tag:user'] },
  { filter: { tags: { env: 'prod' } }, groupBy: ['bucket'], interval: '1h' },
  { filter: {}, groupBy: ['bucket'], interval: '1d' },
  { filter: {}, groupBy: ['bucket'], interval: '1h' },
  { filter: {}, groupBy: ['agent'] },
  { filter: { status: 'error' }, groupBy: ['provider'] },
];

/** Every percentile from the histograms (rebuilt ones on the generated side, the latency cuts among them). */
const HISTOGRAMS = { exactPercentileLimit: 0 };

async function allEvents(store: Store): Promise<UsageEvent[]> {
  const out: UsageEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.events({ filter: {}, limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
    out.push(...page.events);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

async function sameAnswers(generated: Store, recorded: Store): Promise<void> {
  const events = await allEvents(generated);
  expect(events).toHaveLength(N);
  expect(await recorded.insert(events)).toBe(N);
  for (const query of QUERIES) expect(await generated.aggregate(query)).toEqual(await recorded.aggregate(query));
  const rank = { filter: {}, groupBy: ['run'] as const, orderBy: 'cost' as const, limit: 100 };
  const ranked = await generated.rank(rank);
  expect(ranked.total).toBe(N / 10);
  expect(ranked).toEqual(await recorded.rank(rank));
  // The shape the bench claims: 12 agents, 8 models, 10 teams, 3 envs, failures present.
  const byAgent = await generated.aggregate({ filter: {}, groupBy: ['agent'] });
  expect(byAgent.length).toBeLessThanOrEqual(12);
  expect(byAgent.length).toBeGreaterThan(8);
  expect((await generated.aggregate({ filter: {}, groupBy: ['model'] })).length).toBe(8);
  expect((await generated.aggregate({ filter: {}, groupBy: ['tag:env'] })).length).toBe(3);
  const [all] = await generated.aggregate({ filter: {}, groupBy: [] });
  expect(all?.failures).toBeGreaterThan(0);
  expect(all?.ttftCount).toBeGreaterThan(0);
}

describe('analytics bench ledger', () => {
  it('on SQLite equals the same events recorded through the store', async () => {
    const path = join(dir, 'gen.db');
    expect(await sqliteLedger(path, N)).toBeTypeOf('number');
    // A second call finds the ledger complete and keeps it.
    expect(await sqliteLedger(path, N)).toBeUndefined();
    const generated = SqliteStore.open({ path, ...HISTOGRAMS });
    const recorded = SqliteStore.open({ path: join(dir, 'api.db'), ...HISTOGRAMS });
    try {
      await sameAnswers(generated, recorded);
    } finally {
      await generated.close();
      await recorded.close();
    }
  });

  it('on PostgreSQL equals the same events recorded through the store', async () => {
    expect(await postgresLedger(PG_URL, schemas[0] as string, N)).toBeTypeOf('number');
    const generated = await PostgresStore.open({ url: `${PG_URL}?schema=${schemas[0]}`, ...HISTOGRAMS });
    const recorded = await PostgresStore.open({ url: `${PG_URL}?schema=${schemas[1]}`, ...HISTOGRAMS });
    try {
      await sameAnswers(generated, recorded);
    } finally {
      await generated.close();
      await recorded.close();
    }
  });
});
