/**
 * The overview's "Latency and errors over time": p50 and p95 latency per bucket, time to first
 * token (p50) where calls streamed, and the error rate, from one time series with per-bucket
 * percentiles (`GET /analytics/tokens/timeseries?percentiles=true`). Percentiles the store's
 * histogram gave are marked ≈, in the legend and the figures table under the chart.
 */
import type { Ctx } from '../ctx.js';
import { h, num } from '../dom.js';
import { approx, duration, percent } from '../format.js';
import { apiFilter } from '../state.js';
import type { TimeseriesResponse } from '../types.js';

const COLORS = { p50: '#4e79a7', p95: '#f28e2b', ttft: '#59a14f', errors: '#e15759' } as const;

export function latencyPanel(ctx: Ctx, interval: '1m' | '1h' | '1d'): HTMLElement {
  const slot = h(
    'div',
    { class: 'chart-slot', 'aria-busy': 'true', 'data-testid': 'latency-chart' },
    h('p', { class: 'empty' }, 'Loading…'),
  );
  const figures = h('div', { class: 'latency-figures' });
  void fill(ctx, interval, slot, figures);
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'latency-title' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'latency-title' }, 'Latency and errors over time')),
    slot,
    figures,
  );
}

async function fill(ctx: Ctx, interval: '1m' | '1h' | '1d', slot: HTMLElement, figures: HTMLElement): Promise<void> {
  try {
    const chartModule = import('./line-chart.js');
    const series = await ctx.api.get<TimeseriesResponse>(
      '/analytics/tokens/timeseries',
      { ...apiFilter(ctx.state, ctx.now), interval, percentiles: 'true' },
      { signal: ctx.signal },
    );
    const { lineChart } = await chartModule;
    const buckets = series.buckets;
    const approximate = buckets.some(
      (b) => b.latency.percentilesApproximate || b.timeToFirstToken.percentilesApproximate,
    );
    const streamed = buckets.some((b) => b.timeToFirstToken.count > 0);
    const mark = approximate ? ' ≈' : '';
    const lines = [
      { label: `p50${mark}`, values: buckets.map((b) => b.latency.p50Ms), color: COLORS.p50, scale: 'ms' as const },
      { label: `p95${mark}`, values: buckets.map((b) => b.latency.p95Ms), color: COLORS.p95, scale: 'ms' as const },
      ...(streamed
        ? [
            {
              label: `TTFT p50${mark}`,
              values: buckets.map((b) => b.timeToFirstToken.p50Ms),
              color: COLORS.ttft,
              scale: 'ms' as const,
              dash: [4, 3],
            },
          ]
        : []),
      { label: 'error rate', values: buckets.map((b) => b.errorRate), color: COLORS.errors, scale: 'rate' as const },
    ];
    slot.replaceChildren(
      lineChart({
        times: buckets.map((b) => Date.parse(b.start)),
        series: lines,
        formatMs: duration,
        formatRate: percent,
        summary: `Latency p50 and p95${streamed ? ', time to first token' : ''} and error rate per ${interval} bucket: ${buckets.length} buckets${approximate ? ' (percentiles approximate)' : ''}.`,
      }),
    );
    slot.setAttribute('aria-busy', 'false');
    slot.dataset['interval'] = interval;
    figures.replaceChildren(table(series, streamed));
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return;
    slot.replaceChildren(
      h(
        'p',
        { class: 'error', role: 'alert' },
        `Could not load latency over time: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
    slot.setAttribute('aria-busy', 'false');
  }
}

/** The chart's figures, bucket by bucket, for reading and for screen readers. */
function table(series: TimeseriesResponse, streamed: boolean): HTMLElement {
  const cell = (value: number | null, approximate: boolean, col: string): HTMLElement =>
    h('td', { class: 'n', 'data-col': col }, num(approx(duration(value), approximate), value));
  return h(
    'details',
    {},
    h('summary', {}, 'Figures per bucket'),
    h(
      'div',
      { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Latency and errors per bucket' },
      h(
        'table',
        { 'data-table': 'latency' },
        h('caption', {}, `Per ${series.interval} bucket; ≈ marks percentiles from the store's histogram.`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Bucket', 'Calls', 'p50', 'p95', ...(streamed ? ['TTFT p50', 'TTFT p95'] : []), 'Error rate'].map(
              (label) => h('th', { scope: 'col' }, label),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          ...series.buckets.map((b) =>
            h(
              'tr',
              { 'data-key': b.start },
              h('td', { class: 'nowrap' }, h('time', { datetime: b.start }, b.start)),
              h('td', { class: 'n', 'data-col': 'calls' }, num(String(b.calls), b.calls)),
              cell(b.latency.p50Ms, b.latency.percentilesApproximate, 'p50'),
              cell(b.latency.p95Ms, b.latency.percentilesApproximate, 'p95'),
              ...(streamed
                ? [
                    cell(b.timeToFirstToken.p50Ms, b.timeToFirstToken.percentilesApproximate, 'ttft50'),
                    cell(b.timeToFirstToken.p95Ms, b.timeToFirstToken.percentilesApproximate, 'ttft95'),
                  ]
                : []),
              h('td', { class: 'n', 'data-col': 'errors' }, num(percent(b.errorRate), b.errorRate)),
            ),
          ),
        ),
      ),
    ),
  );
}
