/**
 * Gateway bench: `tokenledger serve` measured by ../shared/bench/gateway/run.sh (the same
 * harness that measured Portkey and a bare Node proxy on this machine), against its mock
 * upstream, JSON and streaming, at 1, 16 and 64 concurrent clients, beside the bare
 * passthrough proxy (the floor of one Node hop) and Portkey (the TypeScript peer; the harness
 * installs it into /tmp/gwbench on first use), one after another in the same run. Then a
 * 256-connection streaming run against a 200 ms upstream (20 ms between chunks), tokenledger and
 * the bare proxy, and ingest throughput: batches of events POSTed to /v1/usage on a SQLite
 * ledger, answered only once durable.
 *
 * `tokenledger serve` runs from the package as it ships (scripts/bundle.mjs into a temp
 * folder, plain node), with metering and recording on (SQLite ledger and its spool in a temp
 * folder), pinned to one core by the harness.
 *
 * Env: GATEWAY_BENCH_DURATION (s per run, default 4), GATEWAY_BENCH_CONCURRENCY ("1 16 64"),
 * GATEWAY_BENCH_PEERS (default "passthrough portkey"; without "portkey", Portkey is not run; the bare proxy always is), GATEWAY_BENCH_HARNESS
 * (the harness folder, default ../shared/bench/gateway).
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run$ = promisify(execFile);
const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** The shared harness beside the checkout (a worktree elsewhere names it with GATEWAY_BENCH_HARNESS). */
const HARNESS = resolve(ROOT, process.env['GATEWAY_BENCH_HARNESS'] ?? '../shared/bench/gateway');
const DURATION = process.env['GATEWAY_BENCH_DURATION'] ?? '4';
const CONCURRENCY = process.env['GATEWAY_BENCH_CONCURRENCY'] ?? '1 16 64';
const PEERS = (process.env['GATEWAY_BENCH_PEERS'] ?? 'passthrough portkey').split(/\s+/).filter(Boolean);
const MOCK_PORT = '18180';
/** The slow-upstream streaming run of the acceptance. */
const SLOW = { MOCK_LATENCY_MS: '200', MOCK_CHUNK_GAP_MS: '20', CONCURRENCY: '256', MODES: 'stream' };

/** Bundles the package as it ships into a temp folder that resolves the repository's node_modules. */
async function build(dir: string): Promise<string> {
  await run$(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), join(dir, 'src')], { cwd: ROOT });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return join(dir, 'src/cli/main.js');
}

interface Gateway {
  name: string;
  url: string;
  /** Unset: the harness's default, Portkey. */
  command?: string;
}

async function harness(gateway: Gateway, outDir: string, env: Record<string, string> = {}): Promise<string> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['GATEWAY_NAME', 'GATEWAY_URL', 'GATEWAY_CMD', 'GATEWAY_HEADERS', 'GATEWAY_PATH'])
    delete base[name];
  await run$('bash', [join(HARNESS, 'run.sh')], {
    env: {
      ...base,
      ...(gateway.command === undefined
        ? {}
        : { GATEWAY_NAME: gateway.name, GATEWAY_URL: gateway.url, GATEWAY_CMD: gateway.command }),
      OUT_DIR: outDir,
      MOCK_PORT,
      DURATION,
      WARMUP: '2',
      CONCURRENCY,
      PREFLIGHT_N: '20',
      ...env,
    },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 420_000,
  });
  return readFileSync(join(outDir, 'report.md'), 'utf8');
}

interface Row {
  conc: number;
  overhead: string;
  gatewayRps: number;
  ratio: number;
  cpuMsPerReq: number;
}

/** Reads "| conc | ... |" rows of one section of a harness report. */
function rows(report: string, section: string): Row[] {
  const start = report.indexOf(section);
  if (start === -1) return [];
  const lines = report.slice(start).split('\n').slice(1);
  const out: Row[] = [];
  for (const line of lines) {
    if (line.startsWith('## ') || line.startsWith('Max ')) break;
    const cells = line.split('|').map((cell) => cell.trim());
    if (!/^\d+$/.test(cells[1] ?? '')) continue;
    out.push({
      conc: Number(cells[1]),
      overhead: cells[4] ?? '',
      gatewayRps: Number(cells[6]),
      ratio: Number(cells[7]),
      cpuMsPerReq: Number(cells[10]),
    });
  }
  return out;
}

function ttftOverhead(report: string, conc: number): string {
  const start = report.indexOf('Time to first content token');
  const line = report
    .slice(start)
    .split('\n')
    .find((text) => text.startsWith(`| ${conc} |`));
  return line?.split('|')[4]?.trim() ?? 'n/a';
}

function peakRssMiB(report: string): number {
  return Number(/peak RSS \(VmHWM\) (\d+) MiB/.exec(report)?.[1] ?? Number.NaN);
}

/** The p50 of "+a / +b / +c". */
const p50 = (triple: string): number => Number.parseFloat(triple.split('/')[0] ?? '');

interface Figures {
  oneClient: string;
  ttft1: string;
  ttft64: string;
  bestRps: number;
  cpu: number;
  stream64: number;
  rss: number;
}

function figures(report: string): Figures {
  const json = rows(report, '## Non-streaming');
  const stream = rows(report, '## Streaming');
  const cpus = json.filter((row) => row.cpuMsPerReq > 0).map((row) => row.cpuMsPerReq);
  return {
    oneClient: json.find((row) => row.conc === 1)?.overhead ?? 'n/a',
    ttft1: ttftOverhead(report, 1),
    ttft64: ttftOverhead(report, 64),
    bestRps: Math.max(...json.map((row) => row.gatewayRps)),
    cpu: cpus.length === 0 ? Number.NaN : Math.min(...cpus),
    stream64: stream.find((row) => row.conc === 64)?.ratio ?? Number.NaN,
    rss: peakRssMiB(report),
  };
}

const verdict = (met: boolean): string => (met ? 'met' : '**not met**');

/** Ingest throughput: 8 clients POSTing batches of 100 events for `seconds`. */
async function ingestBench(main: string, dir: string, seconds: number): Promise<string> {
  const child = spawn(process.execPath, [main, 'serve', '--port', '8798', '--db', `sqlite:${join(dir, 'ingest.db')}`], {
    env: { ...process.env, TOKENLEDGER_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const match = /listening on (http:\/\/\S+)/.exec(chunk.toString());
        if (match?.[1] !== undefined) resolveUrl(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${String(code)}`)));
    });
    let acked = 0;
    let requests = 0;
    const deadline = performance.now() + seconds * 1000;
    const started = performance.now();
    const client = async (n: number): Promise<void> => {
      while (performance.now() < deadline) {
        const batch = Array.from({ length: 100 }, (_, i) => ({
          provider: 'openai',
          model: 'gpt-4o-mini',
          agent: `bench-${n}`,
          run: `r${i % 7}`,
          usage: { inputTokens: 100 + i, outputTokens: 20 },
        }));
        const response = await fetch(`${url}/v1/usage`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(batch),
        });
        const body = (await response.json()) as { recorded?: number };
        if (response.status === 200) acked += body.recorded ?? 0;
        requests++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, n) => client(n)));
    const elapsed = (performance.now() - started) / 1000;
    return `| ingest, SQLite, 8 clients x batches of 100 | ${Math.round(acked / elapsed).toLocaleString('en-US')} events/s | ${Math.round(requests / elapsed)} requests/s | ${acked.toLocaleString('en-US')} events in ${elapsed.toFixed(1)} s, each answered 200 only once durable |`;
  } finally {
    child.kill('SIGTERM');
  }
}

export async function run(): Promise<string> {
  if (!existsSync(join(HARNESS, 'run.sh'))) return '## Gateway\n\nSkipped: ../shared/bench/gateway/run.sh not found.';
  const dir = mkdtempSync(join(tmpdir(), 'tl-bench-gateway-'));
  try {
    const main = await build(join(dir, 'build'));
    const serve = (port: number, db: string): Gateway => ({
      name: 'tokenledger serve',
      url: `http://127.0.0.1:${port}`,
      command: `OPENAI_BASE_URL=$MOCK_URL/v1 TOKENLEDGER_LOG_LEVEL=warn exec node ${main} serve --port ${port} --db sqlite:${join(dir, db)}`,
    });
    const passthrough: Gateway = {
      name: 'bare passthrough proxy',
      url: 'http://127.0.0.1:8788',
      command: 'PORT=8788 UPSTREAM=$MOCK_URL exec node $BENCH_DIR/passthrough-proxy.mjs',
    };
    const load = loadAverage;
    const loads: string[] = [`start ${load()}`];
    const tokenledger = await harness(serve(8797, 'gateway.db'), join(dir, 'tokenledger'));
    loads.push(`after tokenledger ${load()}`);
    const floor = await harness(passthrough, join(dir, 'passthrough'));
    const portkey = PEERS.includes('portkey')
      ? await harness({ name: 'portkey', url: '' }, join(dir, 'portkey'))
      : undefined;
    loads.push(`after the peers ${load()}`);
    const slowTl = await harness(serve(8796, 'gateway-slow.db'), join(dir, 'tokenledger-slow'), SLOW);
    const slowFloor = await harness(passthrough, join(dir, 'passthrough-slow'), SLOW);
    const ingest = await ingestBench(main, dir, 5);
    loads.push(`end ${load()}`);

    const tl = figures(tokenledger);
    const bare = figures(floor);
    const pk = portkey === undefined ? undefined : figures(portkey);
    const slow = rows(slowTl, '## Streaming').find((row) => row.conc === 256);
    const slowBare = rows(slowFloor, '## Streaming').find((row) => row.conc === 256);
    const pkCell = (text: string): string => (pk === undefined ? 'not run' : text);
    const summary = [
      '| figure | tokenledger serve | bare proxy | Portkey | goal | verdict |',
      '|---|---|---|---|---|---|',
      `| added latency, JSON, 1 client, p50 / p90 / p99 (ms) | ${tl.oneClient} | ${bare.oneClient} | ${pkCell(pk?.oneClient ?? '')} | p50 <= 1.2x the bare proxy's (${(1.2 * p50(bare.oneClient)).toFixed(2)}) | ${verdict(p50(tl.oneClient) <= 1.2 * p50(bare.oneClient))} (${(p50(tl.oneClient) / p50(bare.oneClient)).toFixed(2)}x) |`,
      `| best JSON requests/s, gateway on one core | ${tl.bestRps.toLocaleString('en-US')} | ${bare.bestRps.toLocaleString('en-US')} | ${pkCell(pk?.bestRps.toLocaleString('en-US') ?? '')} | >= 0.8x the bare proxy's | ${verdict(tl.bestRps >= 0.8 * bare.bestRps)} (${(tl.bestRps / bare.bestRps).toFixed(2)}x) |`,
      `| lowest gateway CPU per JSON request (ms) | ${tl.cpu.toFixed(2)} | ${bare.cpu.toFixed(2)} | ${pkCell(pk?.cpu.toFixed(2) ?? '')} | — | — |`,
      `| added time to first token, stream, 1 client, p50 / p90 / p99 (ms) | ${tl.ttft1} | ${bare.ttft1} | ${pkCell(pk?.ttft1 ?? '')} | — | — |`,
      `| added time to first token, stream, 64 clients, p50 / p90 / p99 (ms) | ${tl.ttft64} | ${bare.ttft64} | ${pkCell(pk?.ttft64 ?? '')} | p50 <= 2 | ${verdict(p50(tl.ttft64) <= 2)} |`,
      `| stream throughput at 64 clients, of direct | ${tl.stream64.toFixed(2)} | ${bare.stream64.toFixed(2)} | ${pkCell(pk?.stream64.toFixed(2) ?? '')} | >= 0.95 | ${verdict(tl.stream64 >= 0.95)} |`,
      `| peak RSS over the sweep (MiB) | ${tl.rss} | ${bare.rss} | ${pkCell(String(pk?.rss))} | < 120 | ${verdict(tl.rss < 120)} |`,
      `| 256 streams, 200 ms upstream: whole stream overhead p50 / p90 / p99 (ms); of direct | ${slow?.overhead ?? 'n/a'}; ${slow?.ratio.toFixed(2) ?? 'n/a'} | ${slowBare?.overhead ?? 'n/a'}; ${slowBare?.ratio.toFixed(2) ?? 'n/a'} | not run | — | — |`,
      `| 256 streams, 200 ms upstream: added time to first token p50 / p90 / p99 (ms); peak RSS | ${ttftOverhead(slowTl, 256)}; ${peakRssMiB(slowTl)} MiB | ${ttftOverhead(slowFloor, 256)}; ${peakRssMiB(slowFloor)} MiB | not run | — | — |`,
    ].join('\n');
    const demote = (report: string): string => report.replace(/^# /m, '### ').replace(/^## /gm, '#### ');
    return [
      '## Gateway',
      '',
      `\`tokenledger serve\` (the bundled package, metering and recording on, SQLite ledger and spool) measured by \`../shared/bench/gateway/run.sh\` against its mock upstream (0 ms latency; streams of 20 chunks 2 ms apart), ${DURATION} s per run, concurrency ${CONCURRENCY}, gateway pinned to one core, the mock and load generator on the other. The bare Node passthrough proxy (the floor of one extra Node hop) and Portkey ran the same way in the same session, one after another; then 256 streaming connections against a 200 ms upstream (20 ms between chunks). Load average (1 min): ${loads.join('; ')}.`,
      '',
      summary,
      '',
      '| ingest | events/s | requests/s | detail |',
      '|---|---|---|---|',
      ingest,
      '',
      '<details><summary>Full harness reports</summary>',
      '',
      ...[tokenledger, floor, ...(portkey === undefined ? [] : [portkey]), slowTl, slowFloor].flatMap((report) => [
        demote(report),
        '',
      ]),
      '</details>',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? 'n/a';
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  console.log(await run());
}
