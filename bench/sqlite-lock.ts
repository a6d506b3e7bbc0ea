/**
 * Gateway and `/healthz` latency of `serve` on SQLite while another process holds the write
 * lock for 10 s (`BEGIN IMMEDIATE`, as `tokenledger import` does), beside the same load with no
 * lock in the same run (issue 9: gateway p99 < 50 ms under the lock). The store runs in a worker
 * thread; the test suite runs the same for 3 s (test/server/sqlite-lock.test.ts).
 * `npm run bench -- sqlite-lock` (about 40 s).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockProvider } from '../test/helpers/mock-provider.js';
import { spawnServe, type ServeProcess } from '../test/server/serve-process.js';
import { gatewayCall, ms, percentile } from './gateway-load.js';

const LOCK_MS = 10_000;
const CLIENTS = 4;

interface Phase {
  calls: number[];
  failed: number;
  health: number[];
  /** /healthz answers that were not 200 `ok`, by status and degraded conditions (`degraded: store_failing`). */
  healthNotOk: Map<string, number>;
}

/** CLIENTS gateway clients one call after another, and /healthz every 100 ms, for `seconds`. */
async function measure(serve: ServeProcess, label: string, seconds: number): Promise<Phase> {
  const phase: Phase = { calls: [], failed: 0, health: [], healthNotOk: new Map() };
  const until = performance.now() + seconds * 1000;
  const client = async (c: number): Promise<void> => {
    for (let n = 0; performance.now() < until; n++) {
      const call = await gatewayCall(serve.url, `${label}-${c}-${n}`, false);
      phase.calls.push(call.ms);
      if (!call.ok) phase.failed++;
    }
  };
  const health = async (): Promise<void> => {
    while (performance.now() < until) {
      const started = performance.now();
      const response = await fetch(`${serve.url}/healthz`);
      const body = (await response.json()) as { status: string; degraded: { condition: string }[] };
      phase.health.push(performance.now() - started);
      if (response.status !== 200 || body.status !== 'ok') {
        const key = `${response.status} ${body.status}: ${body.degraded.map((d) => d.condition).join(', ')}`;
        phase.healthNotOk.set(key, (phase.healthNotOk.get(key) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await Promise.all([...Array.from({ length: CLIENTS }, (_, c) => client(c)), health()]);
  return phase;
}

async function spoolPending(serve: ServeProcess): Promise<number> {
  const health = (await (await fetch(`${serve.url}/healthz`)).json()) as { ledger: { spool: { pending: number } } };
  return health.ledger.spool.pending;
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tl-bench-lock-'));
  const mock = await startMockProvider();
  const load = os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ');
  const file = join(dir, 'lock.db');
  const serve = await spawnServe(['--port', '0', '--db', `sqlite:${file}`], {
    OPENAI_BASE_URL: `${mock.url}/v1`,
    OPENAI_API_KEY: 'sk-test',
  });
  try {
    await measure(serve, 'warm', 2);
    const unlocked = await measure(serve, 'unlocked', (LOCK_MS - 500) / 1000);
    const script = `const Database = require('better-sqlite3'); const db = new Database(${JSON.stringify(file)});
db.exec('BEGIN IMMEDIATE'); process.stdout.write('locked\\n'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${LOCK_MS});`;
    const holder = spawn(process.execPath, ['-e', script], { cwd: process.cwd() });
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', () => resolve());
      // A holder that could not take the lock must end the bench, not hang it.
      holder.once('exit', (code) =>
        reject(new Error(`the lock holder exited (${String(code)}) before it held the lock`)),
      );
    });
    const locked = await measure(serve, 'locked', (LOCK_MS - 500) / 1000);
    const backlog = await spoolPending(serve);
    await new Promise((resolve) => holder.once('exit', resolve));
    const releasedAt = performance.now();
    while ((await spoolPending(serve)) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const drainedMs = performance.now() - releasedAt;
    const row = (name: string, phase: Phase): string =>
      `| ${name} | ${phase.calls.length.toLocaleString('en-US')} | ${phase.failed} | ${ms(percentile(phase.calls, 50))} | ${ms(percentile(phase.calls, 99))} | ${ms(Math.max(...phase.calls))} | ${phase.health.length} | ${[...phase.healthNotOk].map(([key, n]) => `${n} ${key}`).join('; ') || 0} | ${ms(percentile(phase.health, 99))} | ${ms(Math.max(...phase.health))} |`;
    return `## SQLite write lock held by another process

Load average ${load} at start (other work shares the cores: latencies are upper bounds). \`serve\`
runs from source (tsx) with its SQLite store in a worker thread (\`sqliteBusyTimeoutMs\` 5 s);
${CLIENTS} gateway clients (JSON, one call after another each) and \`/healthz\` every 100 ms, first
without a lock, then while another process holds the write lock for 10 s (\`BEGIN IMMEDIATE\`).
The mock provider answers recorded responses on loopback, in the bench process.

| phase | gateway calls | not 200 | p50 ms | p99 ms | max ms | /healthz | not \`ok\` | /healthz p99 ms | /healthz max ms |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${row('no lock', unlocked)}
${row('another process holds the write lock', locked)}

Goal (issue 9): gateway p99 < 50 ms while the lock is held: ${ms(percentile(locked.calls, 99))} ms, ${percentile(locked.calls, 99) < 50 ? 'met' : 'not met'} in this run; without the lock, same run: ${ms(percentile(unlocked.calls, 99))} ms (while the lock is held the store writes nothing, so that phase does less work).
Calls answered during the lock waiting in the spool at its end: ${backlog.toLocaleString('en-US')}; all stored ${ms(drainedMs)} ms after it was released.
A lock held past the busy timeout is reported: \`/healthz\` is \`degraded\` (\`store_failing\`) from then on
until the spool drains.`;
  } finally {
    serve.child.kill('SIGTERM');
    await serve.exited;
    await mock.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
