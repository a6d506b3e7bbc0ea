/**
 * The failures view's "what went wrong" tables: failures grouped by error type, HTTP status,
 * model and provider, each with its count, its rate and what it cost, over a totals line. An
 * error type's or status's rate is its share of all calls (how often calls fail that way); a
 * model's or provider's is its own failure rate (its failures over its calls). All from the
 * breakdown API (`GET /analytics/tokens/breakdown`), ranked on the server.
 */
import type { Ctx } from '../ctx.js';
import { h, num } from '../dom.js';
import { grouped, percent, usd, usdExact } from '../format.js';
import { apiFilter } from '../state.js';
import type { BreakdownEntry, BreakdownResponse } from '../types.js';

/** Rows a table lists; the rest are counted in its caption. */
const SHOWN = 10;
const NONE = '(none)';

type Dimension = 'errorType' | 'errorStatus' | 'model' | 'provider';
const TITLES: Record<Dimension, string> = {
  errorType: 'By error type',
  errorStatus: 'By HTTP status',
  model: 'By model',
  provider: 'By provider',
};

interface Line {
  key: string;
  failures: number;
  /** Calls the rate is taken over. */
  over: number;
  failedCost: number;
}

export async function failureGroups(ctx: Ctx): Promise<HTMLElement> {
  const base = apiFilter(ctx.state, ctx.now);
  const get = (params: Record<string, string>) =>
    ctx.api.get<BreakdownResponse>('/analytics/tokens/breakdown', { ...base, ...params }, { signal: ctx.signal });
  const [byStatus, errorType, errorStatus, model, provider] = await Promise.all([
    get({ by: 'status', limit: '10' }),
    get({ by: 'errorType', status: 'error', sort: 'calls', limit: '1000' }),
    get({ by: 'errorStatus', status: 'error', sort: 'calls', limit: '1000' }),
    get({ by: 'model', sort: 'calls', limit: '10000' }),
    get({ by: 'provider', sort: 'calls', limit: '1000' }),
  ]);
  const calls = byStatus.groups.reduce((n, g) => n + g.calls, 0);
  const failures = byStatus.groups.reduce((n, g) => n + g.failures, 0);
  const failedCost = byStatus.groups.reduce((n, g) => n + g.cost.failed, 0);
  const name = (group: BreakdownEntry, dimension: Dimension): string => group.key[dimension] ?? NONE;
  // Kinds of error: share of all calls. Models and providers: their own failure rate.
  const ofAll = (response: BreakdownResponse, dimension: Dimension): Line[] =>
    response.groups.map((g) => ({
      key: name(g, dimension),
      failures: g.failures,
      over: calls,
      failedCost: g.cost.failed,
    }));
  const own = (response: BreakdownResponse, dimension: Dimension): Line[] =>
    response.groups
      .filter((g) => g.failures > 0)
      .map((g) => ({ key: name(g, dimension), failures: g.failures, over: g.calls, failedCost: g.cost.failed }))
      .sort((a, b) => b.failures - a.failures || b.failures / b.over - a.failures / a.over || (a.key < b.key ? -1 : 1));
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'failure-groups-title' },
    h(
      'div',
      { class: 'panel-head' },
      h('h2', { id: 'failure-groups-title' }, 'What went wrong'),
      h(
        'span',
        { class: 'muted', 'data-testid': 'failure-totals' },
        `${grouped(failures)} failed of ${grouped(calls)} calls (${percent(calls === 0 ? null : failures / calls)}), ${usd(failedCost)} spent on them`,
      ),
    ),
    h(
      'div',
      { class: 'failure-groups' },
      groupTable('errorType', ofAll(errorType, 'errorType'), 'of all calls'),
      groupTable('errorStatus', ofAll(errorStatus, 'errorStatus'), 'of all calls'),
      groupTable('model', own(model, 'model'), 'of its calls'),
      groupTable('provider', own(provider, 'provider'), 'of its calls'),
    ),
  );
}

function groupTable(dimension: Dimension, lines: Line[], rateOf: string): HTMLElement {
  const shown = lines.slice(0, SHOWN);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { 'data-table': `failures-by-${dimension}` },
      h('caption', {}, `${TITLES[dimension]}${lines.length > SHOWN ? ` (top ${SHOWN} of ${lines.length})` : ''}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...[
            dimension === 'errorStatus' ? 'Status' : TITLES[dimension].slice(3),
            'Failures',
            `Rate (${rateOf})`,
            'Cost',
          ].map((label) => h('th', { scope: 'col' }, label)),
        ),
      ),
      h(
        'tbody',
        {},
        ...(shown.length === 0
          ? [h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'No failures.'))]
          : shown.map((line) =>
              h(
                'tr',
                { 'data-key': line.key },
                h('td', {}, h('code', {}, line.key)),
                h('td', { class: 'n', 'data-col': 'failures' }, num(grouped(line.failures), line.failures)),
                h(
                  'td',
                  { class: 'n', 'data-col': 'rate' },
                  num(percent(line.failures / line.over), line.failures / line.over),
                ),
                h(
                  'td',
                  { class: 'n', 'data-col': 'cost' },
                  num(usd(line.failedCost), line.failedCost, usdExact(line.failedCost)),
                ),
              ),
            )),
      ),
    ),
  );
}
