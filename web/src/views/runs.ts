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
/** The most recent runs the list asks the server for: a table of more is not read by anyone. */
const RUNS_SHOWN = 500;

export async function runsView(ctx: Ctx): Promise<HTMLElement> {
  return ctx.state.report === undefined ? runList(ctx) : runReport(ctx, ctx.state.report);
}

async function runList(ctx: Ctx): Promise<HTMLElement> {
  const { state } = ctx;
  const data = await ctx.api.get<RunsResponse>(
    '/analytics/tokens/runs',
    { ...apiFilter(state, ctx.now), limit: String(RUNS_SHOWN) },
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
          ? `Runs (the ${grouped(data.runs.length)} most recent of ${grouped(data.total)})`
          : `Runs (${grouped(data.total)})`,
      ),
      table<RunStats>({
        id: 'runs',
        caption: 'One row per run; open a run for its report.',
        rows: data.runs,
        rowKey: (row) => row.run ?? NO_RUN,
        sort: state.sort['runs'],
        defaultSort: 'started:desc',
        onSort: (sort) => ctx.remember({ sort: { ...state.sort, runs: sort } }),
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
