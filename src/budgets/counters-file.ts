/**
 * The SQLite file that holds a ledger's budget counters and definitions: beside the ledger's
 * file, not in it (`tokenledger.db` -> `tokenledger.budgets.db`). Every process that opens the
 * ledger opens the same counters, so they are shared on the machine as before; but an admission
 * never waits for the ledger's own writers (the server's event drain, `tokenledger import`, a
 * re-pricing or a migration), which hold the ledger's write lock for milliseconds to seconds.
 *
 * Counters kept inside the ledger file by earlier versions are moved once, when the counters
 * file is first made (moveBudgetTablesFromLedger).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { loadSqlite } from '../lazy/index.js';

/**
 * The counters file of the ledger at `ledgerPath`: `.budgets` before its extension (an in-memory
 * ledger's are in memory).
 */
export function budgetCountersPath(ledgerPath: string): string {
  if (ledgerPath === '' || ledgerPath === ':memory:') return ':memory:';
  const extension = extname(ledgerPath);
  const stem = basename(ledgerPath, extension);
  return join(dirname(ledgerPath), `${stem}.budgets${extension}`);
}

/** The tables earlier versions kept in the ledger file, in the order they are copied. */
const MOVED_TABLES = [
  'budget_spend',
  'budget_holds',
  'budget_refusals',
  'budget_alerts',
  'budget_definitions',
  'budget_audit',
] as const;

const MOVED_MARK = `CREATE TABLE IF NOT EXISTS budget_moved_from_ledger (
  path TEXT PRIMARY KEY,
  moved_at INTEGER NOT NULL,
  rows INTEGER NOT NULL
) WITHOUT ROWID`;

/**
 * Copies the budget tables an earlier version kept in the ledger at `ledgerPath` into `db` (the
 * counters file, its tables made), once: the copy and its mark are one transaction, so two
 * processes starting together copy once, and a later start finds the mark. The ledger's tables
 * are left as they were (unused from now on). Returns the rows copied.
 */
export function moveBudgetTablesFromLedger(db: Database.Database, ledgerPath: string): number {
  db.exec(MOVED_MARK);
  const done = db.prepare('SELECT 1 FROM budget_moved_from_ledger WHERE path = ?').pluck();
  if (done.get(ledgerPath) !== undefined || !existsSync(ledgerPath)) return 0;
  const Sqlite = loadSqlite();
  const ledger = new Sqlite(ledgerPath, { readonly: true, fileMustExist: true });
  try {
    const present = new Set(
      (ledger.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]).filter((name) =>
        (MOVED_TABLES as readonly string[]).includes(name),
      ),
    );
    const move = db.transaction((): number => {
      if (done.get(ledgerPath) !== undefined) return 0;
      let rows = 0;
      for (const table of MOVED_TABLES) {
        if (!present.has(table)) continue;
        const old = ledger.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
        const first = old[0];
        if (first === undefined) continue;
        // The columns both tables have: an older version's table may lack a newer column (its default applies).
        const current = new Set(db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]);
        const columns = Object.keys(first).filter((name) => current.has(name));
        const insert = db.prepare(
          `INSERT OR IGNORE INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((name) => `@${name}`).join(', ')})`,
        );
        for (const row of old) rows += insert.run(Object.fromEntries(columns.map((name) => [name, row[name]]))).changes;
      }
      db.prepare('INSERT INTO budget_moved_from_ledger (path, moved_at, rows) VALUES (?, ?, ?)').run(
        ledgerPath,
        Date.now(),
        rows,
      );
      return rows;
    });
    return move.immediate();
  } finally {
    ledger.close();
  }
}
