/**
 * `tokenledger budgets [--config PATH] [--db URL] [--json]`: each configured budget's standing
 * in its current window: cap, spent, held, remaining, reset, and a burn-rate forecast. Reads the
 * counters where the server keeps them (beside the ledger, or in Redis).
 *
 * @module
 */
import type { Command } from 'commander';
import { reportFailure } from '../command-failure.js';
import { budgetFromConfig, budgetStatuses, type BudgetStatus, openBudgetCounters } from '../../budgets/index.js';
import { loadConfig } from '../../config/index.js';
import { DEFAULT_DB } from '../../store/index.js';
import { nanosToUsd } from '../../units/index.js';

interface BudgetsOptions {
  config?: string;
  db?: string;
  json?: boolean;
}

function amount(status: BudgetStatus, value: number): string {
  return status.budget.unit === 'usd' ? `$${nanosToUsd(value).toFixed(2)}` : `${value.toLocaleString('en-US')} tok`;
}

function windowOf(status: BudgetStatus): string {
  const { window } = status.budget;
  if (window.kind === 'rolling') return `last ${window.hours}h`;
  if (window.kind === 'lifetime') return 'lifetime';
  return window.timeZone === 'UTC' ? window.kind : `${window.kind} ${window.timeZone}`;
}

function forecastOf(status: BudgetStatus): string {
  if (status.forecast === undefined) return '-';
  const projected = `${amount(status, status.forecast.projected)} by reset`;
  if (status.forecast.runsOutAt === undefined) return projected;
  return `${projected}; runs out ${new Date(status.forecast.runsOutAt).toISOString().slice(0, 16)}Z`;
}

function table(statuses: readonly BudgetStatus[]): string {
  const rows = [
    ['budget', 'window', 'cap', 'spent', 'held', 'remaining', 'refused', 'resets', 'forecast'],
    ...statuses.map((status) => [
      status.budget.paused ? `${status.budget.name} (paused)` : status.budget.name,
      windowOf(status),
      amount(status, status.budget.cap),
      amount(status, status.spent),
      amount(status, status.held),
      amount(status, status.remaining),
      String(status.refused),
      status.resetsAt === undefined ? '-' : `${new Date(status.resetsAt).toISOString().slice(0, 16)}Z`,
      forecastOf(status),
    ]),
  ];
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

function asJson(statuses: readonly BudgetStatus[]): unknown {
  const figure = (status: BudgetStatus, value: number) => (status.budget.unit === 'usd' ? nanosToUsd(value) : value);
  return statuses.map((status) => ({
    name: status.budget.name,
    unit: status.budget.unit,
    window: windowOf(status),
    paused: status.budget.paused,
    cap: figure(status, status.budget.cap),
    spent: figure(status, status.spent),
    held: figure(status, status.held),
    remaining: figure(status, status.remaining),
    refused: status.refused,
    resetsAt: status.resetsAt === undefined ? null : new Date(status.resetsAt).toISOString(),
    forecast:
      status.forecast === undefined
        ? null
        : {
            projected: figure(status, status.forecast.projected),
            runsOutAt:
              status.forecast.runsOutAt === undefined ? null : new Date(status.forecast.runsOutAt).toISOString(),
          },
  }));
}

async function runBudgets(options: BudgetsOptions): Promise<void> {
  const config = await loadConfig(options.config === undefined ? {} : { path: options.config });
  if (config.budgets.length === 0) {
    process.stderr.write('no budgets configured (budgets: [...] in the config file)\n');
    process.exitCode = 1;
    return;
  }
  const counters = await openBudgetCounters({
    store: options.db ?? config.store ?? process.env['TOKENLEDGER_DB'] ?? DEFAULT_DB,
    redis: config.redis,
  });
  try {
    const statuses = await budgetStatuses(config.budgets.map(budgetFromConfig), counters, Date.now());
    process.stdout.write(`${options.json ? JSON.stringify(asJson(statuses), null, 2) : table(statuses)}\n`);
  } finally {
    await counters.close();
  }
}

export function registerBudgetsCommand(program: Command): void {
  program
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
}
