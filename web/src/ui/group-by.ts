/**
 * The overview's group-by table: any one or two dimensions (`tag:team`, `tag:team, model`),
 * most expensive first, as GET /analytics/tokens/breakdown ranks them over every matching call.
 * The dimensions live in the URL (`?group=tag:team&group=model`).
 */
import type { Ctx } from '../ctx.js';
import { h } from '../dom.js';
import { grouped } from '../format.js';
import { apiFilter, isGroupKey } from '../state.js';
import type { BreakdownResponse, BreakdownEntry } from '../types.js';
import { statsColumns } from './columns.js';
import { table, type Column } from './table.js';

/** Groups the table asks for: more are counted, not drawn. */
const GROUPS_SHOWN = 200;
const NONE = '(none)';

/** The form that sets the dimensions. */
function groupForm(ctx: Ctx): HTMLElement {
  const input = h('input', {
    id: 'group-by',
    name: 'group',
    value: ctx.state.group.join(', '),
    placeholder: 'tag:team, model',
    'aria-describedby': 'group-by-help',
    autocomplete: 'off',
  });
  const error = h('span', { class: 'error', role: 'alert', 'data-testid': 'group-by-error' });
  return h(
    'form',
    {
      class: 'group-form',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const keys = input.value
          .split(',')
          .map((key) => key.trim())
          .filter((key) => key !== '');
        const bad = keys.find((key) => !isGroupKey(key));
        if (bad !== undefined || keys.length > 2) {
          error.textContent =
            bad === undefined
              ? 'At most two dimensions'
              : `"${bad}" is not provider, model, agent, run, status, errorType, errorStatus or tag:KEY`;
          return;
        }
        ctx.navigate({ group: keys });
      },
    },
    h('label', { for: 'group-by' }, 'Group by'),
    input,
    h('button', { type: 'submit' }, 'Show'),
    h(
      'span',
      { id: 'group-by-help', class: 'muted' },
      'provider, model, agent, run, status, errorType, errorStatus or tag:KEY; two with a comma',
    ),
    error,
  );
}

export async function groupByPanel(ctx: Ctx): Promise<HTMLElement> {
  const { state } = ctx;
  const title = state.group.length === 0 ? 'Group by anything' : `By ${state.group.join(' × ')}`;
  const panel = h('section', { class: 'panel', 'data-testid': 'group-panel' }, h('h2', {}, title), groupForm(ctx));
  if (state.group.length === 0) return panel;
  const params = new URLSearchParams(apiFilter(state, ctx.now));
  for (const key of state.group) params.append('by', key);
  params.set('limit', String(GROUPS_SHOWN));
  const data = await ctx.api.get<BreakdownResponse>(
    `/analytics/tokens/breakdown?${params.toString()}`,
    {},
    { signal: ctx.signal },
  );
  const keyColumns = state.group.map(
    (key, i): Column<BreakdownEntry> => ({
      key: `g${i}`,
      label: key,
      value: (row) => row.key[key] ?? null,
      numeric: false,
      cell: (row) => row.key[key] ?? h('span', { class: 'muted' }, NONE),
    }),
  );
  panel.append(
    table<BreakdownEntry>({
      id: 'groups',
      caption:
        data.total > data.groups.length
          ? `The ${grouped(data.groups.length)} most expensive of ${grouped(data.total)} groups`
          : `${grouped(data.total)} groups, most expensive first`,
      rows: data.groups,
      rowKey: (row) => state.group.map((key) => row.key[key] ?? NONE).join(' × '),
      sort: state.sort['groups'],
      defaultSort: 'cost:desc',
      onSort: (sort) => ctx.remember({ sort: { ...state.sort, groups: sort } }),
      columns: [...keyColumns, ...statsColumns<BreakdownEntry>()],
    }),
  );
  return panel;
}
