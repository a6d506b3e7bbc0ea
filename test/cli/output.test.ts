/**
 * Issue 11 item 6, how the CLI prints: durations a person can read, and a reader that goes
 * away (`report | head -1`) ends the command quietly.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '#src/store/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { EVENTS } from '../analytics/dataset.js';
import { REPO, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-cli-output-'));
const db = `sqlite:${join(dir, 'ledger.db')}`;
const START = Date.parse('2025-03-01T00:00:00.000Z');
const RUNS = 3000;

/** A copy of the first sample event, with its own id, run and time. */
function copy(n: number, run: string, at: number): UsageEvent {
  const base = EVENTS[0] as UsageEvent;
  return { ...base, id: `01JH${String(n).padStart(22, '0')}`, run, time: new Date(at).toISOString() };
}

beforeAll(async () => {
  const store = await openStore(db);
  // One run that lasted 29 days 23 hours 42 minutes; many short ones, so that a table outgrows a pipe's buffer.
  await store.insert([copy(1, 'month-long', START), copy(2, 'month-long', START + 2_590_936_610 - 1000)]);
  await store.insert(Array.from({ length: RUNS }, (_, i) => copy(10 + i, `run-${i}`, START + i * 1000)));
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('durations', () => {
  it('report --by run shows a month-long run as days and hours, not millions of seconds', async () => {
    const result = await runCli(['report', '--db', db, '--by', 'run', '--run', 'month-long']);
    expect(result.code).toBe(0);
    const row = result.stdout.split('\n').find((line) => line.startsWith('month-long'));
    expect(row).toMatch(/\s30d 00h$/);
    const block = await runCli(['report', '--db', db, '--run', 'month-long']);
    expect(block.stdout).toContain('Total Analysis Time: 30d 00h\n');
  });
});

describe('a closed pipe', () => {
  it('report | head -1 prints one line and ends without an EPIPE trace, exit 0', async () => {
    const script = `node --import tsx src/cli/main.ts report --db '${db}' --by run | head -1; echo "exit \${PIPESTATUS[0]}" >&2`;
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile('bash', ['-c', script], { cwd: REPO }, (error, out, err) =>
        error === null ? resolve({ stdout: out, stderr: err }) : reject(error),
      ),
    );
    expect(stdout).toMatch(/^run\s+calls\s+success/);
    expect(stdout.split('\n')).toHaveLength(2);
    expect(stderr).toBe('exit 0\n');
  });
});
