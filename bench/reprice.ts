/**
 * Re-pricing benchmark (issue 14): 1M stored events priced again with the current price data
 * (`repriceEvents`, as `tokenledger reprice` runs it: keyset batches of 1,000, each written in one
 * transaction with its price history rows and rollup corrections), on SQLite and PostgreSQL.
 * The events are generated in the database as the store bench generates them (random costs that
 * no price matches, no price source), so the run re-prices nearly every event (those of models the
 * catalog has). One run per store keeps the bench short; that a second run writes nothing is a
 * test (test/ledger/reprice.test.ts), not a figure.
 *
 *   npm run bench -- reprice
 *   BENCH_REPRICE_EVENTS=200000 npm run bench -- reprice
 */
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { repriceEvents, type RepriceReport } from '../src/ledger/index.js';
import { createPricer } from '../src/pricing/index.js';
import type { Store } from '../src/store/index.js';
import { DATA, dropSchema, fillPostgres, fillSqlite } from './store.js';

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

interface Pass {
  report: RepriceReport;
  seconds: number;
}

async function pass(store: Store): Promise<Pass> {
  const started = performance.now();
  const report = await repriceEvents({ store, pricer: createPricer() });
  return { report, seconds: (performance.now() - started) / 1000 };
}

function row(kind: string, { report, seconds }: Pass, fillSeconds: number | undefined): string {
  const fill = fillSeconds === undefined ? 'n/a' : fmt(fillSeconds);
  return `| ${kind} | ${fmt(report.read)} | ${fmt(report.written)} | ${fmt(seconds)} | ${fmt(report.read / seconds)} | ${fill} |`;
}

export async function run(): Promise<string> {
  const fromEnv = Number(process.env['BENCH_REPRICE_EVENTS']);
  const n = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 1_000_000;
  const lines = [
    '## Re-pricing',
    '',
    `${fmt(n)} stored events (5 models, 30 days, generated in the database), priced again with the bundled catalog by \`repriceEvents\` (batches of 1,000: read by keyset, priced, written with price history and rollup corrections in one transaction). Load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} at start.`,
    '',
    '| store | events read | events written | seconds | events/s (read) | generated in (s) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  mkdirSync(DATA, { recursive: true });
  const path = join(DATA, `reprice-${process.pid}.db`);
  const schema = `tl_bench_reprice_${process.pid}`;
  const removeFile = () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  };
  try {
    for (const kind of ['SQLite', 'PostgreSQL'] as const) {
      const { store, fillSeconds } = kind === 'SQLite' ? await fillSqlite(path, n) : await fillPostgres(schema, n);
      process.stderr.write(`bench reprice: ${kind} ${n} generated in ${fillSeconds?.toFixed(0) ?? '?'} s\n`);
      try {
        const first = await pass(store);
        process.stderr.write(`bench reprice: ${kind} ${first.seconds.toFixed(0)} s\n`);
        lines.push(row(kind, first, fillSeconds));
      } finally {
        await store.close();
      }
    }
  } finally {
    removeFile();
    await dropSchema(schema);
  }
  lines.push('');
  return lines.join('\n');
}
