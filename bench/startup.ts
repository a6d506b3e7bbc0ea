/**
 * Start-up, measured whole-process and side by side: each command is a fresh `node` process
 * (as a user runs it), timed from spawn to exit, the commands interleaved round after round so
 * that the machine's load falls on all of them alike. The built package is measured (dist/,
 * rebuilt first with `npm run build`), as it ships.
 *
 *   node -e 0                                  the floor: Node itself
 *   node -e "await import('tokenledger')"      the library's import cost
 *   tokenledger --version / usage FILE         the CLI's fast paths
 *   tokenledger batch (2,000 items, concurrency 100, mock provider at 100 ms)  against its
 *                                              ideal makespan, 2,000 / 100 x 100 ms = 2.0 s,
 *                                              and beside the floor under it: the same calls
 *                                              by bench/batch-floor.mjs (bare node:http, no
 *                                              metering), round after round in turn
 *
 * `STARTUP_ROUNDS` (default 15) and `STARTUP_BATCH_ROUNDS` (default 5) set the sizes.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(ROOT, 'dist/src/cli/main.js');
const FLOOR = path.join(ROOT, 'bench/batch-floor.mjs');
const USAGE_FILE = path.join(ROOT, 'docs/examples/anthropic-response.json');

interface Command {
  label: string;
  args: string[];
  env?: Record<string, string>;
}

/** Milliseconds from spawn to exit of one process; rejects when it fails. */
function timed(command: Command): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, command.args, {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...command.env },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      const elapsed = performance.now() - started;
      if (code === 0) resolve(elapsed);
      else reject(new Error(`${command.label} exited ${String(code)}: ${stderr}`));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs every command once per round, in turn, and returns each one's times. */
async function interleaved(commands: Command[], rounds: number): Promise<number[][]> {
  const times = commands.map(() => [] as number[]);
  for (const command of commands) await timed(command); // warm the file cache, untimed
  for (let round = 0; round < rounds; round++) {
    for (const [index, command] of commands.entries()) times[index]!.push(await timed(command));
  }
  return times;
}

async function startMock(latencyMs: number): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/helpers/mock-provider-main.ts', '--latency-ms', String(latencyMs)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      if (buffer.includes('\n')) resolve(buffer.split('\n')[0]!.trim());
    });
    child.once('exit', (code) => reject(new Error(`mock exited ${String(code)}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

export async function run(): Promise<string> {
  const rounds = Number(process.env['STARTUP_ROUNDS'] ?? 15);
  const batchRounds = Number(process.env['STARTUP_BATCH_ROUNDS'] ?? 5);
  await exec('npm', ['run', 'build'], { cwd: ROOT });
  const load = os.loadavg()[0]!.toFixed(2);

  const commands: Command[] = [
    { label: '`node -e 0`', args: ['-e', '0'] },
    {
      label: '`node -e "await import(\'tokenledger\')"`',
      args: ['--input-type=module', '-e', "await import('tokenledger')"],
    },
    { label: '`tokenledger --version`', args: [CLI, '--version'] },
    { label: '`tokenledger usage FILE`', args: [CLI, 'usage', USAGE_FILE] },
  ];
  const times = await interleaved(commands, rounds);
  const floor = median(times[0]!);
  const lines = [
    '## Start-up',
    '',
    `Whole processes from spawn to exit, interleaved, median of ${rounds} rounds (built package, dist/). Load average at the start: ${load}.`,
    '',
    '| command | median | p90 | vs `node -e 0` | goal |',
    '| --- | ---: | ---: | ---: | --- |',
  ];
  const goals = ['—', 'adds under 60 ms', 'within 1.3x', 'within 2x'];
  for (const [index, command] of commands.entries()) {
    const sorted = [...times[index]!].sort((a, b) => a - b);
    const p90 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.9) - 1)]!;
    const value = median(times[index]!);
    const versus = index === 0 ? '1.00x' : `${(value / floor).toFixed(2)}x (+${fmt(value - floor)})`;
    lines.push(`| ${command.label} | ${fmt(value)} | ${fmt(p90)} | ${versus} | ${goals[index]} |`);
  }

  const items = 2000;
  const concurrency = 100;
  const latencyMs = 100;
  const idealMs = (items / concurrency) * latencyMs;
  const mock = await startMock(latencyMs);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tl-bench-startup-'));
  try {
    const input = path.join(dir, 'items.jsonl');
    await writeFile(
      input,
      `${Array.from({ length: items }, (_, index) => JSON.stringify({ id: `i${index}`, prompt: `item ${index}` })).join('\n')}\n`,
    );
    const env = { OPENAI_BASE_URL: `${mock.url}/v1`, OPENAI_API_KEY: 'sk-bench-startup-0000000000' };
    const batchTimes: number[] = [];
    const floorTimes: number[] = [];
    for (let round = 0; round <= batchRounds; round++) {
      const batch = await timed({
        label: 'batch',
        args: [
          CLI,
          'batch',
          input,
          '--out',
          path.join(dir, `out-${round}.jsonl`),
          '--model',
          'openai/gpt-4.1-nano',
          '--concurrency',
          String(concurrency),
          '--db',
          `sqlite:${path.join(dir, `ledger-${round}.db`)}`,
        ],
        env,
      });
      const floor = await timed({
        label: 'batch floor',
        args: [FLOOR, input, path.join(dir, `floor-${round}.jsonl`), env.OPENAI_BASE_URL, String(concurrency)],
        env,
      });
      // round 0 warms the file cache and the mock
      if (round > 0) {
        batchTimes.push(batch);
        floorTimes.push(floor);
      }
    }
    const value = median(batchTimes);
    const floorValue = median(floorTimes);
    const runs = (times: number[]): string => times.map((t) => (t / 1000).toFixed(2)).join(', ');
    lines.push(
      '',
      `\`tokenledger batch\`, ${items.toLocaleString('en-US')} items, concurrency ${concurrency}, mock provider (own process, loopback) answering after ${latencyMs} ms, SQLite ledger; process start to exit, median of ${batchRounds} runs: ${fmt(value)} against an ideal makespan of ${fmt(idealMs)}, **${(value / idealMs).toFixed(3)}x** (goal: within 1.15x). Runs: ${runs(batchTimes)} s.`,
      '',
      `The floor, in turn with it in the same rounds: the same calls by \`bench/batch-floor.mjs\` (node:http with a keep-alive agent, as the client's transport; answers parsed and written out; no metering, pricing, ledger or retries), process start to exit: ${fmt(floorValue)}, **${(floorValue / idealMs).toFixed(3)}x** the ideal makespan; \`tokenledger batch\` takes ${(value / floorValue).toFixed(2)}x the floor. Runs: ${runs(floorTimes)} s. Load average after: ${os.loadavg()[0]!.toFixed(2)}.`,
    );
  } finally {
    mock.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return lines.join('\n');
}
