/**
 * Budget admission bench (issue 12: admission adds at most 0.3 ms p99 on the gateway with SQLite
 * or Redis counters, at most 3 ms p99 with PostgreSQL, measured side by side with budgets off in
 * one run). Seven `serve` processes against one mock provider: a SQLite ledger without budgets,
 * with budgets (counters in its file, as `serve` runs them) and with Redis counters; a
 * PostgreSQL ledger without and with budgets (counters in its schema); and a second server of
 * each ledger without budgets, a control that shows how far two identical servers differ. Two budgets
 * apply to every call (a day and a month, all or none), as a team's daily + monthly pair would.
 * One client calls them in turn (a JSON chat completion each), so drift and load hit them all
 * alike (each round starts one server later, so none always follows the same one); each figure is the gateway's own `x-tokenledger-overhead-ms` (its time, not the
 * mock's), and the added figure is a budgeted server's percentile minus its ledger's unbudgeted
 * one. Each budgeted server also answers calls that no budget applies to, in the same rounds:
 * the same-process figure, which two servers' difference does not blur.
 * `npm run bench -- budgets` (about four minutes). Each budgeted answer also carries the admission's own time (`x-tokenledger-budget-admission-ms`), reported beside: evidence from inside the server that the noise of two servers' tails does not blur.
 *
 * Env: BUDGETS_BENCH_CALLS (per server, default 3000: a p99 of 1,000 samples is their 10th largest, too few for a difference of tails), BUDGETS_BENCH_PG
 * (default postgres://$PGUSER@127.0.0.1:5432/test), BUDGETS_BENCH_REDIS (default redis://127.0.0.1:6379).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startMockProvider } from '../test/helpers/mock-provider.js';
import { spawnServe, type ServeProcess } from '../test/server/serve-process.js';
import { percentile } from './gateway-load.js';

const CALLS = Number(process.env['BUDGETS_BENCH_CALLS'] ?? 3000);
const WARMUP = 200;
const PG_URL =
  process.env['BUDGETS_BENCH_PG'] ??
  `postgres://${process.env['PGUSER'] ?? os.userInfo().username}@127.0.0.1:5432/test`;
const REDIS_URL = process.env['BUDGETS_BENCH_REDIS'] ?? 'redis://127.0.0.1:6379';

interface Setup {
  name: string;
  /** The unbudgeted setup this one is compared with. */
  baseline?: string;
  goalMs?: number;
  db: string;
  config: Record<string, unknown>;
}

interface Samples {
  overhead: number[];
  /** `x-tokenledger-budget-admission-ms` of budgeted answers: the admission's own time on the call's path, in the server. */
  admission: number[];
  client: number[];
  failed: number;
  /** Answers that named a budget (every call of a budgeted server must). */
  budgeted: number;
}

// max_tokens above the mock's answer (363 output tokens), as a provider never outputs more than
// asked: with less, every call settled above its hold and took the overshoot path (a warning
// logged, the counters read again) that real calls with max_tokens never take.
const BODY = JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 400, messages: [{ role: 'user', content: 'hi' }] });

/** The agent both budgets apply to; calls as FREE_AGENT meet none (the same-process comparison). */
const AGENT = 'bench';
const FREE_AGENT = 'unbudgeted';

async function call(url: string, into: Samples | undefined, agent = AGENT): Promise<void> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tokenledger-agent': agent },
    body: BODY,
  });
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  if (into === undefined) return;
  if (response.status !== 200) into.failed++;
  if (response.headers.get('x-tokenledger-budget-name') !== null) into.budgeted++;
  const admission = response.headers.get('x-tokenledger-budget-admission-ms');
  if (admission !== null) into.admission.push(Number(admission));
  into.client.push(elapsed);
  into.overhead.push(Number(response.headers.get('x-tokenledger-overhead-ms')));
}

const ms = (value: number) => value.toFixed(3);

const FLOOR_SAMPLES = 300;
const IDLE_MS = 20;

/**
 * The least one round trip to a counter store costs on this machine: a Redis PING (raw, on a
 * socket: no client library) and a PostgreSQL `SELECT 1`, timed back to back and after
 * IDLE_MS idle, as each server is between its calls in the rounds (p50 / p99, ms). Admission
 * with Redis or PostgreSQL counters makes one such round trip to a store that was idle too.
 */
async function roundTripFloor(): Promise<Record<'redis' | 'postgres', { busy: string; idle: string }>> {
  const time = async (once: () => Promise<unknown>) => {
    const out: Record<'busy' | 'idle', string> = { busy: '', idle: '' };
    for (const mode of ['busy', 'idle'] as const) {
      const samples: number[] = [];
      for (let i = 0; i < FLOOR_SAMPLES + 20; i++) {
        if (mode === 'idle') await new Promise((done) => setTimeout(done, IDLE_MS));
        const started = performance.now();
        await once();
        if (i >= 20) samples.push(performance.now() - started);
      }
      out[mode] = `${ms(percentile(samples, 50))} / ${ms(percentile(samples, 99))}`;
    }
    return out;
  };
  const where = new URL(REDIS_URL);
  const socket = net.connect(Number(where.port || 6379), where.hostname);
  socket.setNoDelay(true);
  await new Promise((done, fail) => socket.once('connect', done).once('error', fail));
  const redis = await time(
    () =>
      new Promise<void>((done) => {
        socket.once('data', () => done());
        socket.write('PING\r\n');
      }),
  );
  socket.destroy();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return { redis, postgres: await time(() => client.query({ name: 'floor', text: 'SELECT 1' })) };
  } finally {
    await client.end();
  }
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tl-bench-budgets-'));
  const mock = await startMockProvider({ maxLoggedRequests: 10 });
  const tag = randomUUID().slice(0, 8);
  const schemas = [`bench_budgets_off_${tag}`, `bench_budgets_on_${tag}`, `bench_budgets_off2_${tag}`];
  // Fresh names: counters of another run (or of the tests, in the shared Redis) never mix in.
  const budgets = [
    { name: `bench-day-${tag}`, capUsd: 1_000_000, window: 'day', scope: { agent: AGENT } },
    { name: `bench-month-${tag}`, capUsd: 10_000_000, window: 'month', scope: { agent: AGENT } },
  ];
  const sqlite = (file: string) => `sqlite:${join(dir, file)}`;
  const postgres = (schema: string) => `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`;
  const setups: Setup[] = [
    { name: 'SQLite ledger, budgets off', db: sqlite('off.db'), config: {} },
    {
      name: 'control: a second SQLite ledger, budgets off',
      baseline: 'SQLite ledger, budgets off',
      db: sqlite('off-2.db'),
      config: {},
    },
    {
      name: 'SQLite counters',
      baseline: 'SQLite ledger, budgets off',
      goalMs: 0.3,
      db: sqlite('on.db'),
      config: { budgets },
    },
    {
      name: 'Redis counters (SQLite ledger)',
      baseline: 'SQLite ledger, budgets off',
      goalMs: 0.3,
      db: sqlite('redis.db'),
      config: { budgets, redis: REDIS_URL },
    },
    { name: 'PostgreSQL ledger, budgets off', db: postgres(schemas[0] ?? ''), config: {} },
    {
      name: 'control: a second PostgreSQL ledger, budgets off',
      baseline: 'PostgreSQL ledger, budgets off',
      db: postgres(schemas[2] ?? ''),
      config: {},
    },
    {
      name: 'PostgreSQL counters',
      baseline: 'PostgreSQL ledger, budgets off',
      goalMs: 3,
      db: postgres(schemas[1] ?? ''),
      config: { budgets },
    },
  ];
  const load = () =>
    os
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(' / ');
  const loadBefore = load();
  const serves: ServeProcess[] = [];
  try {
    for (const [index, setup] of setups.entries()) {
      const path = join(dir, `config-${index}.json`);
      writeFileSync(path, JSON.stringify(setup.config));
      serves.push(
        await spawnServe(['--port', '0', '--db', setup.db, '--config', path], {
          OPENAI_BASE_URL: `${mock.url}/v1`,
          OPENAI_API_KEY: 'sk-bench',
        }),
      );
    }
    const empty = (): Samples => ({ overhead: [], admission: [], client: [], failed: 0, budgeted: 0 });
    const samples = setups.map(empty);
    // A budgeted server's calls that no budget applies to, in the same rounds: the same process's
    // figure without admission, free of what two servers differ by.
    const free = setups.map(empty);
    // In turn, one call at a time: each server sees the same machine at nearly the same moment.
    // Each round starts one server later: none always runs right after the same neighbour (a
    // PostgreSQL server's commit still flushing, say).
    for (let round = 0; round < WARMUP + CALLS; round++) {
      for (let step = 0; step < serves.length; step++) {
        const index = (round + step) % serves.length;
        const url = (serves[index] as ServeProcess).url;
        const into = (which: Samples[]) => (round < WARMUP ? undefined : which[index]);
        if (setups[index]?.goalMs === undefined) {
          await call(url, into(samples));
          continue;
        }
        // Budgeted and free calls take turns at going first.
        if (round % 2 === 0) await call(url, into(free), FREE_AGENT);
        await call(url, into(samples));
        if (round % 2 === 1) await call(url, into(free), FREE_AGENT);
      }
    }
    const loadAfter = load();
    const floor = await roundTripFloor();
    const byName = new Map(setups.map((setup, index) => [setup.name, samples[index] as Samples]));
    const rows = setups.map((setup, index) => {
      const own = samples[index] as Samples;
      const cells = [50, 99].map((p) => ms(percentile(own.overhead, p)));
      const base = setup.baseline === undefined ? undefined : byName.get(setup.baseline);
      const added =
        base === undefined
          ? ['-', '-']
          : [50, 99].map((p) => ms(percentile(own.overhead, p) - percentile(base.overhead, p)));
      const addedP99 = base === undefined ? Number.NaN : percentile(own.overhead, 99) - percentile(base.overhead, 99);
      const verdict = (p99: number) => (p99 <= (setup.goalMs ?? 0) ? 'met' : 'not met');
      const unbudgeted = free[index] as Samples;
      const paired =
        setup.goalMs === undefined
          ? undefined
          : [50, 99].map((p) => percentile(own.overhead, p) - percentile(unbudgeted.overhead, p));
      const goal =
        setup.goalMs === undefined
          ? '-'
          : `<= ${setup.goalMs} ms p99: beside the other server ${verdict(addedP99)}; in the same server ${verdict(paired?.[1] ?? Number.NaN)}`;
      const samePaired = paired === undefined ? '-' : `${ms(paired[0] ?? 0)} / **${ms(paired[1] ?? 0)}**`;
      const client = [50, 99].map((p) => ms(percentile(own.client, p)));
      const admission =
        own.admission.length === 0 ? '-' : [50, 99].map((p) => ms(percentile(own.admission, p))).join(' / ');
      const checks = `${own.failed} failed${setup.goalMs === undefined ? '' : `, ${own.budgeted} of ${own.client.length} named a budget`}`;
      return `| ${setup.name} | ${cells.join(' / ')} | ${added.map((cell, i) => (i === 1 ? `**${cell}**` : cell)).join(' / ')} | ${samePaired} | ${admission} | ${client.join(' / ')} | ${goal} | ${checks} |`;
    });
    return [
      '## Budget admission',
      '',
      `The gateway's own time per call (\`x-tokenledger-overhead-ms\`) with budgets off and on, ${setups.length} \`serve\` processes (source through tsx) against the mock provider on 127.0.0.1, called in turn by one client, ${CALLS} JSON chat completions each (max_tokens 400, above the mock's 363 output tokens) after ${WARMUP} warm-up rounds; two budgets (a day and a month) apply to every call of agent \`${AGENT}\`. "Added, beside the unbudgeted server" is a server's percentile minus that of its ledger without budgets (SQLite for SQLite and Redis counters, PostgreSQL for PostgreSQL). The control rows are a second server of each ledger without budgets, compared the same way: their "added" is what two identical servers differ by in this run, the noise that column's figures carry. "Added, in the same server": each budgeted server also answers, in the same rounds and taking turns at going first, ${CALLS} calls of agent \`${FREE_AGENT}\`, which no budget applies to (its guard finds none and answers at once); the budgeted calls' percentile minus those calls' percentile, in one process, so that none of two servers' difference is in it. "Admission in-process" is other evidence, not the side-by-side figure: each budgeted answer's \`x-tokenledger-budget-admission-ms\`, the time from the gateway asking its guard to going on with the call (plan, the counters' round trip, the event loop's wait for the answer), measured inside the server on the same calls, so it carries none of the two servers' difference; without budgets no budget applies and the guard answers at once (no header). ms. Load average (1 / 5 / 15 min) ${loadBefore} before, ${loadAfter} after, on ${os.cpus().length} cores.`,
      '',
      '| setup | overhead p50 / p99 | added p50 / p99, beside the unbudgeted server | added p50 / p99, in the same server | admission in-process p50 / p99 | client round trip p50 / p99 | goal | checks |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `One round trip from this process, after the rounds (p50 / p99, ms; ${FLOOR_SAMPLES} each): Redis PING on a raw socket ${floor.redis.busy} back to back, ${floor.redis.idle} after ${IDLE_MS} ms idle; PostgreSQL \`SELECT 1\` ${floor.postgres.busy} back to back, ${floor.postgres.idle} after ${IDLE_MS} ms idle. Each server in the rounds is idle about that long between its calls, and so are the stores: an admission with Redis or PostgreSQL counters makes one round trip to an idle store, which costs at least the idle figure before the counters do anything.`,
    ].join('\n');
  } finally {
    for (const serve of serves) serve.child.kill('SIGTERM');
    await Promise.all(serves.map((serve) => serve.exited));
    await mock.close();
    const client = new pg.Client({ connectionString: PG_URL });
    try {
      await client.connect();
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  console.log(await run());
}
