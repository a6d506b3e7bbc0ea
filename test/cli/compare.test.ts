import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareModels } from '#src/analytics/index.js';
import { openStore } from '#src/store/index.js';
import { EVENTS } from '../analytics/dataset.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-compare-'));
const db = `sqlite:${join(dir, 'ledger.db')}`;

beforeAll(async () => {
  const store = await openStore(db);
  await store.insert(EVENTS);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tokenledger compare', () => {
  it('--format json prints exactly what compareModels() returns', async () => {
    const result = await runCli(['compare', 'gemini-2.5-flash', 'gemini-2.5-pro', '--db', db, '--format', 'json']);
    expect(result.code).toBe(0);
    const store = await openStore(db);
    const expected = await compareModels(store, ['gemini-2.5-flash', 'gemini-2.5-pro']);
    await store.close();
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(expected.models.map((m) => m.calls)).toEqual([5, 2]);
  });

  it('prints the models as columns, filters by run', async () => {
    const result = await runCli(['compare', 'gemini-2.5-flash', 'gemini-2.5-pro', '--db', db, '--run', 'AAPL']);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s+gemini-2\.5-flash\s+gemini-2\.5-pro$/);
    expect(lines.find((l) => l.startsWith('calls'))).toMatch(/^calls\s+\d+\s+\d+$/);
    expect(lines.find((l) => l.startsWith('cost per 1k output tokens'))).toMatch(/\$\d/);
  });

  it('refuses a single model with one line on stderr and exit 1', async () => {
    const result = await runCli(['compare', 'gemini-2.5-pro', '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('tokenledger compare: compare needs at least two models\n');
  });
});
