/**
 * Client benchmarks: batches against the mock provider (its own process, real loopback HTTP),
 * and rate-limiter accuracy. Each batch runs in a fresh process (bench/client-scenario.ts) so
 * its memory figures are its own; events go to a SQLite ledger in a temp dir.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { createRateLimiter } from '../src/client/index.js';

const exec = promisify(execFile);

async function startMock(latencyMs: number): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    'node',
    ['--import', 'tsx', 'test/helpers/mock-provider-main.ts', '--latency-ms', String(latencyMs)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n') && line !== undefined) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`mock exited ${String(code)}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

interface Scenario {
  elapsedMs: number;
  ok: number;
  failed: number;
  startRssMB: number;
  quartersRssMB: number[];
  peakRssMB: number;
}

async function scenario(
  latencyMs: number,
  calls: number,
  concurrency: number,
  store: 'sqlite' | 'memory' = 'sqlite',
): Promise<Scenario> {
  const mock = await startMock(latencyMs);
  const dir = await mkdtemp(join(tmpdir(), 'tl-bench-client-'));
  try {
    const { stdout } = await exec(
      'node',
      [
        '--import',
        'tsx',
        'bench/client-scenario.ts',
        mock.url,
        String(calls),
        String(concurrency),
        store === 'memory' ? 'memory:' : `sqlite:${join(dir, 'bench.db')}`,
      ],
      {
        maxBuffer: 1 << 20,
      },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Scenario;
  } finally {
    mock.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Grants per window, in-process limiter, real time, window scaled 10x (6 s stands for the minute). */
async function inProcessAccuracy(
  rpm: number,
  windowMs: number,
  windows: number,
): Promise<{ granted: number; maxInWindow: number }> {
  const limiter = createRateLimiter({ limits: [{ provider: 'p', rpm }], windowMs });
  const grants: number[] = [];
  const end = Date.now() + windowMs * windows;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      for (;;) {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), Math.max(0, end - Date.now()));
        try {
          const permit = await limiter.acquire({ provider: 'p', model: 'm' }, { signal: controller.signal });
          clearTimeout(timer);
          if (Date.now() >= end) return;
          grants.push(Date.now());
          permit.release();
        } catch {
          return;
        }
      }
    }),
  );
  await limiter.close();
  return {
    granted: grants.length,
    maxInWindow: maxInWindow(
      grants.sort((a, b) => a - b),
      windowMs,
    ),
  };
}

function maxInWindow(sorted: number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let index = 0; index < sorted.length; index++) {
    while ((sorted[index] ?? 0) - (sorted[start] ?? 0) >= windowMs) start++;
    best = Math.max(best, index - start + 1);
  }
  return best;
}

async function redisAccuracy(
  rpm: number,
  windowMs: number,
  windows: number,
): Promise<{ granted: number; maxInWindow: number }> {
  const prefix = `tl-bench-client-${randomBytes(4).toString('hex')}`;
  const startAt = Date.now() + 2500;
  const outputs = await Promise.all(
    Array.from({ length: 4 }, () =>
      exec('node', [
        '--import',
        'tsx',
        'test/client/redis-limiter-worker.ts',
        'redis://127.0.0.1:6379',
        prefix,
        String(rpm),
        String(windowMs),
        String(startAt),
        String(windowMs * windows),
      ]),
    ),
  );
  const grants = outputs.flatMap((output) => JSON.parse(output.stdout) as number[]).sort((a, b) => a - b);
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  return { granted: grants.length, maxInWindow: maxInWindow(grants, windowMs) };
}

export async function run(): Promise<string> {
  const lines: string[] = ['## Client', ''];
  const ideal = 5000;
  const row = (label: string, result: Scenario, idealMs?: number): string =>
    `| ${label} | ${result.ok} | ${(result.elapsedMs / 1000).toFixed(2)} s | ${idealMs === undefined ? '—' : `${(((result.elapsedMs - idealMs) / idealMs) * 100).toFixed(1)} %`} | ${Math.round((result.ok / result.elapsedMs) * 1000)} | ${result.startRssMB} MB | ${result.quartersRssMB.join(' / ')} MB | ${result.peakRssMB} MB |`;
  const paced = await scenario(100, 5000, 100);
  const pacedMemory = await scenario(100, 5000, 100, 'memory');
  lines.push(
    '### Batch against the mock provider (separate process, loopback HTTP)',
    '',
    'Each row is a fresh process; a warm-up of 2 x concurrency calls (connections, JIT) runs first, untimed. RSS is the whole client process (Node, SQLite, the ledger).',
    '',
    '| scenario | calls ok | elapsed | vs ideal | calls/s | RSS start | RSS at 25/50/75/100 % | peak RSS |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
    row('5,000 calls, concurrency 100, 100 ms latency, SQLite ledger (ideal 5.0 s)', paced, ideal),
    row('same, in-memory ledger (client alone)', pacedMemory, ideal),
  );
  const flood = await scenario(0, 100_000, 500);
  lines.push(row('100,000 calls, concurrency 500, 0 ms latency, SQLite ledger', flood), '');
  const rpm = 600;
  const windowMs = 6000;
  const windows = 2;
  const local = await inProcessAccuracy(rpm, windowMs, windows);
  const shared = await redisAccuracy(rpm, windowMs, windows);
  const idealGrants = rpm * windows;
  lines.push(
    `### Rate-limiter accuracy at ${rpm} requests/window (time scaled 10x: a ${windowMs / 1000} s window stands for the minute)`,
    '',
    '| limiter | granted over 2 windows (ideal 1,200) | deviation | most in any window (limit 600) |',
    '| --- | ---: | ---: | ---: |',
    `| in-process, 50 callers | ${local.granted} | ${(((local.granted - idealGrants) / idealGrants) * 100).toFixed(2)} % | ${local.maxInWindow} |`,
    `| Redis, 4 processes x 20 callers | ${shared.granted} | ${(((shared.granted - idealGrants) / idealGrants) * 100).toFixed(2)} % | ${shared.maxInWindow} |`,
  );
  return lines.join('\n');
}
