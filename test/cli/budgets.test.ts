/** `tokenledger budgets` run as a real child process over a SQLite ledger's counters. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  budgetFromConfig,
  counterOf,
  createBudgetAdmin,
  openBudgetRegistry,
  budgetCountersPath,
  SqliteBudgetCounters,
  windowSpan,
} from '#src/budgets/index.js';
import { parseConfig } from '#src/config/index.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenledger-budgets-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tokenledger budgets', () => {
  it('lists each budget with cap, spent, held, remaining and reset, as a table and as JSON', async () => {
    const file = {
      budgets: [
        { name: 'daily', capUsd: 5, window: 'day' },
        { name: 'tok', capTokens: 1000, window: 'lifetime' },
      ],
    };
    const configPath = join(dir, 'tokenledger.config.json');
    writeFileSync(configPath, JSON.stringify(file));
    const db = join(dir, 'ledger.db');
    const [daily] = parseConfig(file, 'inline', {}).budgets.map(budgetFromConfig);
    const counters = SqliteBudgetCounters.open({ path: budgetCountersPath(db) });
    const now = Date.now();
    const span = windowSpan(daily!.window, now);
    const line = { counter: counterOf(daily!), bucket: span.bucket, fromBucket: span.fromBucket, stepMs: span.stepMs };
    await counters.reserve({
      reservationId: 'r1',
      lines: [{ ...line, cap: daily!.cap, amount: 1_500_000_000 }],
      now,
      leaseMs: 60_000,
    });
    await counters.settle('r1', { [line.counter]: 1_250_000_000 });
    await counters.reserve({
      reservationId: 'r2',
      lines: [{ ...line, cap: daily!.cap, amount: 500_000_000 }],
      now,
      leaseMs: 600_000,
    });
    // Two calls the daily budget refused in this window.
    await counters.countRefusal(line.counter, span.bucket);
    await counters.countRefusal(line.counter, span.bucket);
    await counters.close();

    const json = await runCli(['budgets', '--config', configPath, '--db', `sqlite:${db}`, '--json']);
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(rows[0]).toMatchObject({
      name: 'daily',
      unit: 'usd',
      window: 'day',
      cap: 5,
      spent: 1.25,
      held: 0.5,
      remaining: 3.25,
      refused: 2,
    });
    expect(rows[0]?.['resetsAt']).toBe(new Date(span.resetsAt!).toISOString());
    expect(rows[1]).toMatchObject({
      name: 'tok',
      unit: 'tokens',
      window: 'lifetime',
      spent: 0,
      remaining: 1000,
      resetsAt: null,
    });

    const text = await runCli(['budgets', '--config', configPath, '--db', `sqlite:${db}`]);
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^budget\s+window\s+cap\s+spent\s+held\s+remaining\s+refused\s+resets\s+forecast$/);
    expect(lines[1]).toMatch(/^daily\s+day\s+\$5\.00\s+\$1\.25\s+\$0\.50\s+\$3\.25\s+2\s+\S+Z\s+\$\d+\.\d\d by reset/);
    expect(lines[2]).toMatch(/^tok\s+lifetime\s+1,000 tok\s+0 tok\s+0 tok\s+1,000 tok\s+0\s+-\s+-$/);
  });

  it('an adaptive budget says so, and how far its window went over the cap (a column only then)', async () => {
    const file = {
      budgets: [
        { name: 'learned', capTokens: 1000, window: 'lifetime', mode: 'adaptive', percentile: 95 },
        { name: 'strict', capTokens: 1000, window: 'lifetime' },
      ],
    };
    const configPath = join(dir, 'adaptive.config.json');
    writeFileSync(configPath, JSON.stringify(file));
    const db = join(dir, 'adaptive.db');
    const [learned] = parseConfig(file, 'inline', {}).budgets.map(budgetFromConfig);
    const counters = SqliteBudgetCounters.open({ path: budgetCountersPath(db) });
    const now = Date.now();
    const span = windowSpan(learned!.window, now);
    const line = {
      counter: counterOf(learned!),
      bucket: span.bucket,
      fromBucket: span.fromBucket,
      stepMs: span.stepMs,
    };
    // Held its percentile (900), settled at 1,200: 200 over the cap.
    await counters.reserve({ reservationId: 'a1', lines: [{ ...line, cap: 1000, amount: 900 }], now, leaseMs: 60_000 });
    await counters.settle('a1', { [line.counter]: 1200 });
    await counters.close();

    const json = await runCli(['budgets', '--config', configPath, '--db', `sqlite:${db}`, '--json']);
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(rows[0]).toMatchObject({
      name: 'learned',
      mode: 'adaptive',
      percentile: 95,
      spent: 1200,
      overCap: 200,
      remaining: 0,
    });
    expect(rows[1]).toMatchObject({ name: 'strict', mode: 'strict', overCap: 0 });
    expect(rows[1]).not.toHaveProperty('percentile');

    const text = await runCli(['budgets', '--config', configPath, '--db', `sqlite:${db}`]);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^budget\s+window\s+cap\s+spent\s+over cap\s+held\s+remaining\s+refused\s+resets\s+forecast$/,
    );
    expect(lines[1]).toMatch(
      /^learned \(adaptive p95\)\s+lifetime\s+1,000 tok\s+1,200 tok\s+200 tok\s+0 tok\s+0 tok\s+0\s+-\s+-$/,
    );
    expect(lines[2]).toMatch(/^strict\s+lifetime\s+1,000 tok\s+0 tok\s+-\s+0 tok\s+1,000 tok\s+0\s+-\s+-$/);
  });

  it('says so when no budget is configured', async () => {
    const configPath = join(dir, 'empty.config.json');
    writeFileSync(configPath, '{}');
    const result = await runCli(['budgets', '--config', configPath, '--db', `sqlite:${join(dir, 'absent.db')}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'no budgets (budgets: [...] in the config file, or POST /v1/budgets on the server)',
    );
  });

  it('lists the admin API budgets stored beside the counters, and `budgets audit` shows their changes', async () => {
    const configPath = join(dir, 'api.config.json');
    writeFileSync(configPath, JSON.stringify({ budgets: [{ name: 'filed', capUsd: 2, window: 'week' }] }));
    const db = join(dir, 'api.db');
    const store = SqliteBudgetCounters.open({ path: budgetCountersPath(db) });
    const registry = await openBudgetRegistry({ configBudgets: [], store });
    const admin = createBudgetAdmin(registry, () => Date.parse('2026-12-01T09:30:00Z'));
    await admin.create('TL_ADMIN', { name: 'prepaid', capUsd: 10, window: 'lifetime' });
    await admin.topUp('TL_ADMIN', 'prepaid', { usd: 2.5 });
    await admin.create('OTHER_ADMIN', {
      name: 'hooked',
      capTokens: 5000,
      window: 'day',
      alerts: { webhook: 'https://hooks.example/secret-path' },
    });
    await admin.setPaused('OTHER_ADMIN', 'hooked', true);
    registry.close();
    await store.close();

    const listed = await runCli(['budgets', '--config', configPath, '--db', `sqlite:${db}`, '--json']);
    expect(listed.code).toBe(0);
    expect(
      (JSON.parse(listed.stdout) as Record<string, unknown>[]).map((row) => [
        row['name'],
        row['source'],
        row['cap'],
        row['paused'],
      ]),
    ).toEqual([
      ['filed', 'config', 2, false],
      ['hooked', 'api', 5000, true],
      ['prepaid', 'api', 12.5, false],
    ]);

    const audit = await runCli(['budgets', 'audit', '--config', configPath, '--db', `sqlite:${db}`]);
    expect(audit.code).toBe(0);
    expect(
      audit.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(/\s{2,}/)),
    ).toEqual([
      ['id', 'at', 'actor', 'action', 'budget', 'cap before', 'cap after'],
      ['4', '2026-12-01T09:30:00Z', 'OTHER_ADMIN', 'pause', 'hooked', '5000 tok', '5000 tok (paused)'],
      ['3', '2026-12-01T09:30:00Z', 'OTHER_ADMIN', 'create', 'hooked', '-', '5000 tok'],
      ['2', '2026-12-01T09:30:00Z', 'TL_ADMIN', 'top-up', 'prepaid', '$10', '$12.5'],
      ['1', '2026-12-01T09:30:00Z', 'TL_ADMIN', 'create', 'prepaid', '-', '$10'],
    ]);
    const json = await runCli([
      'budgets',
      'audit',
      '--budget',
      'hooked',
      '--json',
      '--config',
      configPath,
      '--db',
      `sqlite:${db}`,
    ]);
    expect(json.stdout).not.toContain('secret-path');
    expect((JSON.parse(json.stdout) as { action: string }[]).map((entry) => entry.action)).toEqual(['pause', 'create']);
  });
});
