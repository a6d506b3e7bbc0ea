/**
 * Ledger benchmark: what `record()` adds to a call. Per store (memory, SQLite temp file in WAL
 * mode, PostgreSQL), sequential `record()` latency p50/p99 (each awaited: the event is durable
 * when it resolves), concurrent throughput (64 callers: group commit coalesces their writes),
 * and the parts: validation + normalization + pricing alone, and a bare no-op async call.
 *
 * `npx tsx bench/ledger.ts` prints the section; `npm run bench ledger` writes it to RESULTS.md.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createRecordingLedger, validateRecordInput } from '../src/ledger/index.js';
import { createPricer } from '../src/pricing/index.js';
import { openStore, type Store } from '../src/store/index.js';
import type { RecordInput } from '../src/types/index.js';

const PG_URL = process.env.TOKENLEDGER_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

function input(i: number): RecordInput {
  return {
    provider: 'openai',
    model: i % 2 === 0 ? 'gpt-4o' : 'gpt-4o-mini',
    agent: `agent_${i % 8}`,
    run: `run_${i % 100}`,
    tags: { team: 'bench' },
    usage: { inputTokens: 1000 + (i % 500), outputTokens: 200 + (i % 100), cacheReadTokens: 256 },
    durationMs: 800 + (i % 400),
  };
}

/** A real OpenAI chat body, as the tracking fetch hands it over. */
const RESPONSE = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: {
    prompt_tokens: 1200,
    completion_tokens: 200,
    total_tokens: 1400,
    prompt_tokens_details: { cached_tokens: 256 },
  },
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function us(ns: number): string {
  return (ns / 1000).toFixed(1);
}

interface Latency {
  p50: number;
  p99: number;
  perSecond: number;
}

async function sequential(count: number, call: (i: number) => Promise<unknown> | unknown): Promise<Latency> {
  for (let i = 0; i < Math.min(200, count); i++) await call(-1 - i); // warm-up
  const samples: number[] = new Array<number>(count);
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await call(i);
    samples[i] = Number(process.hrtime.bigint() - t0);
  }
  const elapsed = Number(process.hrtime.bigint() - started);
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), perSecond: count / (elapsed / 1e9) };
}

async function concurrent(count: number, callers: number, call: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < count) await call(next++);
    }),
  );
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Time until `call` returns its promise (not settled), sampled one call at a time. */
async function timeToReturn(count: number, call: (i: number) => Promise<unknown>): Promise<Latency> {
  const samples: number[] = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    const pending = call(i);
    samples[i] = Number(process.hrtime.bigint() - t0);
    await pending;
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), perSecond: Number.NaN };
}

interface Target {
  name: string;
  open: () => Promise<Store>;
  sequential: number;
  concurrent: number;
  cleanup: () => Promise<void>;
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tl-bench-ledger-'));
  const schema = `tl_bench_ledger_${process.pid}`;
  const targets: Target[] = [
    {
      name: 'memory',
      open: () => openStore('memory:'),
      sequential: 20_000,
      concurrent: 20_000,
      cleanup: async () => undefined,
    },
    {
      name: 'SQLite (WAL, temp file)',
      open: () => openStore(`sqlite:${join(dir, 'bench.db')}`),
      sequential: 10_000,
      concurrent: 20_000,
      cleanup: async () => undefined,
    },
    {
      name: 'PostgreSQL (localhost)',
      open: () => openStore(`${PG_URL}?schema=${schema}`),
      sequential: 2_000,
      concurrent: 10_000,
      cleanup: async () => {
        const client = new pg.Client(PG_URL);
        await client.connect();
        await client.query(`drop schema if exists "${schema}" cascade`);
        await client.end();
      },
    },
  ];

  const rows: string[] = [];
  const noop = await sequential(50_000, async () => undefined);
  rows.push(
    `| bare no-op async call | - | ${us(noop.p50)} | ${us(noop.p99)} | ${Math.round(noop.perSecond).toLocaleString('en-US')} | - |`,
  );
  const pricer = createPricer();
  const parts = await sequential(50_000, (i) => {
    const valid = validateRecordInput(input(i));
    return pricer.price({
      provider: 'openai',
      model: valid.model ?? '',
      usage: valid.usage ?? {
        inputTokens: 1,
        outputTokens: 1,
        totalTokens: 2,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
      },
    });
  });
  rows.push(
    `| validate + price only (no store) | - | ${us(parts.p50)} | ${us(parts.p99)} | ${Math.round(parts.perSecond).toLocaleString('en-US')} | - |`,
  );

  try {
    for (const target of targets) {
      let store: Store;
      try {
        store = await target.open();
      } catch (error) {
        rows.push(
          `| ${target.name} | unavailable: ${error instanceof Error ? error.message : String(error)} | | | | |`,
        );
        continue;
      }
      try {
        const ledger = createRecordingLedger({ store, pricer });
        const plain = await sequential(target.sequential, (i) => ledger.record(input(i)));
        const raw = await sequential(Math.min(target.sequential, 5000), (i) =>
          ledger.record({
            provider: 'openai',
            model: 'gpt-4o',
            agent: 'raw',
            response: RESPONSE,
            durationMs: 900 + (i % 7),
          }),
        );
        // What a caller that does not wait for durability pays (the tracking fetch and the
        // gateway record after the response is on its way): the time until record() returns.
        const returned = await timeToReturn(Math.min(target.sequential, 5000), (i) => ledger.record(input(i)));
        // The store alone, for comparison: the same events inserted one per call.
        const scratch = createRecordingLedger({ store: await openStore('memory:'), pricer });
        const events = await Promise.all(
          Array.from({ length: Math.min(target.sequential, 5000) + 200 }, (_, i) => scratch.record(input(i))),
        );
        const insert = await sequential(Math.min(target.sequential, 5000), (i) =>
          store.insert([events[i < 0 ? events.length + i : i]!]),
        );
        const throughput = await concurrent(target.concurrent, 64, (i) => ledger.record(input(i)));
        await ledger.close();
        const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
        const count = (n: number) => n.toLocaleString('en-US');
        rows.push(
          `| ${target.name}: record(usage), awaited | ${count(target.sequential)} | ${us(plain.p50)} | ${us(plain.p99)} | ${fmt(plain.perSecond)} | ${fmt(throughput)} |`,
        );
        rows.push(
          `| ${target.name}: record(raw response), awaited | ${count(Math.min(target.sequential, 5000))} | ${us(raw.p50)} | ${us(raw.p99)} | ${fmt(raw.perSecond)} | - |`,
        );
        rows.push(
          `| ${target.name}: record(usage), not awaited (time to return) | ${count(Math.min(target.sequential, 5000))} | ${us(returned.p50)} | ${us(returned.p99)} | - | - |`,
        );
        rows.push(
          `| ${target.name}: store.insert([event]) alone | ${count(Math.min(target.sequential, 5000))} | ${us(insert.p50)} | ${us(insert.p99)} | ${fmt(insert.perSecond)} | - |`,
        );
      } finally {
        await store.close();
        await target.cleanup().catch(() => undefined);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  return [
    '## Ledger: record() latency and throughput',
    '',
    'Each `record()` is awaited: it resolves once the store has made the event durable (SQLite: committed in WAL; PostgreSQL: committed).',
    'Sequential = one caller; concurrent = 64 callers at once (group commit: writes arriving during an insert share the next one).',
    'Goal: record adds under 50 µs at p50 to a call.',
    '',
    '| what | calls | p50 µs | p99 µs | sequential calls/s | concurrent calls/s (64 callers) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await run());
}
