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
import { compareModels, formatCount, formatPercentile, formatRate, formatUsd } from '../../analytics/index.js';
import { TokenledgerError, ValidationError } from '../../errors/index.js';
import type { ModelComparison } from '../../types/index.js';
import { resolveNamedFilter, resolveRecordedName } from '../named-filter.js';
import { DEFAULT_DB, filterFromOptions, noteTo, openReportStore } from './report.js';

interface CompareOptions {
  db?: string;
  config?: string;
  run?: string;
  agent?: string;
  provider?: string;
  tag: string[];
  since?: string;
  from?: string;
  to?: string;
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

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
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
  program
    .command('compare')
    .description(
      'Compare models side by side: tokens and cost per call, cost per 1k output tokens, latency, success rate.',
    )
    .argument(
      '<models...>',
      'two or more model names as recorded (gpt-4o finds its one dated version, gpt-4o-2024-08-06)',
    )
    .option('--db <url>', `store URL (default: config store, TOKENLEDGER_DB, ${DEFAULT_DB})`)
    .option('-c, --config <path>', 'config file (its store is the default --db)')
    .option('--since <duration>', 'only the last 90s, 30m, 24h, 7d, 2w')
    .option('--from <iso>', 'only calls started at or after this time')
    .option('--to <iso>', 'only calls started before this time')
    .option('--run <run>', 'only this run')
    .option('--agent <agent>', 'only this agent')
    .option('--provider <provider>', 'only this provider')
    .option('--tag <key=value>', 'only calls with this tag (repeatable)', collect, [])
    .option('--format <format>', 'output: table | json', 'table')
    .action(async (models: string[], options: CompareOptions) => {
      try {
        process.stdout.write(`${await runCompare(models, options)}\n`);
      } catch (error) {
        const message = TokenledgerError.isInstance(error) || error instanceof Error ? error.message : String(error);
        process.stderr.write(`tokenledger compare: ${message}\n`);
        process.exitCode = 1;
      }
    });
}
