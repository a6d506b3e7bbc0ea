/**
 * Runs: every run (one analysis, one job) with its figures; a run's name opens its report
 * (`?view=runs&report=AAPL`): headline figures, wall time, per-model and per-agent tables,
 * and the same text report `tokenledger report` prints.
 */
import { link, type Ctx } from '../ctx.js';
import { h, num } from '../dom.js';
import { compact, duration, grouped, percent, usd, usdExact, when } from '../format.js';
import { apiFilter } from '../state.js';
import type { RunReportResponse, RunStats, RunsResponse } from '../types.js';
import { flagsNotice, headline, rowFlags } from '../ui/cards.js';
import { table } from '../ui/table.js';
import { agentsTable, modelsTable } from '../ui/breakdowns.js';

const NO_RUN = '(no run)';
/** The runs the list asks the server for: a table of more is not read by anyone. */
const RUNS_SHOWN = 500;
const DEFAULT_SORT = 'started:desc';

/**
 * The server ranks every run (not only the ones shown) by these columns, largest first; other
 * orders sort the most recent runs in the page.
 */
const RANKED_BY_SERVER: Record<string, 'cost' | 'tokens' | 'calls'> = {
  cost: 'cost',
  tokens: 'tokens',
  calls: 'calls',
};

function serverSort(sort: string | undefined): 'cost' | 'tokens' | 'calls' | 'recent' {
  const [key = '', dir] = (sort ?? DEFAULT_SORT).split(':');
  return dir === 'desc' ? (RANKED_BY_SERVER[key] ?? 'recent') : 'recent';
}

const RANKED_WORD = { cost: 'most expensive', tokens: 'largest', calls: 'busiest', recent: 'most recent' } as const;

export async function runsView(ctx: Ctx): Promise<HTMLElement> {
  return ctx.state.report === undefined ? runList(ctx) : runReport(ctx, ctx.state.report);
}

async function runList(ctx: Ctx): Promise<HTMLElement> {
  const { state } = ctx;
  const ranked = serverSort(state.sort['runs']);
  const data = await ctx.api.get<RunsResponse>(
    '/analytics/tokens/runs',
    { ...apiFilter(state, ctx.now), limit: String(RUNS_SHOWN), sort: ranked },
    { signal: ctx.signal },
  );
  return h(
    'div',
    { class: 'view' },
    h(
      'section',
      { class: 'panel' },
      h(
        'h2',
        {},
        data.total > data.runs.length
          ? `Runs (the ${grouped(data.runs.length)} ${RANKED_WORD[ranked]} of ${grouped(data.total)})`
          : `Runs (${grouped(data.total)})`,
      ),
      table<RunStats>({
        id: 'runs',
        caption: 'One row per run; open a run for its report.',
        rows: data.runs,
        rowKey: (row) => row.run ?? NO_RUN,
        sort: state.sort['runs'],
        defaultSort: DEFAULT_SORT,
        // A new server ranking loads the page again (the top runs of the whole ledger); other orders sort in place.
        onSort: (sort) =>
          serverSort(sort) === ranked
            ? ctx.remember({ sort: { ...state.sort, runs: sort } })
            : ctx.navigate({ sort: { ...state.sort, runs: sort } }, { replace: true }),
        columns: [
          {
            key: 'name',
            label: 'Run',
            value: (r) => r.run ?? NO_RUN,
            numeric: false,
            cell: (r) =>
              r.run === null
                ? h('span', { class: 'muted' }, NO_RUN)
                : link(state, { report: r.run }, r.run, { title: `Open the report of ${r.run}` }),
          },
          {
            key: 'started',
            label: 'Started',
            value: (r) => (r.firstTime === null ? null : Date.parse(r.firstTime)),
            numeric: false,
            cell: (r) => when(r.firstTime),
          },
          {
            key: 'wall',
            label: 'Wall time',
            value: (r) => r.wallTimeMs,
            cell: (r) => num(duration(r.wallTimeMs), r.wallTimeMs),
            help: 'First call start to last call end',
          },
          {
            key: 'calls',
            label: 'Calls',
            value: (r) => r.calls,
            cell: (r) => num(compact(r.calls), r.calls, grouped(r.calls)),
          },
          {
            key: 'success',
            label: 'Success',
            value: (r) => r.successRate,
            cell: (r) => num(percent(r.successRate), r.successRate),
          },
          {
            key: 'tokens',
            label: 'Tokens',
            value: (r) => r.tokens.total,
            cell: (r) => num(compact(r.tokens.total), r.tokens.total, grouped(r.tokens.total)),
          },
          {
            key: 'cost',
            label: 'Cost',
            value: (r) => r.cost.total,
            cell: (r) => num(usd(r.cost.total), r.cost.total, usdExact(r.cost.total)),
          },
          {
            key: 'share',
            label: 'Share',
            value: (r) => r.costShare,
            cell: (r) => num(percent(r.costShare), r.costShare),
            help: 'Share of the cost of everything the filter matches',
          },
          { key: 'flags', label: 'Flags', numeric: false, cell: (r) => rowFlags(r) },
        ],
      }),
    ),
  );
}

async function runReport(ctx: Ctx, run: string): Promise<HTMLElement> {
  const { state } = ctx;
  const data = await ctx.api.get<RunReportResponse>(
    `/analytics/tokens/runs/${encodeURIComponent(run)}`,
    apiFilter(state, ctx.now, ['run']),
    { signal: ctx.signal },
  );
  const wall = h(
    'div',
    { class: 'card', 'data-testid': 'h-wall' },
    h('div', { class: 'label' }, 'Wall time'),
    h('div', { class: 'value' }, num(duration(data.summary.wallTimeMs), data.summary.wallTimeMs)),
    h('div', { class: 'sub' }, when(data.summary.firstTime)),
  );
  return h(
    'div',
    { class: 'view', 'data-run': run },
    h('p', { class: 'crumbs' }, link(state, { report: undefined }, '← All runs')),
    h('h2', { class: 'report-title' }, 'Run ', h('code', {}, run)),
    headline(data.summary, [wall]),
    flagsNotice(data.summary),
    h('section', { class: 'panel' }, h('h2', {}, 'Models in this run'), modelsTable(ctx, data.models, 'runmodels')),
    h('section', { class: 'panel' }, h('h2', {}, 'Agents in this run'), agentsTable(ctx, data.agents, 'runagents')),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'Report'),
      h(
        'pre',
        { class: 'report', tabindex: '0', 'aria-label': `Text report of run ${run}`, 'data-testid': 'run-report-text' },
        data.text,
      ),
    ),
  );
}
