/**
 * The acceptance: NDJSON imported with `tokenledger import`, then `tokenledger report
 * --format json`; the numbers equal those computed here, independently, from the file
 * (tokens, cost from the published list prices, calls, success rate, p50/p95 latency per
 * model and per agent), on SQLite and on PostgreSQL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentStats, ModelStats } from '#src/types/index.js';
import { runCli } from './run-cli.js';

const PG_URL = process.env.TOKENLEDGER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const dir = mkdtempSync(join(tmpdir(), 'tl-import-'));
const schema = `tl_cli_import_${process.pid}`;

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const client = new pg.Client(PG_URL);
  await client.connect();
  await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
});

/** USD per 1M tokens, from the providers' pricing pages (not from tokenledger's catalog). */
const LIST_PRICES: Record<
  string,
  { provider: string; input: number; cacheRead: number; cacheWrite: number; output: number }
> = {
  'gpt-4o': { provider: 'openai', input: 2.5, cacheRead: 1.25, cacheWrite: 2.5, output: 10 },
  'gpt-4o-mini': { provider: 'openai', input: 0.15, cacheRead: 0.075, cacheWrite: 0.15, output: 0.6 },
  'claude-sonnet-4-5': { provider: 'anthropic', input: 3, cacheRead: 0.3, cacheWrite: 3.75, output: 15 },
};
const MODELS = Object.keys(LIST_PRICES);
const AGENTS = ['indicator_agent', 'volume_agent', 'sector_agent', 'risk_agent'];

/** Deterministic PRNG (mulberry32) so the file is the same on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Line {
  provider: string;
  model: string;
  agent: string;
  run: string;
  time: string;
  durationMs: number;
  status: 'ok' | 'error';
  usage?: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };
  error?: { type: string; status: number; message: string };
  tags: Record<string, string>;
}

function generate(count: number): Line[] {
  const random = rng(42);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const lines: Line[] = [];
  for (let i = 0; i < count; i++) {
    const model = MODELS[int(0, MODELS.length - 1)] ?? 'gpt-4o';
    const line: Line = {
      provider: LIST_PRICES[model]?.provider ?? 'openai',
      model,
      agent: AGENTS[int(0, AGENTS.length - 1)] ?? 'a',
      run: `run-${int(1, 3)}`,
      time: new Date(Date.UTC(2025, 5, 1) + i * 1000 + int(0, 999)).toISOString(),
      durationMs: int(100, 5000),
      status: random() < 0.1 ? 'error' : 'ok',
      tags: { team: int(0, 1) === 0 ? 'research' : 'ops' },
    };
    if (line.status === 'error') {
      line.error = { type: 'RateLimitError', status: 429, message: 'rate limited' };
    } else {
      const input = int(100, 5000);
      const cacheRead = int(0, Math.floor(input / 2));
      const cacheWrite = model.startsWith('claude') ? int(0, Math.floor((input - cacheRead) / 2)) : 0;
      line.usage = {
        inputTokens: input,
        outputTokens: int(10, 2000),
        cacheReadTokens: cacheRead,
        cacheWriteTokens: cacheWrite,
      };
    }
    lines.push(line);
  }
  return lines;
}

/** Nearest rank: the value at rank ceil(p/100 * n) of the sorted values. */
function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1] ?? Number.NaN;
}

function expectedFor(lines: Line[]) {
  let costNanos = 0;
  let input = 0;
  let output = 0;
  for (const line of lines) {
    if (line.usage === undefined) continue;
    const price = LIST_PRICES[line.model];
    if (price === undefined) throw new Error(line.model);
    const u = line.usage;
    const uncached = u.inputTokens - u.cacheReadTokens - u.cacheWriteTokens;
    // per part, in nano-dollars: tokens x USD per 1M x 1000
    costNanos +=
      Math.round(uncached * price.input * 1000) +
      Math.round(u.cacheReadTokens * price.cacheRead * 1000) +
      Math.round(u.cacheWriteTokens * price.cacheWrite * 1000) +
      Math.round(u.outputTokens * price.output * 1000);
    input += u.inputTokens;
    output += u.outputTokens;
  }
  const successes = lines.filter((l) => l.status === 'ok').length;
  const durations = lines.map((l) => l.durationMs);
  return {
    calls: lines.length,
    successRate: successes / lines.length,
    input,
    output,
    total: input + output,
    costNanos,
    p50: nearestRank(durations, 50),
    p95: nearestRank(durations, 95),
  };
}

const GOOD = generate(400);
/** Bad lines and where they go (1-based line numbers in the final file). */
const BAD: [number, string, string][] = [
  [
    5,
    JSON.stringify({ provider: 'openai', model: 'gpt-4o', usage: { inputTokens: -5, outputTokens: 1 } }),
    'usage.inputTokens: must be an integer from 0 to 1000000000000',
  ],
  [50, JSON.stringify({ provider: 'openai', model: 'gpt-4o', status: 'pending' }), "status: must be 'ok' or 'error'"],
  [
    120,
    JSON.stringify({ provider: 'openai', model: 'gpt-4o', time: 'not-a-time' }),
    'time: must be an ISO-8601 time, a Date or epoch milliseconds',
  ],
  [
    200,
    JSON.stringify({ provider: 'openai', model: 'gpt-4o', tags: { note: 'x'.repeat(300) } }),
    'tags.note: must be at most 256 characters',
  ],
  [250, '{"provider": "openai", "model": ', 'invalid JSON'],
  [
    300,
    JSON.stringify({ provider: 'openai', model: 'gpt-4o', usage: { outputTokens: 'many' } }),
    'usage.outputTokens: must be an integer from 0 to 1000000000000',
  ],
];

function fileText(): string {
  const rows = GOOD.map((line) => JSON.stringify(line));
  for (const [lineNumber, text] of BAD) rows.splice(lineNumber - 1, 0, text);
  return `${rows.join('\n')}\n`;
}

const FILE = join(dir, 'events.ndjson');
writeFileSync(FILE, fileText());

describe.each([
  ['sqlite', `sqlite:${join(dir, 'ledger.db')}`],
  ['postgres', `${PG_URL}?schema=${schema}`],
])('import then report on %s', (_kind, db) => {
  it('records the good lines and names each rejected one by line number and field', async () => {
    const result = await runCli(['import', FILE, '--db', db]);
    // Only progress lines (no terminal here: plain ones), nothing else.
    expect(result.stderr).toMatch(
      /^([\d,]+ lines read, [\d,]+ recorded, [\d,]+ duplicates, [\d,]+ rejected \| [\d,]+ lines\/s\n)+$/,
    );
    expect(result.code).toBe(2); // some lines rejected, the rest recorded
    const out = result.stdout.trim().split('\n');
    expect(out[0]).toBe(`recorded ${GOOD.length}, duplicates 0, rejected ${BAD.length}`);
    expect(out.slice(1).map((line) => line.slice(0, line.indexOf(':')))).toEqual(BAD.map(([n]) => `line ${n}`));
    for (const [i, [n, , reason]] of BAD.entries()) expect(out[i + 1]).toContain(`line ${n}: ${reason}`);
  });

  it('report --by model --format json equals the independent computation', async () => {
    const result = await runCli(['report', '--db', db, '--by', 'model', '--format', 'json']);
    expect(result.code).toBe(0);
    const models = JSON.parse(result.stdout) as ModelStats[];
    expect(models.map((m) => m.model).sort()).toEqual([...MODELS].sort());
    for (const model of MODELS) {
      const got = models.find((m) => m.model === model);
      const want = expectedFor(GOOD.filter((l) => l.model === model));
      expect(got?.calls).toBe(want.calls);
      expect(got?.successRate).toBeCloseTo(want.successRate, 12);
      expect(got?.tokens).toMatchObject({ input: want.input, output: want.output, total: want.total });
      expect(got?.cost.totalNanos).toBe(want.costNanos);
      expect(got?.cost.total).toBeCloseTo(want.costNanos / 1e9, 12);
      expect([got?.latency.p50Ms, got?.latency.p95Ms]).toEqual([want.p50, want.p95]);
      expect(got?.agents.slice().sort()).toEqual(
        [...new Set(GOOD.filter((l) => l.model === model).map((l) => l.agent))].sort(),
      );
    }
  });

  it('report --by agent --format json equals the independent computation', async () => {
    const result = await runCli(['report', '--db', db, '--by', 'agent', '--format', 'json']);
    expect(result.code).toBe(0);
    const agents = JSON.parse(result.stdout) as AgentStats[];
    expect(agents).toHaveLength(AGENTS.length);
    for (const agent of AGENTS) {
      const got = agents.find((a) => a.agent === agent);
      const want = expectedFor(GOOD.filter((l) => l.agent === agent));
      expect(got?.calls).toBe(want.calls);
      expect(got?.successRate).toBeCloseTo(want.successRate, 12);
      expect(got?.tokens).toMatchObject({ input: want.input, output: want.output, total: want.total });
      expect(got?.cost.totalNanos).toBe(want.costNanos);
      expect([got?.latency.p50Ms, got?.latency.p95Ms]).toEqual([want.p50, want.p95]);
    }
  });

  it('re-importing counts lines already stored (and ids repeated in the input) as duplicates, exactly, and doubles nothing', async () => {
    const withIds = GOOD.slice(0, 20).map((line, i) => JSON.stringify({ ...line, id: `dup-${i}`, run: 'dups' }));
    const path = join(dir, `dups-${_kind}.ndjson`);
    writeFileSync(path, withIds.join('\n'));
    expect((await runCli(['import', path, '--db', db])).stdout).toBe('recorded 20, duplicates 0, rejected 0\n');
    // Again, with 5 new lines and 3 lines repeating an id of the same input: counted exactly.
    const more = [
      ...withIds,
      ...withIds.slice(0, 3),
      ...GOOD.slice(20, 25).map((line, i) => JSON.stringify({ ...line, id: `new-${i}`, run: 'dups' })),
    ];
    const again = await runCli(['import', '-', '--db', db], { input: more.join('\n') });
    expect(again).toMatchObject({ code: 0, stdout: 'recorded 5, duplicates 23, rejected 0\n' });
    const report = JSON.parse((await runCli(['report', '--db', db, '--run', 'dups', '--format', 'json'])).stdout) as {
      summary: { calls: number };
    };
    expect(report.summary.calls).toBe(25);
  });
});

describe('import and the dead-letter table', () => {
  it('a line the store refuses for good is dead-lettered and named with its line; the others are recorded (exit 2)', async () => {
    const file = join(dir, 'poison.db');
    const { openStore } = await import('#src/store/index.js');
    await (await openStore(`sqlite:${file}`)).close();
    const Database = (await import('better-sqlite3')).default;
    const admin = new Database(file);
    admin.exec(
      "CREATE TRIGGER no_poison BEFORE INSERT ON events WHEN NEW.id LIKE 'poison%' BEGIN SELECT RAISE(ABORT, 'no_poison'); END",
    );
    admin.close();
    const line = (id: string) =>
      JSON.stringify({ id, provider: 'openai', model: 'gpt-4o-mini', usage: { inputTokens: 3, outputTokens: 1 } });
    const input = [line('p-1'), '{"provider": 1}', line('poison-1'), line('p-2')].join('\n');
    const result = await runCli(['import', '-', '--db', `sqlite:${file}`], { input });
    expect(result.code).toBe(2);
    const out = result.stdout.trim().split('\n');
    expect(out[0]).toBe('recorded 2, duplicates 0, rejected 2, dead-lettered 1');
    expect(out[1]).toMatch(/^line 2: /);
    expect(out[2]).toMatch(/^line 3: dead-lettered by the store: SQLite insert refused the data .*no_poison/);
    expect((await runCli(['dead-letters', '--db', `sqlite:${file}`, '--count'])).stdout).toBe('1\n');
  });
});

describe('import errors', () => {
  it('an unreadable file is one clear stderr line and exit 1', async () => {
    const result = await runCli(['import', join(dir, 'missing.ndjson'), '--db', 'memory:']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^tokenledger import: cannot read .*missing\.ndjson: ENOENT\n$/);
  });
});
