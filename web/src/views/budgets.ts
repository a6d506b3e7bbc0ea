/**
 * Budgets: `GET /v1/budgets` (read key), every budget in its current window: cap, spent, held,
 * remaining, the burn-rate forecast, the alert thresholds sent and the calls refused. Budgets
 * have their own scopes, so the filters above do not narrow them.
 */
import type { Ctx } from '../ctx.js';
import { h, num } from '../dom.js';
import { grouped, usd, usdExact, when } from '../format.js';
import type { BudgetRow, BudgetsResponse } from '../types.js';

const COLUMNS = [
  'Budget',
  'Window',
  'Cap',
  'Spent',
  'Held',
  'Remaining',
  'Used',
  'Forecast',
  'Alerts sent',
  'Refused',
  'Resets',
];

export async function budgetsView(ctx: Ctx): Promise<HTMLElement> {
  const { budgets } = await ctx.api.get<BudgetsResponse>('/v1/budgets', {}, { signal: ctx.signal });
  return h(
    'div',
    { class: 'view' },
    h(
      'section',
      { class: 'panel' },
      h(
        'div',
        { class: 'panel-head' },
        h('h2', {}, 'Budgets'),
        h('span', { class: 'muted' }, 'current window of each; the filters do not apply'),
      ),
      budgets.length === 0
        ? h(
            'p',
            { class: 'empty', 'data-testid': 'no-budgets' },
            'No budgets: add them to the config file (budgets: [...]) or POST /v1/budgets.',
          )
        : h(
            'div',
            { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Budgets' },
            h(
              'table',
              { 'data-table': 'budgets' },
              h('caption', {}, 'Budgets in their current window.'),
              h('thead', {}, h('tr', {}, ...COLUMNS.map((label) => h('th', { scope: 'col' }, label)))),
              h('tbody', {}, ...budgets.map(row)),
            ),
          ),
    ),
  );
}

/** A figure in the budget's unit, short, with the exact value in `data-value`. */
function amount(budget: BudgetRow, value: number, field: string): HTMLElement {
  const text = budget.unit === 'usd' ? usd(value) : `${grouped(value)} tok`;
  const title = budget.unit === 'usd' ? usdExact(value) : `${value} tokens`;
  const cell = num(text, value, title);
  cell.dataset['field'] = field;
  return cell;
}

function row(budget: BudgetRow): HTMLElement {
  const used = budget.cap > 0 ? (budget.spent + budget.held) / budget.cap : 0;
  const forecast =
    budget.forecast === null
      ? h('span', { class: 'muted', 'data-field': 'forecast' }, '–')
      : h(
          'span',
          {},
          amount(budget, budget.forecast.projected, 'forecast'),
          ' by reset',
          budget.forecast.runsOutAt === null
            ? null
            : h(
                'div',
                { class: 'small flag warn', 'data-field': 'runsOutAt', 'data-value': budget.forecast.runsOutAt },
                `runs out ${when(budget.forecast.runsOutAt)}`,
              ),
        );
  return h(
    'tr',
    { 'data-key': budget.name },
    h(
      'td',
      { class: 'nowrap' },
      h('strong', {}, budget.name),
      ' ',
      budget.paused ? h('span', { class: 'flag', 'data-field': 'paused' }, 'paused') : null,
      h('div', { class: 'muted small' }, budget.source === 'config' ? 'config file' : 'admin API'),
    ),
    h('td', { class: 'nowrap' }, budget.window),
    h('td', { class: 'n' }, amount(budget, budget.cap, 'cap')),
    h('td', { class: 'n' }, amount(budget, budget.spent, 'spent')),
    h('td', { class: 'n' }, amount(budget, budget.held, 'held')),
    h('td', { class: 'n' }, amount(budget, budget.remaining, 'remaining')),
    h(
      'td',
      { class: 'n' },
      h('meter', {
        min: 0,
        max: 1,
        low: 0.8,
        high: 0.95,
        optimum: 0,
        value: Math.min(1, used),
        title: `${(used * 100).toFixed(1)}%`,
      }),
    ),
    h('td', { class: 'n' }, forecast),
    h(
      'td',
      { class: 'n', 'data-field': 'alertsSent', 'data-value': budget.alertsSent.join(',') },
      budget.alertsSent.length === 0 ? '–' : budget.alertsSent.map((threshold) => `${threshold}%`).join(' '),
    ),
    h('td', { class: 'n' }, num(grouped(budget.refused), budget.refused)),
    h(
      'td',
      { class: 'nowrap', 'data-field': 'resetsAt', 'data-value': budget.resetsAt ?? '' },
      budget.resetsAt === null ? 'never (lifetime)' : when(budget.resetsAt),
    ),
  );
}
