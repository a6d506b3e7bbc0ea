/**
 * `tokenledger compare MODEL MODEL... [--db URL] [--since 24h | --from ISO --to ISO]
 * [--agent A] [--run R] [--tag k=v] [--format table|json]`
 *
 * The models side by side: calls, success rate, average tokens and cost per call, cost per
 * 1k output tokens, latency p50/p95. `--format json` prints exactly what `compareModels()` returns
 * and `POST /analytics/tokens/compare` serves.
 *
 * @module
 */
import type { Command } from 'commander';
import { type SliceOptions, withSliceOptions } from '../slice-options.js';
import { reportFailure } from '../command-failure.js';
import { compareModels, formatCount, formatPercentile, formatRate, formatUsd } from '../../analytics/index.js';
import { ValidationError } from '../../errors/index.js';
import type { ModelComparison } from '../../types/index.js';
import { resolveNamedFilter, resolveRecordedName } from '../named-filter.js';
import { filterFromOptions, noteTo, openReportStore } from './report.js';

interface CompareOptions extends SliceOptions {
  format: string;
}

const ratio = (value: number | null): string => (value === null ? 'n/a' : `${value.toFixed(2)}x`);
const usd = (value: number | null): string => (value === null ? 'n/a' : formatUsd(value));
const count = (value: number | null): string => (value === null ? 'n/a' : formatCount(Math.round(value)));

const ROWS: Array<[string, (m: ModelComparison) => string]> = [
  ['calls', (m) => formatCount(m.calls)],
  ['success rate', (m) => formatRate(m.successRate)],
  ['avg input tokens/call', (m) => count(m.avgInputTokensPerCall)],
  ['avg output tokens/call', (m) => count(m.avgOutputTokensPerCall)],
  ['avg tokens/call', (m) => count(m.avgTokensPerCall)],
  ['  vs first model', (m) => ratio(m.tokensPerCallVsFirst)],
  ['avg cost/call', (m) => usd(m.avgCostPerCall)],
  ['  vs first model', (m) => ratio(m.costPerCallVsFirst)],
  ['cost per 1k output tokens', (m) => usd(m.costPer1kOutputTokens)],
  ['latency p50', (m) => formatPercentile(m.latencyP50Ms, m.latencyApproximate)],
  ['latency p95', (m) => formatPercentile(m.latencyP95Ms, m.latencyApproximate)],
  ['unpriced calls', (m) => formatCount(m.unpricedCalls)],
];

/** One column per model, one row per figure. */
export function renderComparison(models: readonly ModelComparison[]): string {
  const header = ['', ...models.map((m) => m.model)];
  const body = ROWS.map(([label, cell]) => [label, ...models.map(cell)]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

async function runCompare(models: string[], options: CompareOptions): Promise<string> {
  if (models.length < 2) throw new ValidationError('compare needs at least two models', { field: 'models' });
  if (options.format !== 'table' && options.format !== 'json') {
    throw new ValidationError(`--format must be table or json, got "${options.format}"`, { field: 'format' });
  }
  const asked = filterFromOptions(options);
  const { store } = await openReportStore(options, { readOnly: true });
  try {
    const note = noteTo('compare');
    const filter = await resolveNamedFilter(store, asked, note);
    const names: string[] = [];
    for (const model of models) names.push(await resolveRecordedName(store, 'model', model, note));
    const comparison = await compareModels(store, names, filter);
    return options.format === 'json' ? JSON.stringify(comparison, null, 2) : renderComparison(comparison.models);
  } finally {
    await store.close();
  }
}

export function registerCompareCommand(program: Command): void {
  const command = program
    .command('compare')
    .description(
      'Compare models side by side: tokens and cost per call, cost per 1k output tokens, latency, success rate.',
    )
    .argument(
      '<models...>',
      'two or more model names as recorded (gpt-4o finds its one dated version, gpt-4o-2024-08-06)',
    );
  withSliceOptions(command)
    .option('--format <format>', 'output: table | json', 'table')
    .action(async (models: string[], options: CompareOptions) => {
      try {
        process.stdout.write(`${await runCompare(models, options)}\n`);
      } catch (error) {
        reportFailure('compare', error);
      }
    });
}
