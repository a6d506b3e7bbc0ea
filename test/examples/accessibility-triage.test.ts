/**
 * examples/accessibility-triage, run as a user runs it (`npm run example:triage`): the batch
 * lands in a SQLite ledger that `tokenledger report` (and `serve`) can show afterwards, and its
 * progress writes no `\r` into a log.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '#src/store/index.js';
import { runCli } from '../cli/run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'tl-triage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('accessibility-triage example', () => {
  it('triages the ten issues into a SQLite ledger that tokenledger report reads', async () => {
    const db = `sqlite:${join(dir, 'triage.db')}`;
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'example:triage'], {
      cwd: ROOT,
      env: { ...process.env, TOKENLEDGER_DB: db },
    });
    expect(stdout).toContain('"successful_requests": 10');
    expect(stdout).toContain(`ledger: ${db}`);
    expect(stderr).not.toContain('\r');
    expect(stderr.trimEnd().split('\n').at(-1)).toBe('10/10 done, 0 failed');

    const store = await openStore(db);
    try {
      const page = await store.events({ filter: { run: 'a11y-audit-demo' }, limit: 100 });
      // Ten answers and the one rate-limited attempt before its retry.
      expect(page.events.filter((event) => event.status === 'ok')).toHaveLength(10);
      expect(page.events.every((event) => event.agent === 'a11y_triage')).toBe(true);
    } finally {
      await store.close();
    }
    const report = await runCli(['report', '--db', db, '--run', 'a11y-audit-demo', '--format', 'json']);
    expect(report.code).toBe(0);
    const summary = (JSON.parse(report.stdout) as { summary: { successes: number; tokens: { total: number } } })
      .summary;
    expect(summary.successes).toBe(10);
    expect(summary.tokens.total).toBe(10 * 190);
  });
});
