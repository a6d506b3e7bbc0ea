/**
 * `tokenledger dead-letters [--db URL] [--config PATH] [--count] [--limit N] [--json]`: the
 * events the store refused for good (a constraint, an encoding, a range the validation could
 * not see), newest first: time, event id, provider/model and the reason; `--count` prints how
 * many the store keeps; `--json` prints them whole (the event as it was refused), one JSON
 * array. Reads the ledger only (a missing SQLite file is an error, not an empty ledger).
 *
 * @module
 */
import type { Command } from 'commander';
import { reportFailure } from '../command-failure.js';
import { ValidationError } from '../../errors/index.js';
import type { DeadLetter } from '../../store/index.js';
import { openReportStore } from './report.js';

interface DeadLettersOptions {
  db?: string;
  config?: string;
  count?: boolean;
  limit: string;
  json?: boolean;
}

function table(letters: readonly DeadLetter[], total: number): string {
  if (letters.length === 0) return 'no dead letters';
  const rows = letters.map((letter) => [
    letter.time,
    letter.id,
    `${String(letter.event.provider)}/${String(letter.event.model)}`,
    letter.reason,
  ]);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '));
  const more = total > letters.length ? [`(${total - letters.length} more; raise --limit)`] : [];
  return [...lines, ...more].join('\n');
}

async function runDeadLetters(options: DeadLettersOptions): Promise<void> {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new ValidationError(`--limit must be an integer from 1 to 10000, got "${options.limit}"`, { field: 'limit' });
  const { store } = await openReportStore(options, { readOnly: true });
  try {
    const total = await store.countDeadLetters();
    if (options.count === true) {
      process.stdout.write(`${total}\n`);
      return;
    }
    const letters = await store.deadLetters({ limit });
    process.stdout.write(`${options.json === true ? JSON.stringify(letters, null, 2) : table(letters, total)}\n`);
  } finally {
    await store.close();
  }
}

export function registerDeadLettersCommand(program: Command): void {
  program
    .command('dead-letters')
    .description('List the events the store refused for good, with the reason (newest first).')
    .option('--db <url>', 'store URL (default: the config, TOKENLEDGER_DB, ./tokenledger.db)')
    .option('-c, --config <path>', 'config file')
    .option('--count', 'print how many dead letters the store keeps')
    .option('--limit <n>', 'list at most this many', '100')
    .option('--json', 'print them whole as JSON')
    .action(async (options: DeadLettersOptions) => {
      try {
        await runDeadLetters(options);
      } catch (error) {
        reportFailure('dead-letters', error);
      }
    });
}
