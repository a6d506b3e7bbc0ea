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
import { reportFailure } from '../command-failure.js';
import {
  usageByAgentModel,
  usageByAgent,
  usageByModel,
  usageByRun,
  formatCount,
  formatDuration,
  formatPercentile,
  formatUsd,
  formatRate,
  formatCostCell,
  unpricedWithUsage,
  byMetric,
  RANK_METRICS,
  type RankMetric,
  usageBreakdown,
  usageOverview,
  renderRunReport,
  csvCell,
} from '../../analytics/index.js';
import { loadConfig } from '../../config/index.js';
import { ValidationError } from '../../errors/index.js';
import { collect } from '../slice-options.js';
import { DEFAULT_DB, isGroupKey, openStore, sqliteFilePath, type GroupKey, type Store } from '../../store/index.js';
import { type Note, resolveNamedFilter } from '../named-filter.js';
import type { BreakdownEntry, CostShare, Filter, PriceOverride, UsageStats } from '../../types/index.js';

const GROUPINGS = ['model', 'agent', 'run', 'agent-model'] as const;
type Grouping = (typeof GROUPINGS)[number];
const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

interface ReportOptions {
  db?: string;
  config?: string;
  /** Each repeatable: any of the values. */
  run?: string | string[];
  model?: string | string[];
  agent?: string | string[];
  provider?: string | string[];
  tag: string[];
  /** `FIELD=VALUE` or `tag.KEY=VALUE` pairs to leave out. */
  not?: string[];
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
  for (const field of ['run', 'model', 'agent', 'provider'] as const) {
    const values = options[field];
    if (values === undefined) continue;
    const list = typeof values === 'string' ? [values] : values;
    if (list.length > 0) filter[field] = list.length === 1 ? (list[0] ?? '') : list;
  }
  const tags = new Map<string, string[]>();
  for (const pair of options.tag) {
    const [key, value] = splitPair(pair, 'tag');
    tags.set(key, [...(tags.get(key) ?? []), value]);
  }
  if (tags.size > 0)
    filter.tags = Object.fromEntries(
      [...tags].map(([key, values]) => [key, values.length === 1 ? (values[0] ?? '') : values]),
    );
  for (const pair of options.not ?? []) addExclusion(filter, pair);
  return filter;
}

function splitPair(pair: string, option: string): [string, string] {
  const at = pair.indexOf('=');
  if (at <= 0) throw new ValidationError(`--${option} must be KEY=VALUE, got "${pair}"`, { field: option });
  return [pair.slice(0, at), pair.slice(at + 1)];
}

/** `--not model=x`, `--not tag.team=red`: calls to leave out. */
function addExclusion(filter: Filter, pair: string): void {
  const [key, value] = splitPair(pair, 'not');
  const exclude = { ...filter.exclude };
  if (key.startsWith('tag.') && key.length > 4) {
    const tag = key.slice(4);
    exclude.tags = { ...exclude.tags, [tag]: [...(exclude.tags?.[tag] ?? []), value] };
  } else if (key === 'provider' || key === 'model' || key === 'agent' || key === 'run') {
    exclude[key] = [...(exclude[key] ?? []), value];
  } else {
    throw new ValidationError(`--not must name provider, model, agent, run or tag.KEY, got "${key}"`, { field: 'not' });
  }
  filter.exclude = exclude;
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
  /** Shown only when this says so for the table's rows (a column of zeros says nothing). */
  when?: (items: readonly T[]) => boolean;
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
    // Where they apply: what reading from cache saved, what failed calls were billed.
    {
      title: 'cache saved',
      value: (s) => formatUsd(s.cost.cacheSavings),
      when: (rows) => rows.some((s) => s.cost.cacheSavings > 0),
    },
    {
      title: 'failed cost',
      value: (s) => formatUsd(s.cost.failed),
      when: (rows) => rows.some((s) => s.cost.failed > 0),
    },
    { title: 'p50', value: (s) => formatPercentile(s.latency.p50Ms, s.latency.percentilesApproximate) },
    { title: 'p95', value: (s) => formatPercentile(s.latency.p95Ms, s.latency.percentilesApproximate) },
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
function tableWithNotes<T extends UsageStats>(items: readonly T[], all: Column<T>[]): string {
  const columns = all.filter((column) => column.when === undefined || column.when(items));
  const notes = costFootnotes(items);
  return notes.length === 0 ? table(items, columns) : `${table(items, columns)}\n\n${notes.join('\n')}`;
}

/** A report sliced by model, agent and run with a total (what-if, re-pricing): the figures are the report's own. */
export interface SlicedReport<F, M extends F> {
  byModel: readonly M[];
  byAgent: readonly (F & { agent: string | null })[];
  byRun: readonly (F & { run: string | null })[];
  totals: F;
}

/** The model, agent, run and total tables of a sliced report: the model table's naming columns, then `figures`. */
export function slicedTables<F, M extends F>(
  report: SlicedReport<F, M>,
  modelColumns: Column<M>[],
  figures: () => Column<F>[],
): string[] {
  return [
    table(report.byModel, [...modelColumns, ...figures()]),
    table(report.byAgent, [{ title: 'agent', value: (a) => a.agent ?? '(none)', left: true }, ...figures()]),
    table(report.byRun, [{ title: 'run', value: (r) => r.run ?? '(none)', left: true }, ...figures()]),
    table([report.totals], [{ title: 'total', value: () => '', left: true }, ...figures()]),
  ];
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
  const empty = EMPTY_STATS_TEMPLATE;
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

/**
 * `--by`: one of the named groupings (model, agent, run, agent-model: with their models, agents
 * or wall time), or one or two dimensions, comma-separated: provider, model, agent, run, status
 * or tag:KEY (`--by tag:team`, `--by tag:team,model`).
 */
function parseBy(by: string): Grouping | GroupKey[] {
  if ((GROUPINGS as readonly string[]).includes(by)) return by as Grouping;
  const keys = by.split(',').map((key) => key.trim());
  const bad = keys.find((key) => !isGroupKey(key) || key === 'bucket');
  if (bad !== undefined || keys.length > 2 || new Set(keys).size !== keys.length)
    throw new ValidationError(
      `--by must be one of ${GROUPINGS.join(', ')}, or one or two of provider, model, agent, run, status, errorType, errorStatus, priceSource, tag:KEY (comma-separated), got "${by}"`,
      { field: 'by' },
    );
  return keys as GroupKey[];
}

/** One row per group of any dimensions (`--by tag:team,model`). */
async function breakdown(
  store: Store,
  by: GroupKey[],
  filter: Filter,
  format: Format,
  sort: RankMetric,
): Promise<string> {
  const result = await usageBreakdown(store, filter, { by, sort });
  if (format === 'json') return JSON.stringify(result, null, 2);
  const rows = result.groups;
  if (format === 'csv')
    return toCsv(rows, templateOf(rows, { key: Object.fromEntries(by.map((k) => [k, ''])), ...EMPTY_STATS_TEMPLATE }));
  return tableWithNotes(rows, [
    ...by.map(
      (key): Column<BreakdownEntry> => ({ title: key, value: (r) => name(r.key[key] ?? null, '(none)'), left: true }),
    ),
    ...statsColumns<BreakdownEntry>(),
  ]);
}

const EMPTY_STATS_TEMPLATE = { tokens: {}, cost: {}, latency: {}, timeToFirstToken: {} };

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
  const dimensions = options.by === undefined ? undefined : parseBy(options.by);
  const sort = (options.sort ?? 'cost') as RankMetric;
  if (!RANK_METRICS.includes(sort))
    throw new ValidationError(`--sort must be one of ${RANK_METRICS.join(', ')}, got "${options.sort}"`, {
      field: 'sort',
    });
  const asked = filterFromOptions(options);
  const { store } = await openReportStore(options, { readOnly: true });
  try {
    const filter = await resolveNamedFilter(store, asked, noteTo('report'));
    if (dimensions !== undefined && !Array.isArray(dimensions))
      return await grouped(store, dimensions as Grouping, filter, format, sort);
    if (dimensions !== undefined) return await breakdown(store, dimensions as GroupKey[], filter, format, sort);
    const data = await usageOverview(store, filter);
    if (format === 'json') return JSON.stringify(data, null, 2);
    if (format === 'csv') return toCsv([data.summary], data.summary);
    return renderRunReport(data, typeof options.run === 'string' ? { subject: options.run } : {});
  } finally {
    await store.close();
  }
}

/** A repeatable option with no default: one value stays a string (as the options were before). */
function collectOption(value: string, previous: string | string[] | undefined): string | string[] {
  if (previous === undefined) return value;
  return [...(typeof previous === 'string' ? [previous] : previous), value];
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
    .option('--run <run>', 'only this run (the report is titled with it); repeatable: any of them', collectOption)
    .option(
      '--by <grouping>',
      `one row per ${GROUPINGS.join(' | ')}, or per one or two of provider, model, agent, run, status, errorType, errorStatus, priceSource, tag:KEY (e.g. tag:team,model)`,
    )
    .option('--since <duration>', 'only the last 90s, 30m, 24h, 7d, 2w')
    .option('--from <iso>', 'only calls started at or after this time')
    .option('--to <iso>', 'only calls started before this time')
    .option('--model <model>', 'only this model (repeatable: any of them)', collectOption)
    .option('--agent <agent>', 'only this agent (repeatable)', collectOption)
    .option('--provider <provider>', 'only this provider (repeatable)', collectOption)
    .option('--tag <key=value>', 'only calls with this tag (repeatable; one key twice: either value)', collect, [])
    .option(
      '--not <field=value>',
      'leave out calls with this provider, model, agent, run or tag.KEY (repeatable)',
      collect,
    )
    .option('--format <format>', `output: ${FORMATS.join(' | ')}`, 'table')
    .option('--sort <metric>', `--by rows, largest first: ${RANK_METRICS.join(' | ')} (latency: mean)`, 'cost')
    .action(async (options: ReportOptions) => {
      try {
        process.stdout.write(`${await runReport(options)}\n`);
      } catch (error) {
        reportFailure('report', error);
      }
    });
}
