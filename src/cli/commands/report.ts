/**
 * `tokenledger report [--db URL] [--run R] [--by model|agent|run|agent-model]
 * [--sort cost|tokens|calls|latency] [--since 24h | --from ISO --to ISO] [--model M]
 * [--agent A] [--provider P] [--tag k=v] [--format table|json|csv] [--config PATH]`
 *
 * Without `--by`: the run report block (seed 002) for the filter; `--format json` prints the
 * analytics `usageOverview()` object (summary, models, agents, agentModels), `csv` the summary row.
 * With `--by`: one row per group, most expensive first (`--sort` to rank by tokens, calls or mean
 * latency), each with its share of the cost; `json` prints exactly what `usageByModel()`/`usageByAgent()`/
 * `usageByRun()`/`usageByAgentModel()` return (and the API serves), `csv` the same rows flattened
 * (`tokens.total`, `latency.p95Ms`...) under a header row.
 *
 * The store is `--db`, else the config's `store` (or env `TOKENLEDGER_DB`), else
 * `sqlite:./tokenledger.db`.
 *
 * @module
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, WEEK_MS, looksLikeIsoTime, parseIsoTime } from '../../units/index.js';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import {
  usageByAgentModel,
  usageByAgent,
  usageByModel,
  usageByRun,
  formatCount,
  formatDuration,
  formatMs,
  formatRate,
  formatCostCell,
  unpricedWithUsage,
  byMetric,
  RANK_METRICS,
  type RankMetric,
  usageOverview,
  renderRunReport,
  csvCell,
} from '../../analytics/index.js';
import { loadConfig } from '../../config/index.js';
import { TokenledgerError, ValidationError } from '../../errors/index.js';
import { openStore, sqliteFilePath, type Store } from '../../store/index.js';
import { type Note, resolveNamedFilter } from '../named-filter.js';
import type { CostShare, Filter, PriceOverride, UsageStats } from '../../types/index.js';

export const DEFAULT_DB = 'sqlite:./tokenledger.db';
const GROUPINGS = ['model', 'agent', 'run', 'agent-model'] as const;
type Grouping = (typeof GROUPINGS)[number];
const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

interface ReportOptions {
  db?: string;
  config?: string;
  run?: string;
  model?: string;
  agent?: string;
  provider?: string;
  tag: string[];
  by?: string;
  since?: string;
  from?: string;
  to?: string;
  format: string;
  /** Order of the `--by` rows (commander gives its default, `cost`). */
  sort?: string;
}

const UNIT_MS: Record<string, number> = { s: SECOND_MS, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS, w: WEEK_MS };

/** `90s`, `30m`, `24h`, `7d`, `2w` -> milliseconds. */
export function parseSince(text: string): number {
  const match = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (match === null)
    throw new ValidationError(`--since must look like 30m, 24h or 7d, got "${text}"`, { field: 'since' });
  return Number(match[1]) * (UNIT_MS[match[2] ?? 'h'] ?? 0);
}

/** An ISO date or date-time (UTC unless it names an offset); a day that does not exist is refused. */
function parseDate(text: string, field: 'from' | 'to'): Date {
  const ms = parseIsoTime(text);
  if (ms === undefined) {
    const why = looksLikeIsoTime(text) ? 'names a day or hour that does not exist' : 'must be an ISO date-time';
    throw new ValidationError(`--${field} ${why}, such as 2025-01-31T00:00:00Z, got "${text}"`, { field });
  }
  return new Date(ms);
}

/** The command line's filter options -> a Filter. */
export function filterFromOptions(options: ReportOptions, now = Date.now()): Filter {
  if (options.since !== undefined && (options.from !== undefined || options.to !== undefined)) {
    throw new ValidationError('use either --since or --from/--to, not both', { field: 'since' });
  }
  const filter: Filter = {};
  if (options.since !== undefined) filter.from = new Date(now - parseSince(options.since));
  if (options.from !== undefined) filter.from = parseDate(options.from, 'from');
  if (options.to !== undefined) filter.to = parseDate(options.to, 'to');
  if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to) {
    throw new ValidationError('--from must be before --to', { field: 'from' });
  }
  if (options.run !== undefined) filter.run = options.run;
  if (options.model !== undefined) filter.model = options.model;
  if (options.agent !== undefined) filter.agent = options.agent;
  if (options.provider !== undefined) filter.provider = options.provider;
  for (const pair of options.tag) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new ValidationError(`--tag must be KEY=VALUE, got "${pair}"`, { field: 'tag' });
    filter.tags = { ...filter.tags, [pair.slice(0, at)]: pair.slice(at + 1) };
  }
  return filter;
}

/**
 * Opens the store the options point at (see the module comment for the order). A reading
 * command (`readOnly`) never creates a ledger: opening a missing SQLite file would make an
 * empty one and answer with zeros, as if nothing had been recorded.
 */
export async function openReportStore(
  options: { db?: string; config?: string },
  access: { readOnly: boolean },
): Promise<{ store: Store; prices: PriceOverride[] }> {
  const config = await loadConfig(options.config === undefined ? {} : { path: options.config });
  const url = options.db ?? config.store ?? DEFAULT_DB;
  const file = sqliteFilePath(url);
  if (access.readOnly && file !== undefined && !existsSync(file))
    throw new ValidationError(`no ledger at ${file}; record something first or pass --db`, { field: 'db' });
  return { store: await openStore(url), prices: config.prices };
}

/** A note for stderr, under the command's name. */
export function noteTo(command: string): Note {
  return (line) => process.stderr.write(`tokenledger ${command}: ${line}\n`);
}

type Row = Record<string, string | number | boolean | null>;

/** Nested stats -> one flat row (`tokens.total`), arrays joined with `;`. */
function flatten(value: unknown, prefix = '', out: Row = {}): Row {
  if (Array.isArray(value)) out[prefix] = value.join(';');
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix === '' ? key : `${prefix}.${key}`, out);
  } else out[prefix] = value === undefined ? null : (value as string | number | boolean | null);
  return out;
}

export function toCsv(items: readonly object[], template: object): string {
  const header = Object.keys(flatten(template));
  const lines = [header.join(',')];
  for (const item of items) {
    const row = flatten(item);
    lines.push(header.map((key) => csvCell(row[key] ?? null)).join(','));
  }
  return lines.join('\n');
}

export interface Column<T> {
  title: string;
  value: (item: T) => string;
  left?: boolean;
}

function statsColumns<T extends UsageStats & CostShare>(): Column<T>[] {
  return [
    { title: 'calls', value: (s) => formatCount(s.calls) },
    { title: 'success', value: (s) => formatRate(s.successRate) },
    { title: 'input', value: (s) => formatCount(s.tokens.input) },
    { title: 'output', value: (s) => formatCount(s.tokens.output) },
    { title: 'total', value: (s) => formatCount(s.tokens.total) },
    { title: 'cost', value: formatCostCell },
    { title: 'share', value: (s) => formatRate(s.costShare) },
    { title: 'p50', value: (s) => formatMs(s.latency.p50Ms) },
    { title: 'p95', value: (s) => formatMs(s.latency.p95Ms) },
  ];
}

/** What the cost column's marks mean, under the table, only when a row has one. */
export function costFootnotes(rows: readonly UsageStats[]): string[] {
  const unpriced = rows.reduce((sum, row) => sum + unpricedWithUsage(row), 0);
  const noUsage = rows.reduce((sum, row) => sum + row.usageUnavailableCalls, 0);
  const calls = (n: number) => `${formatCount(n)} ${n === 1 ? 'call' : 'calls'}`;
  const notes: string[] = [];
  if (unpriced > 0)
    notes.push(
      `* ${calls(unpriced)} with usage but no known price: not included in the cost (n/a: no call of the row has one; the config's prices: sets one)`,
    );
  if (noUsage > 0)
    notes.push(`  ${calls(noUsage)} without usage (failed before an answer): no tokens, nothing to price`);
  return notes;
}

/** The table, then its cost footnotes after a blank line. */
function tableWithNotes<T extends UsageStats>(items: readonly T[], columns: Column<T>[]): string {
  const notes = costFootnotes(items);
  return notes.length === 0 ? table(items, columns) : `${table(items, columns)}\n\n${notes.join('\n')}`;
}

export function table<T>(items: readonly T[], columns: Column<T>[]): string {
  const cells = items.map((item) => columns.map((c) => c.value(item)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (columns[i]?.left ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rows = [line(columns.map((c) => c.title)), ...cells.map(line)];
  if (items.length === 0) rows.push('(no calls match)');
  return rows.join('\n');
}

const name = (value: string | null, none: string) => value ?? none;

async function grouped(store: Store, by: Grouping, filter: Filter, format: Format, sort: RankMetric): Promise<string> {
  const empty = { tokens: {}, cost: {}, latency: {}, timeToFirstToken: {} };
  switch (by) {
    case 'model': {
      const rows = (await usageByModel(store, filter)).sort(byMetric(sort, (r) => r.model));
      if (format === 'json') return JSON.stringify(rows, null, 2);
      if (format === 'csv') return toCsv(rows, templateOf(rows, { model: '', agents: [], ...empty }));
      return tableWithNotes(rows, [
        { title: 'model', value: (r) => r.model, left: true },
        ...statsColumns(),
        { title: 'agents', value: (r) => r.agents.join(', '), left: true },
      ]);
    }
    case 'agent': {
      const rows = (await usageByAgent(store, filter)).sort(byMetric(sort, (r) => r.agent));
      if (format === 'json') return JSON.stringify(rows, null, 2);
      if (format === 'csv') return toCsv(rows, templateOf(rows, { agent: '', models: [], ...empty }));
      return tableWithNotes(rows, [
        { title: 'agent', value: (r) => name(r.agent, '(no agent)'), left: true },
        ...statsColumns(),
        { title: 'models', value: (r) => r.models.join(', '), left: true },
      ]);
    }
    case 'run': {
      const rows = (await usageByRun(store, filter)).sort(byMetric(sort, (r) => r.run));
      if (format === 'json') return JSON.stringify(rows, null, 2);
      if (format === 'csv') return toCsv(rows, templateOf(rows, { run: '', ...empty }));
      return tableWithNotes(rows, [
        { title: 'run', value: (r) => name(r.run, '(no run)'), left: true },
        ...statsColumns(),
        { title: 'wall', value: (r) => formatDuration(r.wallTimeMs) },
      ]);
    }
    case 'agent-model': {
      const rows = (await usageByAgentModel(store, filter)).sort(
        byMetric(sort, (r) => `${r.agent ?? ''}\u0000${r.model}`),
      );
      if (format === 'json') return JSON.stringify(rows, null, 2);
      if (format === 'csv') return toCsv(rows, templateOf(rows, { agent: '', model: '', ...empty }));
      return tableWithNotes(rows, [
        { title: 'agent', value: (r) => name(r.agent, '(no agent)'), left: true },
        { title: 'model', value: (r) => r.model, left: true },
        ...statsColumns(),
      ]);
    }
  }
}

/** The CSV header comes from the first row, or (no rows) from a stand-in with the same keys. */
function templateOf(rows: readonly object[], fallback: object): object {
  return rows[0] ?? fallback;
}

async function runReport(options: ReportOptions): Promise<string> {
  const format = options.format as Format;
  if (!FORMATS.includes(format))
    throw new ValidationError(`--format must be one of ${FORMATS.join(', ')}, got "${options.format}"`, {
      field: 'format',
    });
  if (options.by !== undefined && !(GROUPINGS as readonly string[]).includes(options.by)) {
    throw new ValidationError(`--by must be one of ${GROUPINGS.join(', ')}, got "${options.by}"`, { field: 'by' });
  }
  const sort = (options.sort ?? 'cost') as RankMetric;
  if (!RANK_METRICS.includes(sort))
    throw new ValidationError(`--sort must be one of ${RANK_METRICS.join(', ')}, got "${options.sort}"`, {
      field: 'sort',
    });
  const asked = filterFromOptions(options);
  const { store } = await openReportStore(options, { readOnly: true });
  try {
    const filter = await resolveNamedFilter(store, asked, noteTo('report'));
    if (options.by !== undefined) return await grouped(store, options.by as Grouping, filter, format, sort);
    const data = await usageOverview(store, filter);
    if (format === 'json') return JSON.stringify(data, null, 2);
    if (format === 'csv') return toCsv([data.summary], data.summary);
    return renderRunReport(data, options.run === undefined ? {} : { subject: options.run });
  } finally {
    await store.close();
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('Token usage and cost: the run report, or a breakdown by model, agent, run or agent x model.')
    .option(
      '--db <url>',
      `store URL: sqlite:PATH, postgres://..., memory: (default: config store, TOKENLEDGER_DB, ${DEFAULT_DB})`,
    )
    .option('-c, --config <path>', 'config file (its store is the default --db)')
    .option('--run <run>', 'only this run (the report is titled with it)')
    .option('--by <grouping>', `one row per ${GROUPINGS.join(' | ')}`)
    .option('--since <duration>', 'only the last 90s, 30m, 24h, 7d, 2w')
    .option('--from <iso>', 'only calls started at or after this time')
    .option('--to <iso>', 'only calls started before this time')
    .option('--model <model>', 'only this model')
    .option('--agent <agent>', 'only this agent')
    .option('--provider <provider>', 'only this provider')
    .option('--tag <key=value>', 'only calls with this tag (repeatable)', collect, [])
    .option('--format <format>', `output: ${FORMATS.join(' | ')}`, 'table')
    .option('--sort <metric>', `--by rows, largest first: ${RANK_METRICS.join(' | ')} (latency: mean)`, 'cost')
    .action(async (options: ReportOptions) => {
      try {
        process.stdout.write(`${await runReport(options)}\n`);
      } catch (error) {
        // One clear line, never a stack trace.
        const message = TokenledgerError.isInstance(error) || error instanceof Error ? error.message : String(error);
        process.stderr.write(`tokenledger report: ${message}\n`);
        process.exitCode = 1;
      }
    });
}
