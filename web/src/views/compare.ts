/**
 * Compare: pick two or more models (kept in the URL as `cmp=a&cmp=b`) and see
 * `POST /analytics/tokens/compare` side by side, under the same filters (the model filter
 * aside, since it would leave one model), then what each one's calls would have cost on each of
 * the others (`POST /analytics/tokens/whatif`: their own tokens at the other's list prices).
 */
import type { Ctx } from '../ctx.js';
import { h, num, type Child } from '../dom.js';
import { approx, compact, duration, grouped, percent, ratio, usd, usdExact } from '../format.js';
import { apiFilter, apiFilterObject } from '../state.js';
import type { CompareResponse, ModelComparison, ModelsResponse, WhatIfModelLine, WhatIfResponse } from '../types.js';

interface Row {
  label: string;
  help?: string;
  value: (m: ModelComparison) => number | null;
  show: (m: ModelComparison) => Child;
  /** Which end is better, for marking the best column. */
  better?: 'low' | 'high';
}

const ROWS: Row[] = [
  { label: 'Calls', value: (m) => m.calls, show: (m) => num(compact(m.calls), m.calls, grouped(m.calls)) },
  {
    label: 'Success rate',
    value: (m) => m.successRate,
    show: (m) => num(percent(m.successRate), m.successRate),
    better: 'high',
  },
  {
    label: 'Avg input tokens / call',
    value: (m) => m.avgInputTokensPerCall,
    show: (m) => num(compact(round(m.avgInputTokensPerCall)), m.avgInputTokensPerCall),
  },
  {
    label: 'Avg output tokens / call',
    value: (m) => m.avgOutputTokensPerCall,
    show: (m) => num(compact(round(m.avgOutputTokensPerCall)), m.avgOutputTokensPerCall),
  },
  {
    label: 'Avg tokens / call',
    value: (m) => m.avgTokensPerCall,
    show: (m) => num(compact(round(m.avgTokensPerCall)), m.avgTokensPerCall),
    better: 'low',
  },
  {
    label: 'Cost / call',
    value: (m) => m.avgCostPerCall,
    show: (m) => num(usd(m.avgCostPerCall), m.avgCostPerCall, usdExact(m.avgCostPerCall)),
    better: 'low',
  },
  {
    label: 'Cost / 1K output tokens',
    value: (m) => m.costPer1kOutputTokens,
    show: (m) => num(usd(m.costPer1kOutputTokens), m.costPer1kOutputTokens, usdExact(m.costPer1kOutputTokens)),
    better: 'low',
  },
  {
    label: 'Latency p50',
    value: (m) => m.latencyP50Ms,
    show: (m) => num(approx(duration(m.latencyP50Ms), m.latencyApproximate), m.latencyP50Ms),
    better: 'low',
  },
  {
    label: 'Latency p95',
    value: (m) => m.latencyP95Ms,
    show: (m) => num(approx(duration(m.latencyP95Ms), m.latencyApproximate), m.latencyP95Ms),
    better: 'low',
  },
  {
    label: 'Tokens / call vs first',
    help: 'Relative to the first model picked',
    value: (m) => m.tokensPerCallVsFirst,
    show: (m) => num(ratio(m.tokensPerCallVsFirst), m.tokensPerCallVsFirst),
  },
  {
    label: 'Cost / call vs first',
    help: 'Relative to the first model picked',
    value: (m) => m.costPerCallVsFirst,
    show: (m) => num(ratio(m.costPerCallVsFirst), m.costPerCallVsFirst),
  },
  {
    label: 'Calls not in the cost',
    help: 'No known price, or no usage (failed calls)',
    value: (m) => m.unpricedCalls,
    show: (m) => (m.unpricedCalls > 0 ? h('span', { class: 'flag warn' }, grouped(m.unpricedCalls)) : '0'),
  },
];

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}

export async function compareView(ctx: Ctx): Promise<HTMLElement> {
  const { state } = ctx;
  const available = await ctx.api.get<ModelsResponse>(
    '/analytics/tokens/models',
    apiFilter(state, ctx.now, ['model']),
    { signal: ctx.signal },
  );
  const names = available.models.map((m) => m.model);
  // Models picked earlier but absent under this filter stay pickable (they compare as 0 calls).
  const choices = [...names, ...state.compare.filter((model) => !names.includes(model))];
  const picked = state.compare;
  const picker = h(
    'fieldset',
    { class: 'picker' },
    h('legend', {}, 'Models to compare (two or more)'),
    ...choices.map((model) =>
      h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'checkbox',
          name: 'cmp',
          value: model,
          id: `cmp-${model}`,
          checked: picked.includes(model),
          onchange: (event: Event) => {
            const on = (event.target as HTMLInputElement).checked;
            ctx.navigate({ compare: on ? [...picked, model] : picked.filter((m) => m !== model) }, { replace: true });
          },
        }),
        ' ',
        model,
      ),
    ),
    choices.length === 0 ? h('p', { class: 'empty' }, 'No models under these filters.') : null,
  );

  let result: HTMLElement;
  if (picked.length < 2) {
    result = h(
      'p',
      { class: 'empty', 'data-testid': 'compare-hint' },
      'Pick at least two models to see them side by side.',
    );
  } else {
    const data = await ctx.api.post<CompareResponse>(
      '/analytics/tokens/compare',
      { models: picked, filter: apiFilterObject(state, ctx.now, ['model']) },
      { signal: ctx.signal },
    );
    const filter = apiFilterObject(state, ctx.now, ['model']);
    // One question per target: every other picked model's calls, on it.
    const answers = await Promise.all(
      picked.map((target) =>
        ctx.api.post<WhatIfResponse>(
          '/analytics/tokens/whatif',
          { swaps: picked.filter((model) => model !== target).map((from) => ({ from, to: target })), filter },
          { signal: ctx.signal },
        ),
      ),
    );
    result = h('div', {}, comparison(data.models), whatIfTable(answers.flatMap((answer) => answer.byModel)));
  }
  return h('div', { class: 'view' }, h('section', { class: 'panel' }, h('h2', {}, 'Compare models'), picker, result));
}

function comparison(models: ModelComparison[]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Model comparison' },
    h(
      'table',
      { class: 'compare', 'data-table': 'compare' },
      h('caption', {}, 'Side by side under the current filters; ★ marks the best value.'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Figure'),
          ...models.map((m) => h('th', { scope: 'col', class: 'n', 'data-model': m.model }, m.model)),
        ),
      ),
      h(
        'tbody',
        {},
        ...ROWS.map((row) => {
          const values = models.map((m) => row.value(m)).filter((v): v is number => v !== null);
          const best =
            row.better === undefined || values.length < 2
              ? undefined
              : row.better === 'low'
                ? Math.min(...values)
                : Math.max(...values);
          return h(
            'tr',
            {},
            h('th', { scope: 'row', title: row.help }, row.label),
            ...models.map((m) => {
              const value = row.value(m);
              const isBest = best !== undefined && value === best && values.some((v) => v !== best);
              return h(
                'td',
                { class: isBest ? 'n best' : 'n', 'data-model': m.model },
                row.show(m),
                isBest ? h('span', { class: 'star', title: 'best' }, ' ★') : null,
              );
            }),
          );
        }),
      ),
    ),
  );
}

/** "These calls on X would have cost": one row per picked model and target. */
function whatIfTable(lines: WhatIfModelLine[]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'What if' },
    h(
      'table',
      { class: 'whatif', 'data-table': 'whatif' },
      h(
        'caption',
        {},
        'What if: these calls on another model would have cost (their own tokens at its list prices; cache reads as cache reads only where it caches).',
      ),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Calls of', 'on', 'Calls', 'Cost', 'Would have cost', 'Difference', 'Ratio'].map((label, index) =>
            h('th', { scope: 'col', class: index >= 2 ? 'n' : undefined }, label),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...lines.map((line) =>
          h(
            'tr',
            { 'data-key': `${line.model}>${line.as}`, title: line.uncompared?.reason },
            h('th', { scope: 'row' }, line.model),
            h('td', {}, line.as),
            h(
              'td',
              { class: 'n', 'data-field': 'comparedCalls' },
              num(grouped(line.comparedCalls), line.comparedCalls),
            ),
            h(
              'td',
              { class: 'n', 'data-field': 'actualUsd' },
              num(usd(line.actualUsd), line.actualUsd, usdExact(line.actualUsd)),
            ),
            h(
              'td',
              { class: 'n', 'data-field': 'whatIfUsd' },
              num(usd(line.whatIfUsd), line.whatIfUsd, usdExact(line.whatIfUsd)),
            ),
            h(
              'td',
              { class: 'n', 'data-field': 'differenceUsd' },
              num(usd(line.differenceUsd), line.differenceUsd, usdExact(line.differenceUsd)),
            ),
            h('td', { class: 'n', 'data-field': 'ratio' }, num(ratio(line.ratio), line.ratio)),
          ),
        ),
      ),
    ),
  );
}
