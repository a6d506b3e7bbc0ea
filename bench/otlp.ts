/**
 * OTLP receiver benchmark. A batch is 1,000 spans as a GenAI-instrumented app exports them:
 * one `invoke_agent` span per 10 `chat` spans, each with the usual attributes (provider,
 * models, usage, cache, conversation, the messages as JSON text), protobuf-encoded with the
 * receiver's schema (the wire format every OTLP exporter writes). Every batch has fresh trace
 * and span ids, so every call is a new event.
 *
 * - Throughput on one core (this process, one thread): decode + map + record (SQLite temp
 *   file, durable on return), batch after batch, and each stage alone. Goal ≥ 20,000 spans/s.
 * - Acknowledgement: `POST /v1/traces` of one 1,000-span batch to `tokenledger serve` (SQLite,
 *   its own process) over loopback, one after another and paced, from send to 200, and the
 *   server's CPU time per batch. Goal p99 < 50 ms.
 *
 * `npx tsx bench/otlp.ts` prints the section; `npm run bench otlp` writes it to RESULTS.md.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { create, toBinary } from '@bufbuild/protobuf';
import { createRecordingLedger } from '../src/ledger/index.js';
import { decodeTraceRequest } from '../src/server/otlp/decode.js';
import { mapSpanBatch } from '../src/server/otlp/map-batch.js';
import {
  type AnyValue,
  AnyValueSchema,
  ExportTraceServiceRequestSchema,
  type KeyValue,
  KeyValueSchema,
  Span_SpanKind,
} from '../src/server/otlp/proto/otlp-traces_pb.js';
import { openStore } from '../src/store/index.js';
import { spawnServe } from '../test/server/serve-process.js';

const SPANS_PER_BATCH = 1000;
const CALLS_PER_AGENT = 10;
/** Requests sent before timing starts (module loading, JIT, SQLite page cache). */
const WARM_UP_REQUESTS = 5;
/** The paced run's pause between an answer and the next request. */
const PACED_GAP_MS = 100;
const MESSAGES = JSON.stringify([
  { role: 'system', parts: [{ type: 'text', content: 'You are a careful analyst. Answer briefly.' }] },
  { role: 'user', parts: [{ type: 'text', content: 'Summarize the RSI and MACD of AAPL over the last 30 days.' }] },
]);

function value(inner: AnyValue['value']): AnyValue {
  return create(AnyValueSchema, { value: inner });
}
function attribute(key: string, v: string | number): KeyValue {
  return create(KeyValueSchema, {
    key,
    value: value(typeof v === 'string' ? { case: 'stringValue', value: v } : { case: 'intValue', value: BigInt(v) }),
  });
}

/** One export request body: 1,000 spans, 100 traces of one agent span and 10 chat spans. */
export function batchBody(startMs: number): Uint8Array {
  const spans = [];
  for (let agent = 0; agent < SPANS_PER_BATCH / (CALLS_PER_AGENT + 1); agent++) {
    const traceId = randomBytes(16);
    const agentId = randomBytes(8);
    const start = BigInt(startMs + agent) * 1_000_000n;
    spans.push({
      traceId,
      spanId: agentId,
      name: 'invoke_agent analyst',
      kind: Span_SpanKind.INTERNAL,
      startTimeUnixNano: start,
      endTimeUnixNano: start + 9_000_000_000n,
      attributes: [attribute('gen_ai.operation.name', 'invoke_agent'), attribute('gen_ai.agent.name', 'analyst')],
    });
    for (let call = 0; call < CALLS_PER_AGENT; call++) {
      const callStart = start + BigInt(call) * 800_000_000n;
      spans.push({
        traceId,
        spanId: randomBytes(8),
        parentSpanId: agentId,
        name: 'chat gpt-4o-mini',
        kind: Span_SpanKind.CLIENT,
        startTimeUnixNano: callStart,
        endTimeUnixNano: callStart + 750_000_000n,
        attributes: [
          attribute('gen_ai.operation.name', 'chat'),
          attribute('gen_ai.provider.name', 'openai'),
          attribute('gen_ai.request.model', 'gpt-4o-mini'),
          attribute('gen_ai.response.model', 'gpt-4o-mini-2024-07-18'),
          attribute('gen_ai.usage.input_tokens', 1200 + call),
          attribute('gen_ai.usage.output_tokens', 300 + call),
          attribute('gen_ai.usage.cache_read.input_tokens', 1000),
          attribute('gen_ai.conversation.id', `conv-${agent}`),
          attribute('server.address', 'api.openai.com'),
          attribute('gen_ai.input.messages', MESSAGES),
        ],
      });
    }
  }
  while (spans.length > SPANS_PER_BATCH) spans.pop();
  const request = create(ExportTraceServiceRequestSchema, {
    resourceSpans: [
      {
        resource: { attributes: [attribute('service.name', 'bench-app')] },
        scopeSpans: [{ scope: { name: 'bench', version: '1' }, spans }],
      },
    ],
  });
  return toBinary(ExportTraceServiceRequestSchema, request);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const perSecond = (spans: number, ms: number): string => Math.round((spans / ms) * 1000).toLocaleString('en-US');

export async function throughput(dir: string, batches: number): Promise<{ rows: string[]; spansPerSecond: number }> {
  const bodies = Array.from({ length: batches + 1 }, (_, i) => batchBody(Date.UTC(2026, 10, 1) + i * 60_000));
  const store = await openStore(`sqlite:${join(dir, 'throughput.db')}`);
  const ledger = createRecordingLedger({ store });
  try {
    // Warm-up: one batch through every stage.
    await ledger.recordMany(mapSpanBatch(decodeTraceRequest(bodies[0]!, 'protobuf')).calls, { failOpen: false });
    let decodeMs = 0;
    let mapMs = 0;
    let recordMs = 0;
    let recorded = 0;
    for (const body of bodies.slice(1)) {
      const t0 = performance.now();
      const spans = decodeTraceRequest(body, 'protobuf');
      const t1 = performance.now();
      const { calls } = mapSpanBatch(spans);
      const t2 = performance.now();
      const result = await ledger.recordMany(calls, { failOpen: false });
      const t3 = performance.now();
      decodeMs += t1 - t0;
      mapMs += t2 - t1;
      recordMs += t3 - t2;
      recorded += result.events.length;
    }
    const spans = batches * SPANS_PER_BATCH;
    const calls = recorded;
    const rows = [
      `| decode + map + record (all stages) | ${spans.toLocaleString('en-US')} | ${calls.toLocaleString('en-US')} | **${perSecond(spans, decodeMs + mapMs + recordMs)}** |`,
      `| decode (protobuf -> spans) | ${spans.toLocaleString('en-US')} | | ${perSecond(spans, decodeMs)} |`,
      `| map (spans -> calls) | ${spans.toLocaleString('en-US')} | | ${perSecond(spans, mapMs)} |`,
      `| record (priced, stored durably) | | ${calls.toLocaleString('en-US')} | ${perSecond(calls, recordMs)} calls/s |`,
    ];
    return { rows, spansPerSecond: (spans / (decodeMs + mapMs + recordMs)) * 1000 };
  } finally {
    await ledger.close();
    await store.close();
  }
}

/**
 * CPU time (user + system) a process has used, in ms: all its threads, or its main thread alone
 * (the one that answers: everything on the acknowledgement's path runs there); undefined where
 * /proc is not.
 */
function cpuMsOf(pid: number, thread: 'all' | 'main'): number | undefined {
  try {
    const stat = thread === 'all' ? `/proc/${pid}/stat` : `/proc/${pid}/task/${pid}/stat`;
    // Fields after the parenthesized command name; utime and stime are the 12th and 13th.
    const fields = readFileSync(stat, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
/** USER_HZ, 100 on every Linux build that matters. */
const CLOCK_TICKS_PER_SECOND = 100;

interface AckRun {
  label: string;
  /** Pause between an answer and the next request. */
  gapMs: number;
}

/**
 * `tokenledger serve` in its own process (as users run it, from source through tsx), so that
 * building, sending and timing the requests never shares the server's thread: what is timed
 * is the server's answer. The bodies are built before the first request. Two runs: one after
 * another without a pause (the store's drain of one batch then lands while the next is being
 * answered), and paced, as exporters send (the OTel SDK's batch processor exports every 5 s).
 * The server's CPU time per batch (all its threads, and its main thread alone, from /proc) says
 * how much work a batch is whatever else the machine runs; the main thread's is about what an
 * acknowledgement takes on an idle machine (the store's insert runs in its worker thread).
 */
export async function acknowledgement(
  dir: string,
  requests: number,
  run: AckRun,
): Promise<{ row: string; p99: number }> {
  const bodies = Array.from({ length: requests + WARM_UP_REQUESTS }, (_, i) =>
    batchBody(Date.UTC(2026, 10, 2) + i * 60_000),
  );
  const serve = await spawnServe(['--port', '0', '--db', `sqlite:${join(dir, `serve-${run.gapMs}.db`)}`], {
    TOKENLEDGER_LOG_LEVEL: 'error',
  });
  try {
    const samples: number[] = [];
    let cpuStart: number | undefined;
    let mainStart: number | undefined;
    for (const [i, body] of bodies.entries()) {
      if (i === WARM_UP_REQUESTS) {
        cpuStart = cpuMsOf(serve.child.pid!, 'all');
        mainStart = cpuMsOf(serve.child.pid!, 'main');
      }
      const t0 = performance.now();
      const response = await fetch(`${serve.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: body as BodyInit,
      });
      await response.arrayBuffer();
      const elapsed = performance.now() - t0;
      if (response.status !== 200) throw new Error(`POST /v1/traces answered ${response.status}`);
      if (i >= WARM_UP_REQUESTS) samples.push(elapsed);
      if (run.gapMs > 0) await new Promise((resolve) => setTimeout(resolve, run.gapMs));
    }
    // The last batch's drain too: its store write is part of the work.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const perBatch = (start: number | undefined, end: number | undefined): string =>
      start === undefined || end === undefined ? 'n/a' : ((end - start) / requests).toFixed(1);
    const cpu = perBatch(cpuStart, cpuMsOf(serve.child.pid!, 'all'));
    const main = perBatch(mainStart, cpuMsOf(serve.child.pid!, 'main'));
    samples.sort((a, b) => a - b);
    const bytes = bodies[0]!.byteLength;
    const p99 = percentile(samples, 99);
    const row = `| 1,000-span batch (${(bytes / 1024).toFixed(0)} KiB protobuf), ${requests} requests, ${run.label} | ${percentile(samples, 50).toFixed(1)} | **${percentile(samples, 99).toFixed(1)}** | ${samples.at(-1)!.toFixed(1)} | ${cpu} | ${main} |`;
    return { row, p99 };
  } finally {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tl-bench-otlp-'));
  const batches = Number(process.env.OTLP_BATCHES ?? 30);
  const requests = Number(process.env.OTLP_REQUESTS ?? 100);
  // The figures are per core only on an idle machine: say how busy this one was.
  const loadBefore = loadavg()[0]!;
  try {
    const { rows, spansPerSecond } = await throughput(dir, batches);
    const backToBack = await acknowledgement(dir, requests, { label: 'one after another', gapMs: 0 });
    const paced = await acknowledgement(dir, requests, {
      label: `paced, ${PACED_GAP_MS} ms between`,
      gapMs: PACED_GAP_MS,
    });
    return [
      '## OTLP receiver',
      '',
      'Batches of 1,000 spans as a GenAI-instrumented app exports them (one `invoke_agent` per 10 `chat` spans, messages included),',
      'protobuf, fresh ids each batch. Throughput: this process, one thread; SQLite temp file (WAL), each batch durable before the next.',
      'Acknowledgement: `tokenledger serve` in its own process (from source, tsx; default config: SQLite file and its spool), the client in this one.',
      'Goals: ≥ 20,000 spans/s decoded, mapped and recorded on one core; p99 acknowledgement of a 1,000-span batch < 50 ms.',
      '',
      '| stage | spans | calls recorded | per second |',
      '| --- | ---: | ---: | ---: |',
      ...rows,
      '',
      '| acknowledgement: POST /v1/traces to tokenledger serve (SQLite), send to 200 | p50 ms | p99 ms | max ms | server CPU ms per batch | of it, main thread |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      backToBack.row,
      paced.row,
      '',
      `Load average (1 min) when the area started: ${loadBefore.toFixed(1)} on ${String(availableParallelism())} cores; above the core count, every figure here is that much slower than the code.`,
      '',
      `In this run: throughput ${Math.round(spansPerSecond).toLocaleString('en-US')} spans/s (goal ≥ 20,000: ${spansPerSecond >= 20_000 ? 'met' : 'not met'}); p99 acknowledgement ${backToBack.p99.toFixed(1)} ms back to back, ${paced.p99.toFixed(1)} ms paced (goal < 50 ms: ${backToBack.p99 < 50 ? 'met' : paced.p99 < 50 ? 'met paced only' : 'not met'}).`,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await run());
}
