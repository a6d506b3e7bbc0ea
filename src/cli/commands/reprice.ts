/**
 * `tokenledger reprice [--dry-run] [--db URL] [--config PATH] [filters] [--model M] [--batch N]
 * [--format table|json]`: prices the stored events again with the current price data (the
 * catalog installed in the ledger by `prices update`, else the bundled one, and the config's
 * overrides), each from its stored usage, and writes the changed costs, keeping the replaced
 * ones in the price history and correcting the rollups. `--dry-run` prints the same delta
 * tables (old, new, difference per model, agent and run) and writes nothing.
 *
 * Progress goes to stderr after each batch: one line redrawn in place on a terminal, a plain
 * line every `--progress-every` seconds (5) otherwise. A run stopped midway is finished by the
 * next one (events priced already compare equal and are not written again).
 *
 * @module
 */
import type { Command } from 'commander';
import { formatCount, formatSignedUsd, formatUsd } from '../../analytics/index.js';
import { ValidationError } from '../../errors/index.js';
import {
  repriceEvents,
  syncPriceData,
  type RepriceFigures,
  type RepriceProgress,
  type RepriceReport,
} from '../../ledger/index.js';
import { createPricer } from '../../pricing/index.js';
import { reportFailure } from '../command-failure.js';
import { createLiveStatus } from '../live-status.js';
import { resolveNamedFilter } from '../named-filter.js';
import { collect, type SliceOptions, withSliceOptions } from '../slice-options.js';
import { type Column, filterFromOptions, noteTo, openReportStore, slicedTables } from './report.js';

interface RepriceCliOptions extends SliceOptions {
  model: string[];
  dryRun?: boolean;
  batch: string;
  format: string;
  progressEvery: string;
}

function figureColumns<T extends RepriceFigures>(): Column<T>[] {
  return [
    { title: 'calls', value: (f) => formatCount(f.calls) },
    { title: 'old', value: (f) => formatUsd(f.oldUsd) },
    { title: 'new', value: (f) => formatUsd(f.newUsd) },
    { title: 'difference', value: (f) => formatSignedUsd(f.differenceUsd) },
  ];
}

/** `1,000/1,000,000 read, 800 changed, 800 written | 41,250 events/s`. */
export function formatRepriceProgress(progress: RepriceProgress): string {
  const rate = progress.elapsedMs > 0 ? Math.round((progress.read / progress.elapsedMs) * 1000) : 0;
  return `${formatCount(progress.read)}/${formatCount(progress.total)} read, ${formatCount(progress.changed)} changed, ${formatCount(progress.written)} written | ${formatCount(rate)} events/s`;
}

/** Models, agents, runs and the total of the changed calls, then one line saying what was done. */
export function renderReprice(report: RepriceReport): string {
  const done = report.dryRun
    ? `dry run: ${formatCount(report.changed)} of ${formatCount(report.read)} events would be re-priced; nothing written`
    : `re-priced ${formatCount(report.written)} of ${formatCount(report.read)} events`;
  const unpriced =
    report.unpriced.calls === 0
      ? ''
      : `; ${formatCount(report.unpriced.calls)} the current prices cannot price kept their cost (${report.unpriced.reason ?? ''})`;
  if (report.changed === 0) return `${done}${unpriced}`;
  const tables = slicedTables(
    report,
    [
      { title: 'provider', value: (m) => m.provider, left: true },
      { title: 'model', value: (m) => m.model, left: true },
    ],
    figureColumns,
  );
  return [...tables, `${done}${unpriced}`].join('\n\n');
}

async function runReprice(options: RepriceCliOptions): Promise<string> {
  if (options.format !== 'table' && options.format !== 'json')
    throw new ValidationError(`--format must be table or json, got "${options.format}"`, { field: 'format' });
  const batchSize = Number(options.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
    throw new ValidationError(`--batch must be an integer from 1 to 10000, got "${options.batch}"`, {
      field: 'batch',
    });
  const progressEvery = Number(options.progressEvery);
  if (!Number.isFinite(progressEvery) || progressEvery < 0)
    throw new ValidationError(`--progress-every must be a number of seconds, got "${options.progressEvery}"`, {
      field: 'progress-every',
    });
  const asked = filterFromOptions(options);
  const dryRun = options.dryRun === true;
  const { store, prices } = await openReportStore(options, { readOnly: true });
  const note = noteTo('reprice');
  const status = createLiveStatus({ stream: process.stderr, intervalMs: progressEvery * 1000 });
  try {
    // The ledger's installed catalog is the current data, as serve prices with it.
    const synced = await syncPriceData(store);
    if ('error' in synced) note(`the ledger's price data was not used: ${synced.error}`);
    const filter = await resolveNamedFilter(store, asked, note);
    const report = await repriceEvents({
      store,
      pricer: createPricer({ overrides: prices }),
      filter,
      dryRun,
      batchSize,
      onProgress: (progress) => status.update(() => formatRepriceProgress(progress)),
    });
    status.finish();
    return options.format === 'json' ? JSON.stringify(report, null, 2) : renderReprice(report);
  } finally {
    await store.close();
  }
}

export function registerRepriceCommand(program: Command): void {
  const command = program
    .command('reprice')
    .description(
      'Price the stored calls again with the current prices; keeps the replaced costs, corrects the rollups.',
    )
    .option('--dry-run', 'print what would change (old, new, difference per model, agent, run); write nothing')
    .option('--model <model>', 'only this model (repeatable)', collect, []);
  withSliceOptions(command, 'its store is the default --db, its price overrides apply')
    .option('--batch <n>', 'events per batch (read, then written in one transaction)', '1000')
    .option('--format <format>', 'output: table | json', 'table')
    .option(
      '--progress-every <seconds>',
      'off a terminal, a plain progress line this often (on a terminal the line is redrawn in place)',
      '5',
    )
    .action(async (options: RepriceCliOptions) => {
      try {
        process.stdout.write(`${await runReprice(options)}\n`);
      } catch (error) {
        reportFailure('reprice', error);
      }
    });
}
