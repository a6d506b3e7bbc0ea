/**
 * A SQLite ledger's budget counters live in a file of their own beside it: an admission never
 * waits for the ledger's writers, and the counters an earlier version kept inside the ledger
 * file are moved there once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  budgetCountersPath,
  type CounterWindow,
  openBudgetCounters,
  type ReserveLine,
  SqliteBudgetCounters,
} from '#src/budgets/index.js';
import type { BudgetConfig } from '#src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-counters-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 11, 3, 12);
const HOUR = 3_600_000;
const window = (counter: string): CounterWindow => ({ counter, bucket: T0, fromBucket: T0, stepMs: HOUR });
const line = (counter: string, cap: number, amount: number): ReserveLine => ({ ...window(counter), cap, amount });
const prepaid: BudgetConfig = { name: 'acme', capUsd: 10, window: 'lifetime', scope: { tags: { team: 'quant' } } };

describe('budget counters beside a SQLite ledger', () => {
  it('names the file beside the ledger, .budgets before the extension', () => {
    expect(budgetCountersPath('/var/lib/tokenledger.db')).toBe('/var/lib/tokenledger.budgets.db');
    expect(budgetCountersPath('data/ledger')).toBe('data/ledger.budgets');
    expect(budgetCountersPath(':memory:')).toBe(':memory:');
  });

  it('admits while another connection holds the ledger write lock (one file, the reserve waited 2 s and failed)', async () => {
    const ledger = join(dir, 'locked.db');
    const counters = await openBudgetCounters({ store: `sqlite:${ledger}` });
    const writer = new Database(ledger);
    writer.pragma('journal_mode = WAL');
    writer.exec('CREATE TABLE IF NOT EXISTS busy (n INTEGER)');
    writer.exec('BEGIN IMMEDIATE');
    try {
      writer.exec('INSERT INTO busy VALUES (1)');
      const outcome = await counters.reserve({
        reservationId: 'r1',
        lines: [line('c', 100, 40)],
        now: T0,
        leaseMs: 60_000,
      });
      expect(outcome).toEqual({ admitted: true, states: [{ spent: 0, held: 0 }] });
    } finally {
      writer.exec('COMMIT');
      writer.close();
      await counters.close();
    }
  });

  it("moves an earlier version's counters, definitions and audit out of the ledger file, once", async () => {
    const ledger = join(dir, 'upgraded.db');
    // As an earlier version kept them: in the ledger's own file.
    const old = SqliteBudgetCounters.open({ path: ledger });
    const written = await old.writeDefinition({
      budget: 'acme',
      expectedRevision: 0,
      next: prepaid,
      audit: { at: T0, actor: 'ADMIN_KEY', action: 'create', before: null },
    });
    if (!written.written) throw new Error('not written');
    await old.reserve({ reservationId: 'settled', lines: [line('spent', 100, 30)], now: T0, leaseMs: 60_000 });
    await old.settle('settled', { spent: 25 });
    await old.reserve({ reservationId: 'open', lines: [line('spent', 100, 10)], now: T0, leaseMs: 60_000 });
    await old.countRefusal('spent', T0);
    expect(await old.claimAlert('spent', T0, 50)).toBe(true);
    await old.close();

    const moved = await openBudgetCounters({ store: `sqlite:${ledger}`, sqliteThread: 'worker' });
    try {
      expect(await moved.state([window('spent')], T0 + 1)).toEqual([{ spent: 25, held: 10 }]);
      expect(await moved.refusals([window('spent')])).toEqual([1]);
      expect(await moved.alertsSent([window('spent')])).toEqual([[50]]);
      expect(await moved.claimAlert('spent', T0, 50, undefined)).toBe(false);
      expect(await moved.listDefinitions()).toEqual({
        version: written.entry.id,
        budgets: [{ definition: prepaid, revision: written.entry.id }],
      });
      expect(await moved.auditLog({ budget: 'acme', limit: 10 })).toEqual([written.entry]);
      // The hold left open in the ledger file settles from the new file, once.
      expect(await moved.settle('open', { spent: 5 })).toBe(true);
      expect(await moved.settle('open', { spent: 5 })).toBe(false);
    } finally {
      await moved.close();
    }

    // Opened again: the move is not repeated (a second copy would bring the settled hold back).
    const again = await openBudgetCounters({ store: `sqlite:${ledger}` });
    try {
      expect(await again.state([window('spent')], T0 + 1)).toEqual([{ spent: 30, held: 0 }]);
      expect(await again.auditLog({ budget: 'acme', limit: 10 })).toHaveLength(1);
    } finally {
      await again.close();
    }
  });
});
