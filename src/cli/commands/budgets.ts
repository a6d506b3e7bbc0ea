/**
 * `tokenledger budgets [--config PATH] [--db URL] [--json]`: each budget (the config file's and
 * the admin API's) in its current window: cap, spent, held, remaining, reset, and a burn-rate
 * forecast. `tokenledger budgets audit [--budget NAME] [--limit N] [--json]`: the admin API's
 * changes, newest first. Both read the store the server keeps them in (beside the ledger, or Redis).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { reportFailure } from '../command-failure.js';
import {
  type BudgetAuditEntry,
  type BudgetCountersStore,
  budgetCountersPath,
  type BudgetStatus,
  budgetStatuses,
  budgetStatusView,
  openBudgetCounters,
  openBudgetRegistry,
  shownDefinition,
  windowLabel,
} from '../../budgets/index.js';
import { type Config, loadConfig } from '../../config/index.js';
import { DEFAULT_DB, sqliteFilePath } from '../../store/index.js';
import { nanosToUsd } from '../../units/index.js';

interface BudgetsOptions {
  config?: string;
  db?: string;
  json?: boolean;
}

interface AuditOptions extends BudgetsOptions {
  budget?: string;
  limit?: string;
}

function amount(status: BudgetStatus, value: number): string {
  return status.budget.unit === 'usd' ? `$${nanosToUsd(value).toFixed(2)}` : `${value.toLocaleString('en-US')} tok`;
}

function forecastOf(status: BudgetStatus): string {
  if (status.forecast === undefined) return '-';
  const projected = `${amount(status, status.forecast.projected)} by reset`;
  if (status.forecast.runsOutAt === undefined) return projected;
  return `${projected}; runs out ${new Date(status.forecast.runsOutAt).toISOString().slice(0, 16)}Z`;
}

function columns(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The name, with what sets it apart: paused, adaptive (and its percentile). */
function nameOf(status: BudgetStatus): string {
  const { budget } = status;
  const notes = [
    ...(budget.paused ? ['paused'] : []),
    ...(budget.mode?.kind === 'adaptive' ? [`adaptive p${budget.mode.percentile}`] : []),
  ];
  return notes.length === 0 ? budget.name : `${budget.name} (${notes.join(', ')})`;
}

function table(statuses: readonly BudgetStatus[]): string {
  // Shown only when some budget went above its cap (an adaptive one can, by its bound).
  const over = statuses.some((status) => status.overCap > 0);
  return columns([
    [
      'budget',
      'window',
      'cap',
      'spent',
      ...(over ? ['over cap'] : []),
      'held',
      'remaining',
      'refused',
      'resets',
      'forecast',
    ],
    ...statuses.map((status) => [
      nameOf(status),
      windowLabel(status),
      amount(status, status.budget.cap),
      amount(status, status.spent),
      ...(over ? [status.overCap > 0 ? amount(status, status.overCap) : '-'] : []),
      amount(status, status.held),
      amount(status, status.remaining),
      String(status.refused),
      status.resetsAt === undefined ? '-' : `${new Date(status.resetsAt).toISOString().slice(0, 16)}Z`,
      forecastOf(status),
    ]),
  ]);
}

/**
 * The counters the server uses; undefined when neither the SQLite ledger named nor its counters
 * file exists (nothing stored yet).
 */
async function openCounters(config: Config, options: BudgetsOptions): Promise<BudgetCountersStore | undefined> {
  const store = options.db ?? config.store ?? process.env['TOKENLEDGER_DB'] ?? DEFAULT_DB;
  const file = config.redis === undefined ? sqliteFilePath(store) : undefined;
  if (file !== undefined && !existsSync(file) && !existsSync(budgetCountersPath(file))) return undefined;
  return openBudgetCounters({ store, redis: config.redis });
}

const NONE = 'no budgets (budgets: [...] in the config file, or POST /v1/budgets on the server)\n';

async function runBudgets(options: BudgetsOptions): Promise<void> {
  const config = await loadConfig(options.config === undefined ? {} : { path: options.config });
  const counters = await openCounters(config, options);
  if (counters === undefined && config.budgets.length === 0) {
    process.stderr.write(NONE);
    process.exitCode = 1;
    return;
  }
  const store = counters ?? (await openBudgetCounters({ store: 'memory:' }));
  const registry = await openBudgetRegistry({ configBudgets: config.budgets, store });
  try {
    const entries = registry.entries();
    if (entries.length === 0) {
      process.stderr.write(NONE);
      process.exitCode = 1;
      return;
    }
    const statuses = await budgetStatuses(
      entries.map((entry) => entry.spec),
      store,
      Date.now(),
    );
    const json = () =>
      JSON.stringify(
        statuses.map((status, index) => budgetStatusView(status, entries[index]?.source ?? 'config')),
        null,
        2,
      );
    process.stdout.write(`${options.json ? json() : table(statuses)}\n`);
  } finally {
    registry.close();
    await store.close();
  }
}

function auditTable(entries: readonly BudgetAuditEntry[]): string {
  const cap = (definition: BudgetAuditEntry['before']): string => {
    if (definition === null) return '-';
    const figure = definition.capUsd === undefined ? `${definition.capTokens ?? 0} tok` : `$${definition.capUsd}`;
    return definition.paused === true ? `${figure} (paused)` : figure;
  };
  return columns([
    ['id', 'at', 'actor', 'action', 'budget', 'cap before', 'cap after'],
    ...entries.map((entry) => [
      String(entry.id),
      `${new Date(entry.at).toISOString().slice(0, 19)}Z`,
      entry.actor,
      entry.action,
      entry.budget,
      cap(entry.before),
      cap(entry.after),
    ]),
  ]);
}

async function runAudit(options: AuditOptions): Promise<void> {
  const limit = options.limit === undefined ? 100 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    process.stderr.write('budgets audit: --limit must be an integer from 1 to 10000\n');
    process.exitCode = 1;
    return;
  }
  const config = await loadConfig(options.config === undefined ? {} : { path: options.config });
  const counters = await openCounters(config, options);
  const entries = counters === undefined ? [] : await counters.auditLog({ budget: options.budget, limit });
  await counters?.close();
  if (options.json) process.stdout.write(`${JSON.stringify(entries.map(auditJson), null, 2)}\n`);
  else if (entries.length === 0) process.stdout.write('no budget changes recorded\n');
  else process.stdout.write(`${auditTable(entries)}\n`);
}

/** As GET /v1/budgets/audit answers (a literal webhook URL hidden). */
function auditJson(entry: BudgetAuditEntry) {
  return {
    ...entry,
    at: new Date(entry.at).toISOString(),
    before: shownDefinition(entry.before),
    after: shownDefinition(entry.after),
  };
}

export function registerBudgetsCommand(program: Command): void {
  const budgets = program
    .command('budgets')
    .description('Show each budget in its current window: cap, spent, held, remaining, reset, forecast.')
    .option('-c, --config <path>', 'config file with the budgets')
    .option('--db <url>', 'store URL whose counters to read (default: the config, TOKENLEDGER_DB, ./tokenledger.db)')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: BudgetsOptions) => {
      try {
        await runBudgets(options);
      } catch (error) {
        reportFailure('budgets', error);
      }
    });
  budgets
    .command('audit')
    .description('Show the budget changes made through the admin API: who, when, what, before and after.')
    .option('-c, --config <path>', 'config file (for the store and redis)')
    .option('--db <url>', 'store URL (default: the config, TOKENLEDGER_DB, ./tokenledger.db)')
    .option('--budget <name>', "only this budget's changes")
    .option('--limit <n>', 'newest N changes (default 100)')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: AuditOptions) => {
      try {
        // `--config` and `--db` given after `audit` are read by `budgets` (commander parses a
        // parent's options anywhere): take them from there too.
        await runAudit({ ...(budgets.opts() as BudgetsOptions), ...options });
      } catch (error) {
        reportFailure('budgets audit', error);
      }
    });
}
