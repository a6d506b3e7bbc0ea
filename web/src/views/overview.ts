/**
 * Overview: headline figures, cost/tokens/calls over time stacked by model or agent, latency
 * p50/p95, time to first token and error rate over time, the
 * per-model and per-agent tables, and the agent x model matrix. The figures paint as soon as
 * `/analytics/tokens` answers; the chart fills in when its time series arrive.
 */
import { link, type Ctx } from '../ctx.js';
import { h, num } from '../dom.js';
import { compact, grouped, usd, usdExact } from '../format.js';
import { METRICS, STACKS, apiFilter, bounds, type Metric, type State } from '../state.js';
import type { AgentModelStats, TimeseriesResponse, TokensResponse, UsageStats } from '../types.js';
import { flagsNotice, headline, noPrice } from '../ui/cards.js';
import { agentsTable, modelsTable } from '../ui/breakdowns.js';
import { groupByPanel } from '../ui/group-by.js';
import { latencyPanel } from '../ui/latency-panel.js';

const NO_AGENT = '(no agent)';
/** Series drawn one by one; the rest are summed into "other". */
const MAX_SERIES = 6;

export function metricOf(stats: UsageStats, metric: Metric): number {
  return metric === 'cost' ? stats.cost.total : metric === 'tokens' ? stats.tokens.total : stats.calls;
}

export function formatMetric(metric: Metric): (value: number) => string {
  return metric === 'cost' ? usd : compact;
}

const METRIC_LABEL: Record<Metric, string> = { cost: 'Cost', tokens: 'Tokens', calls: 'Calls' };

/** Bucket width for a span: at most a few hundred bars. */
export function intervalFor(spanMs: number): '1m' | '1h' | '1d' {
  if (spanMs <= 6 * 3_600_000) return '1m';
  if (spanMs <= 14 * 86_400_000) return '1h';
  return '1d';
}

export async function overviewView(ctx: Ctx): Promise<HTMLElement> {
  const { state, api } = ctx;
  const [data, groupPanel] = await Promise.all([
    api.get<TokensResponse>('/analytics/tokens', apiFilter(state, ctx.now), { signal: ctx.signal }),
    groupByPanel(ctx),
  ]);
  // On a refresh of the same chart, the old picture stays until the new one is drawn (no flicker).
  const chartKey = `${state.metric}|${state.stack}|${JSON.stringify(apiFilter(state, 0))}|${state.range}`;
  const previous = document.querySelector<HTMLElement>(
    `#content .chart-slot[data-key="${CSS.escape(chartKey)}"] > .chart`,
  );
  const chartSlot = h(
    'div',
    { class: 'chart-slot', 'aria-busy': 'true', 'data-key': chartKey },
    previous ?? h('p', { class: 'empty' }, 'Loading…'),
  );
  const interval = seriesInterval(ctx, data);
  void fillChart(ctx, data, chartSlot, interval);

  return h(
    'div',
    { class: 'view' },
    headline(data.summary),
    flagsNotice(data.summary),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'chart-title' },
      h(
        'div',
        { class: 'panel-head' },
        h('h2', { id: 'chart-title' }, `${METRIC_LABEL[state.metric]} over time, by ${state.stack}`),
        segmented(
          'Show',
          METRICS.map((metric) => ({ label: METRIC_LABEL[metric], change: { metric }, on: state.metric === metric })),
          state,
        ),
        segmented(
          'Stack by',
          STACKS.map((stack) => ({
            label: stack === 'model' ? 'Model' : 'Agent',
            change: { stack },
            on: state.stack === stack,
          })),
          state,
        ),
      ),
      chartSlot,
    ),
    latencyPanel(ctx, interval),
    groupPanel,
    h('section', { class: 'panel' }, h('h2', {}, 'Models'), modelsTable(ctx, data.models)),
    h('section', { class: 'panel' }, h('h2', {}, 'Agents'), agentsTable(ctx, data.agents)),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, `Agent × model: ${METRIC_LABEL[state.metric].toLowerCase()}`),
      matrix(ctx, data),
    ),
  );
}

function segmented(
  label: string,
  options: { label: string; change: Partial<State>; on: boolean }[],
  state: State,
): HTMLElement {
  return h(
    'div',
    { class: 'segmented', role: 'group', 'aria-label': label },
    h('span', { class: 'seg-label' }, label),
    ...options.map((option) =>
      link(state, option.change, option.label, {
        'aria-current': option.on ? 'true' : undefined,
        class: option.on ? 'on' : undefined,
      }),
    ),
  );
}

function matrix(ctx: Ctx, data: TokensResponse): HTMLElement {
  const { metric } = ctx.state;
  const format = formatMetric(metric);
  const models = [...data.models].sort((a, b) => metricOf(b, metric) - metricOf(a, metric)).map((m) => m.model);
  const agents = [...data.agents].sort((a, b) => metricOf(b, metric) - metricOf(a, metric)).map((a) => a.agent);
  const cells = new Map<string, AgentModelStats>();
  for (const cell of data.agentModels) cells.set(`${cell.agent ?? ''}\u0000${cell.model}`, cell);
  const max = Math.max(0, ...data.agentModels.map((cell) => metricOf(cell, metric)));
  if (models.length === 0) return h('p', { class: 'empty' }, 'No calls match these filters.');
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Agent by model matrix' },
    h(
      'table',
      { class: 'matrix', 'data-table': 'matrix' },
      h('caption', {}, `Rows are agents, columns are models; each cell is the ${metric} of that pair.`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Agent \\ model'),
          ...models.map((model) => h('th', { scope: 'col', class: 'n' }, model)),
        ),
      ),
      h(
        'tbody',
        {},
        ...agents.map((agent) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, agent ?? NO_AGENT),
            ...models.map((model) => {
              const cell = cells.get(`${agent ?? ''}\u0000${model}`);
              if (cell === undefined) return h('td', { class: 'n muted' }, '·');
              const value = metricOf(cell, metric);
              const heat = max > 0 ? value / max : 0;
              const unpriced = metric === 'cost' ? noPrice(cell) : 0;
              const figure = num(format(value), value, metric === 'cost' ? usdExact(value) : grouped(value));
              // A cost that leaves calls out says so (a local model's "$0.00" is not free).
              const shown =
                unpriced > 0
                  ? h(
                      'span',
                      {},
                      figure,
                      h(
                        'sup',
                        { class: 'warn-mark', title: `${grouped(unpriced)} calls unpriced, not in this cost` },
                        '*',
                      ),
                    )
                  : figure;
              return h(
                'td',
                { class: 'n heat', style: `--heat:${heat.toFixed(3)}`, 'data-agent': agent ?? '', 'data-model': model },
                agent === null
                  ? shown
                  : link(ctx.state, { filters: { ...ctx.state.filters, agent, model } }, shown, {
                      title: `${agent} on ${model}: ${grouped(cell.calls)} calls, ${usd(cell.cost.total)}`,
                    }),
              );
            }),
          ),
        ),
      ),
    ),
  );
}

/** The bucket width of the over-time charts: the range asked for, or the calls' own span. */
function seriesInterval(ctx: Ctx, data: TokensResponse): '1m' | '1h' | '1d' {
  const { from, to } = bounds(ctx.state, ctx.now);
  const first = from?.getTime() ?? (data.summary.firstTime === null ? ctx.now : Date.parse(data.summary.firstTime));
  const last =
    to?.getTime() ??
    (ctx.state.range === 'all' && data.summary.lastTime !== null ? Date.parse(data.summary.lastTime) : ctx.now);
  return intervalFor(last - first);
}

/** Loads the time series (the total, and one per top model/agent) and draws the chart. */
async function fillChart(
  ctx: Ctx,
  data: TokensResponse,
  slot: HTMLElement,
  interval: '1m' | '1h' | '1d',
): Promise<void> {
  const { state, api } = ctx;
  try {
    const groups: { label: string; value: number }[] =
      state.stack === 'model'
        ? data.models.map((m) => ({ label: m.model, value: metricOf(m, state.metric) }))
        : data.agents
            .filter((a) => a.agent !== null)
            .map((a) => ({ label: a.agent as string, value: metricOf(a, state.metric) }));
    const top = groups.sort((a, b) => b.value - a.value).slice(0, MAX_SERIES);
    const base = apiFilter(state, ctx.now);
    const field = state.stack;
    // uPlot is loaded apart (its own chunk), in parallel with the data: the figures and
    // tables never wait for it.
    const chartModule = import('../ui/chart.js');
    const [total, ...parts] = await Promise.all([
      api.get<TimeseriesResponse>('/analytics/tokens/timeseries', { ...base, interval }, { signal: ctx.signal }),
      ...top.map((group) =>
        api.get<TimeseriesResponse>(
          '/analytics/tokens/timeseries',
          { ...base, [field]: group.label, interval },
          { signal: ctx.signal },
        ),
      ),
    ]);
    if (total === undefined) return;
    const { OTHER_COLOR, PALETTE, stackedChart } = await chartModule;
    const times = total.buckets.map((bucket) => Date.parse(bucket.start));
    const index = new Map(times.map((time, i) => [time, i]));
    const series = parts.map((part, i) => {
      const values = new Array<number>(times.length).fill(0);
      for (const bucket of part.buckets) {
        const at = index.get(Date.parse(bucket.start));
        if (at !== undefined) values[at] = metricOf(bucket, state.metric);
      }
      return { label: top[i]?.label ?? '', values, color: PALETTE[i % PALETTE.length] as string };
    });
    const totals = total.buckets.map((bucket) => metricOf(bucket, state.metric));
    const other = totals.map((value, i) => Math.max(0, value - series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0)));
    // Float sums leave dust; "other" is only drawn when it is more than that.
    if (other.some((value, i) => value > Math.max(1e-9, (totals[i] ?? 0) * 1e-6)))
      series.push({ label: state.stack === 'agent' ? 'other / no agent' : 'other', values: other, color: OTHER_COLOR });
    const format = formatMetric(state.metric);
    const sum = totals.reduce((a, b) => a + b, 0);
    slot.replaceChildren(
      stackedChart({
        times,
        series,
        format,
        summary: `${METRIC_LABEL[state.metric]} per ${interval} bucket by ${state.stack}: ${times.length} buckets, ${format(sum)} in all; ${series.map((s) => s.label).join(', ')}.`,
      }),
    );
    slot.setAttribute('aria-busy', 'false');
    slot.dataset['interval'] = interval;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return;
    slot.replaceChildren(
      h(
        'p',
        { class: 'error', role: 'alert' },
        `Could not load the time series: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
    slot.setAttribute('aria-busy', 'false');
  }
}
