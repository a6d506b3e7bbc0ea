/**
 * 4 processes x 25,000 events into one SQLite file, and the same into one PostgreSQL schema:
 * totals equal the sum of what was sent, exactly; re-sent ids are stored once; and the two
 * stores give identical aggregate answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type AggregateQuery, type Store } from '#src/store/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { sharedEvents, workerEvents } from './generate.js';
import { dropSchemas, PG_URL, uniqueSchema } from './pg-admin.js';
import { referenceAggregate } from './reference.js';
import { runWorker } from './run-worker.js';

const WORKERS = 4;
const PER_WORKER = 25_000;
const START = Date.UTC(2026, 1, 1);
const dir = mkdtempSync(join(tmpdir(), 'store-multiprocess-'));
const schema = uniqueSchema('tl_multi');
const urls = { sqlite: `sqlite:${join(dir, 'shared.db')}`, postgres: `${PG_URL}?schema=${schema}` };

const sent: UsageEvent[] = [...sharedEvents(START)];
for (let w = 0; w < WORKERS; w++) sent.push(...workerEvents(w, PER_WORKER, START));

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas([schema]);
});

const QUERIES: AggregateQuery[] = [
  { filter: {}, groupBy: [] },
  { filter: {}, groupBy: ['model'] },
  { filter: {}, groupBy: ['agent', 'model'] },
  { filter: {}, groupBy: ['bucket'], interval: '1h' },
  {
    filter: { from: new Date(START + 5_000_000), to: new Date(START + 40 * 3_600_000 + 17) },
    groupBy: ['provider', 'status'],
  },
  { filter: { tags: { team: 'red' } }, groupBy: ['run'] },
  { filter: { agent: 'trader' }, groupBy: ['bucket'], interval: '1d' },
];

async function fill(url: string): Promise<number> {
  // The four workers also race to create and migrate the store on open.
  const outputs = await Promise.all(
    Array.from({ length: WORKERS }, (_, worker) =>
      runWorker({ url, mode: 'bulk', worker, count: PER_WORKER, batch: 250, startMs: START }),
    ),
  );
  return outputs.reduce((n, out) => n + Number(/done (\d+)/.exec(out)?.[1] ?? NaN), 0);
}

describe('many processes writing one store', () => {
  const answers: Record<string, unknown[]> = {};

  for (const kind of ['sqlite', 'postgres'] as const) {
    it(`${kind}: 4 x 25,000 events, nothing lost, nothing doubled`, async () => {
      const added = await fill(urls[kind]);
      const unique = WORKERS * PER_WORKER + 1000;
      expect(added).toBe(unique);
      const store: Store = await openStore(urls[kind]);
      try {
        const [total] = await store.aggregate({ filter: {}, groupBy: [] });
        const [expected] = referenceAggregate(sent, { filter: {}, groupBy: [] });
        expect(total?.calls).toBe(unique);
        for (const field of [
          'inputTokens',
          'outputTokens',
          'totalTokens',
          'cacheReadTokens',
          'costNanos',
          'costInputNanos',
          'providerCostNanos',
          'durationSumMs',
          'unpricedCalls',
        ] as const) {
          expect(total?.[field], field).toBe(expected?.[field]);
        }
        answers[kind] = [];
        for (const query of QUERIES) answers[kind].push(await store.aggregate(query));
      } finally {
        await store.close();
      }
    }, 240_000);
  }

  it('gives identical analytics answers on SQLite and PostgreSQL', () => {
    expect(answers['sqlite']).toBeDefined();
    expect(answers['postgres']).toEqual(answers['sqlite']);
    // Sums (not percentiles, which are histogram-approximated at this size) match the reference too.
    const withoutPercentiles = (rows: unknown): unknown =>
      (rows as Record<string, unknown>[]).map(({ duration: _d, ttft: _t, ...rest }) => rest);
    QUERIES.forEach((query, i) => {
      expect(withoutPercentiles(answers['sqlite']?.[i]), JSON.stringify(query)).toEqual(
        withoutPercentiles(referenceAggregate(sent, query)),
      );
    });
  });
});
