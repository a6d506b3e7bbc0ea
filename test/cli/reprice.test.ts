/**
 * `tokenledger reprice` end to end, on SQLite and PostgreSQL: calls imported with the bundled
 * prices, then a config whose overrides change gpt-4o's. The dry run prints the deltas computed
 * here by hand and writes nothing; the real run leaves `report --format json` (summary, per
 * model, per agent: the rollups) equal to a fresh `import` of the same file with the new prices.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const PG_URL = process.env.TOKENLEDGER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const dir = mkdtempSync(join(tmpdir(), 'tl-reprice-'));
const schema = `tl_cli_reprice_${process.pid}`;

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const client = new pg.Client(PG_URL);
  await client.connect();
  for (const name of ['old', 'fresh']) await client.query(`drop schema if exists "${schema}_${name}" cascade`);
  await client.end();
});

const LINES = [
  {
    id: 'c1',
    time: '2026-11-30T08:00:00Z',
    provider: 'openai',
    model: 'gpt-4o',
    agent: 'indicator_agent',
    run: 'AAPL',
    usage: { inputTokens: 10_000, outputTokens: 1_000 },
  },
  {
    id: 'c2',
    time: '2026-11-30T09:00:00Z',
    provider: 'openai',
    model: 'gpt-4o',
    agent: 'risk_agent',
    run: 'MSFT',
    usage: { inputTokens: 4_000, cacheReadTokens: 2_000, outputTokens: 500 },
  },
  {
    id: 'c3',
    time: '2026-11-30T09:30:00Z',
    provider: 'openai',
    model: 'gpt-4o-mini',
    agent: 'risk_agent',
    run: 'AAPL',
    usage: { inputTokens: 1_000, outputTokens: 100 },
  },
];
const calls = join(dir, 'calls.ndjson');
writeFileSync(calls, `${LINES.map((line) => JSON.stringify(line)).join('\n')}\n`);
const config = join(dir, 'tokenledger.config.json');
writeFileSync(
  config,
  JSON.stringify({ prices: [{ provider: 'openai', model: 'gpt-4o', input: 4, cacheRead: 2, output: 16 }] }),
);

// By hand (USD): bundled gpt-4o 2.50 in, 1.25 cached, 10 out; new 4 / 2 / 16.
// c1: old 10,000 x 2.5 + 1,000 x 10 = 0.035; new 10,000 x 4 + 1,000 x 16 = 0.056.
// c2: old 2,000 x 2.5 + 2,000 x 1.25 + 500 x 10 = 0.0125; new 2,000 x 4 + 2,000 x 2 + 500 x 16 = 0.02.
const DRY_RUN = `provider  model   calls      old     new  difference
openai    gpt-4o      2  $0.0475  $0.076    +$0.0285

agent            calls      old     new  difference
indicator_agent      1   $0.035  $0.056     +$0.021
risk_agent           1  $0.0125   $0.02    +$0.0075

run   calls      old     new  difference
AAPL      1   $0.035  $0.056     +$0.021
MSFT      1  $0.0125   $0.02    +$0.0075

total  calls      old     new  difference
           2  $0.0475  $0.076    +$0.0285

dry run: 2 of 3 events would be re-priced; nothing written
`;

const ledgers = {
  sqlite: (name: string) => `sqlite:${join(dir, `${name}.db`)}`,
  postgres: (name: string) => `${PG_URL}?schema=${schema}_${name}`,
};

describe.each(Object.entries(ledgers))('tokenledger reprice on %s', (_kind, url) => {
  it('dry run: the deltas by hand, nothing written; real run: the report equals a fresh import with the new prices', async () => {
    const old = url('old');
    const fresh = url('fresh');
    expect((await runCli(['import', calls, '--db', old])).code).toBe(0);
    expect((await runCli(['import', calls, '--db', fresh, '-c', config])).code).toBe(0);
    // Summary, per model and per agent (read from the rollups).
    const report = async (db: string) =>
      JSON.parse((await runCli(['report', '--db', db, '--format', 'json'])).stdout) as unknown;
    const before = await report(old);

    const dry = await runCli(['reprice', '--dry-run', '--db', old, '-c', config]);
    // Off a terminal: plain lines, no carriage return.
    expect(dry.stderr).toMatch(/^(3\/3 read, 2 changed, 0 written \| [\d,]+ events\/s\n)+$/);
    expect(dry.stdout).toBe(DRY_RUN);
    expect([dry.code, await report(old)]).toEqual([0, before]);

    const real = await runCli(['reprice', '--db', old, '-c', config, '--batch', '2']);
    expect([real.code, real.stdout.split('\n\n').at(-1)]).toEqual([0, 're-priced 2 of 3 events\n']);
    const after = await report(old);
    expect(after).toEqual(await report(fresh));
    expect(after).not.toEqual(before);

    const again = await runCli(['reprice', '--db', old, '-c', config]);
    expect(again.stdout).toBe('re-priced 0 of 3 events\n');
  }, 240_000);
});
