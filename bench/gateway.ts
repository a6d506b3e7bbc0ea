/**
 * Gateway bench: `tokenledger serve` measured by ../shared/bench/gateway/run.sh (the same
 * harness that measured Portkey and a bare Node proxy on this machine), against its mock
 * upstream, JSON and streaming, at 1, 16 and 64 concurrent clients; the bare passthrough proxy
 * is measured the same way in the same run as the floor. Then ingest throughput: batches of
 * events POSTed to /v1/usage on a SQLite ledger, answered only once durable.
 *
 * `tokenledger serve` runs from a tsc build in a temp folder (plain node, as installed), with
 * metering and recording on (SQLite ledger in a temp file).
 *
 * Env: GATEWAY_BENCH_DURATION (s per run, default 4), GATEWAY_BENCH_CONCURRENCY ("1 16 64").
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run$ = promisify(execFile);
const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const HARNESS = resolve(ROOT, '../shared/bench/gateway');
const DURATION = process.env['GATEWAY_BENCH_DURATION'] ?? '4';
const CONCURRENCY = process.env['GATEWAY_BENCH_CONCURRENCY'] ?? '1 16 64';
const MOCK_PORT = '18180';

/** Compiles the project into a temp folder that resolves the repository's node_modules. */
async function build(dir: string): Promise<string> {
  await run$(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.json'), '--outDir', dir],
    { cwd: ROOT },
  );
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return join(dir, 'src/cli/main.js');
}

async function harness(name: string, url: string, command: string, outDir: string): Promise<string> {
  await run$('bash', [join(HARNESS, 'run.sh')], {
    env: {
      ...process.env,
      GATEWAY_NAME: name,
      GATEWAY_URL: url,
      GATEWAY_CMD: command,
      OUT_DIR: outDir,
      MOCK_PORT,
      DURATION,
      WARMUP: '2',
      CONCURRENCY,
      PREFLIGHT_N: '20',
    },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 240_000,
  });
  return readFileSync(join(outDir, 'report.md'), 'utf8');
}

interface Row {
  conc: number;
  overhead: string;
  gatewayRps: number;
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

function peakRss(report: string): string {
  return /peak RSS \(VmHWM\) (\d+ MiB)/.exec(report)?.[1] ?? 'n/a';
}

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
    const db = join(dir, 'gateway.db');
    const tokenledger = await harness(
      'tokenledger serve',
      'http://127.0.0.1:8797',
      `OPENAI_BASE_URL=$MOCK_URL/v1 TOKENLEDGER_LOG_LEVEL=warn exec node ${main} serve --port 8797 --db sqlite:${db}`,
      join(dir, 'tokenledger'),
    );
    const floor = await harness(
      'bare passthrough proxy',
      'http://127.0.0.1:8788',
      'PORT=8788 UPSTREAM=$MOCK_URL exec node $BENCH_DIR/passthrough-proxy.mjs',
      join(dir, 'passthrough'),
    );
    const ingest = await ingestBench(main, dir, 5);

    const tlJson = rows(tokenledger, '## Non-streaming');
    const floorJson = rows(floor, '## Non-streaming');
    const one = tlJson.find((row) => row.conc === 1);
    const bestRps = Math.max(...tlJson.map((row) => row.gatewayRps));
    const cpu = Math.min(...tlJson.filter((row) => row.cpuMsPerReq > 0).map((row) => row.cpuMsPerReq));
    const summary = [
      '| figure | tokenledger serve | bare proxy (same run) | goal |',
      '|---|---|---|---|',
      `| added latency, JSON, 1 client, p50 / p90 / p99 (ms) | ${one?.overhead ?? 'n/a'} | ${floorJson.find((row) => row.conc === 1)?.overhead ?? 'n/a'} | p50 < 0.5 |`,
      `| added time to first token, stream, 1 client, p50 / p90 / p99 (ms) | ${ttftOverhead(tokenledger, 1)} | ${ttftOverhead(floor, 1)} | p50 < 1 |`,
      `| best JSON requests/s, gateway pinned to one core | ${bestRps.toLocaleString('en-US')} | ${Math.max(...floorJson.map((row) => row.gatewayRps)).toLocaleString('en-US')} | >= 5,000 |`,
      `| lowest gateway CPU per JSON request (ms) | ${Number.isFinite(cpu) ? cpu.toFixed(2) : 'n/a'} | ${Math.min(...floorJson.map((row) => row.cpuMsPerReq)).toFixed(2)} | 0.2 = 5,000/s on one core |`,
      `| peak RSS | ${peakRss(tokenledger)} | ${peakRss(floor)} | < 150 MiB |`,
    ].join('\n');
    const demote = (report: string): string => report.replace(/^# /m, '### ').replace(/^## /gm, '#### ');
    return [
      '## Gateway',
      '',
      `\`tokenledger serve\` (metering and recording on, SQLite ledger) measured by \`../shared/bench/gateway/run.sh\` against its mock upstream (0 ms latency; streams of 20 chunks 2 ms apart), ${DURATION} s per run, concurrency ${CONCURRENCY}, gateway pinned to one core. The bare Node passthrough proxy ran the same way in the same session: it is the floor of one extra Node hop.`,
      '',
      summary,
      '',
      '| ingest | events/s | requests/s | detail |',
      '|---|---|---|---|',
      ingest,
      '',
      '<details><summary>Full harness reports</summary>',
      '',
      demote(tokenledger),
      '',
      demote(floor),
      '',
      '</details>',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  console.log(await run());
}
