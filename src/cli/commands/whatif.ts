/**
 * `tokenledger whatif --as FROM=TO [--as FROM=TO...] [--db URL] [filters] [--format table|json]`
 *
 * The calls of FROM, priced call by call on TO: per model, agent and run, what they cost, what
 * they would have cost, and the difference. `--format json` prints exactly what `whatIf()`
 * returns and `POST /analytics/tokens/whatif` serves.
 *
 * @module
 */
import type { Command } from 'commander';
import { collect, type SliceOptions, withSliceOptions } from '../slice-options.js';
import { reportFailure } from '../command-failure.js';
import {
  formatCount,
  formatSignedUsd,
  formatUsd,
  parseModelSwap,
  unpricedSwap,
  whatIf,
} from '../../analytics/index.js';
import type { WhatIfFigures } from '../../types/index.js';
import { ValidationError } from '../../errors/index.js';
import { createPricer } from '../../pricing/index.js';
import { resolveNamedFilter, resolveRecordedName } from '../named-filter.js';
import { type Column, filterFromOptions, noteTo, openReportStore, slicedTables } from './report.js';

interface WhatIfOptions extends SliceOptions {
  as: string[];
  format: string;
}

function figureColumns<T extends WhatIfFigures>(): Column<T>[] {
  return [
    { title: 'calls', value: (f) => formatCount(f.calls) },
    { title: 'actual', value: (f) => formatUsd(f.actualUsd) },
    { title: 'what if', value: (f) => formatUsd(f.whatIfUsd) },
    { title: 'difference', value: (f) => formatSignedUsd(f.differenceUsd) },
    { title: 'ratio', value: (f) => (f.ratio === null ? 'n/a' : `${f.ratio.toFixed(2)}x`) },
  ];
}

type Report = Awaited<ReturnType<typeof whatIf>>;

/** Models, then agents, then runs, then the total; a note for calls that could not be compared. */
export function renderWhatIf(report: Report): string {
  const tables = slicedTables(
    report,
    [
      { title: 'model', value: (m) => m.model, left: true },
      { title: 'as', value: (m) => m.as, left: true },
    ],
    figureColumns,
  );
  const notes = report.byModel
    .filter((m) => m.uncompared !== undefined)
    .map((m) => `* ${formatCount(m.uncompared?.calls ?? 0)} ${m.model} calls not compared: ${m.uncompared?.reason}`);
  return [...tables, ...(notes.length === 0 ? [] : [notes.join('\n')])].join('\n\n');
}

async function runWhatIf(options: WhatIfOptions): Promise<string> {
  if (options.as.length === 0) throw new ValidationError('--as FROM=TO is required (repeatable)', { field: 'as' });
  if (options.format !== 'table' && options.format !== 'json') {
    throw new ValidationError(`--format must be table or json, got "${options.format}"`, { field: 'format' });
  }
  const swaps = options.as.map((text) => {
    const swap = parseModelSwap(text);
    if (typeof swap === 'string') throw new ValidationError(`--as: ${swap}`, { field: 'as' });
    return swap;
  });
  const asked = filterFromOptions(options);
  const { store, prices } = await openReportStore(options, { readOnly: true });
  try {
    const note = noteTo('whatif');
    const filter = await resolveNamedFilter(store, asked, note);
    for (const swap of swaps) swap.from = await resolveRecordedName(store, 'model', swap.from, note);
    const pricer = createPricer({ overrides: prices });
    const unpriced = unpricedSwap(pricer, swaps);
    if (unpriced !== undefined)
      throw new ValidationError(`--as: no price known for ${unpriced.to}; tokenledger prices lists the priced models`, {
        field: 'as',
      });
    const report = await whatIf(store, pricer, swaps, filter);
    return options.format === 'json' ? JSON.stringify(report, null, 2) : renderWhatIf(report);
  } finally {
    await store.close();
  }
}

export function registerWhatIfCommand(program: Command): void {
  const command = program
    .command('whatif')
    .description('Price the calls of one model on another: what they cost, what they would have cost.')
    .option('--as <from=to>', 'a recorded model and the model to price its calls on (repeatable)', collect, []);
  withSliceOptions(command, 'its store is the default --db, its prices apply')
    .option('--format <format>', 'output: table | json', 'table')
    .action(async (options: WhatIfOptions) => {
      try {
        process.stdout.write(`${await runWhatIf(options)}\n`);
      } catch (error) {
        reportFailure('whatif', error);
      }
    });
}
