/** The per-model and per-agent tables (overview and run report): names drill down into a filter. */
import { link, type Ctx } from '../ctx.js';
import { h } from '../dom.js';
import type { AgentStats, ModelStats } from '../types.js';
import { statsColumns } from './columns.js';
import { table } from './table.js';

const NO_AGENT = '(no agent)';

export function modelsTable(ctx: Ctx, models: ModelStats[], id = 'models'): HTMLElement {
  return table<ModelStats>({
    id,
    caption: 'Per model',
    rows: models,
    rowKey: (row) => row.model,
    sort: ctx.state.sort[id],
    defaultSort: 'cost:desc',
    onSort: (sort) => ctx.remember({ sort: { ...ctx.state.sort, [id]: sort } }),
    columns: [
      {
        key: 'name',
        label: 'Model',
        value: (r) => r.model,
        numeric: false,
        cell: (r) =>
          link(ctx.state, { filters: { ...ctx.state.filters, model: r.model } }, r.model, { title: `Only ${r.model}` }),
      },
      ...statsColumns<ModelStats>(),
      {
        key: 'agents',
        label: 'Agents',
        numeric: false,
        cell: (r) => h('span', { class: 'list' }, r.agents.join(', ')),
      },
    ],
  });
}

export function agentsTable(ctx: Ctx, agents: AgentStats[], id = 'agents'): HTMLElement {
  return table<AgentStats>({
    id,
    caption: 'Per agent',
    rows: agents,
    rowKey: (row) => row.agent ?? NO_AGENT,
    sort: ctx.state.sort[id],
    defaultSort: 'cost:desc',
    onSort: (sort) => ctx.remember({ sort: { ...ctx.state.sort, [id]: sort } }),
    columns: [
      {
        key: 'name',
        label: 'Agent',
        value: (r) => r.agent ?? NO_AGENT,
        numeric: false,
        cell: (r) =>
          r.agent === null
            ? h('span', { class: 'muted' }, NO_AGENT)
            : link(ctx.state, { filters: { ...ctx.state.filters, agent: r.agent } }, r.agent, {
                title: `Only ${r.agent}`,
              }),
      },
      ...statsColumns<AgentStats>(),
      {
        key: 'models',
        label: 'Models',
        numeric: false,
        cell: (r) => h('span', { class: 'list' }, r.models.join(', ')),
      },
    ],
  });
}
