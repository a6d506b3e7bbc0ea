/**
 * Lines over time on two scales: milliseconds on the left (latency p50/p95, time to first
 * token), a rate on the right (error rate, 0..100%). uPlot draws them; a gap (`null`) is a bucket
 * without the figure, left undrawn rather than drawn as 0.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from '../dom.js';

export interface LineSeries {
  label: string;
  values: (number | null)[];
  color: string;
  /** `ms`: left axis; `rate`: right axis, a fraction 0..1. */
  scale: 'ms' | 'rate';
  dash?: number[];
}

export interface LineChartOptions {
  /** Bucket starts, ms. */
  times: number[];
  series: LineSeries[];
  formatMs: (value: number) => string;
  formatRate: (value: number) => string;
  /** Read by screen readers instead of the picture. */
  summary: string;
  height?: number;
}

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

export function lineChart(options: LineChartOptions): HTMLElement {
  const plotBox = h('div', { class: 'plot' });
  const box = h('div', { class: 'chart', role: 'img', 'aria-label': options.summary }, plotBox);
  if (options.times.length === 0) {
    box.replaceChildren(h('p', { class: 'empty' }, 'No calls in this range.'));
    return box;
  }
  const axis = cssVar('--muted', '#667');
  const grid = cssVar('--grid', 'rgba(128,128,128,.15)');
  const data: uPlot.AlignedData = [options.times.map((ms) => ms / 1000), ...options.series.map((s) => s.values)];
  const cells = options.series.map(() => h('span', { class: 'legend-value num' }));
  const when = h('span', { class: 'legend-time' });
  const bucketLabel = new Intl.DateTimeFormat(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  const showLegend = (idx: number | null | undefined): void => {
    const at = idx === null || idx === undefined ? undefined : options.times[idx];
    when.textContent = at === undefined ? '' : `${bucketLabel.format(new Date(at))}:`;
    options.series.forEach((series, index) => {
      const cell = cells[index];
      if (cell === undefined) return;
      const value = idx === null || idx === undefined ? null : (series.values[idx] ?? null);
      cell.textContent =
        value === null ? '' : series.scale === 'ms' ? options.formatMs(value) : options.formatRate(value);
    });
  };
  const legend = h(
    'div',
    { class: 'legend', 'aria-hidden': 'true' },
    when,
    ...options.series.map((series, index) =>
      h(
        'span',
        { class: 'legend-item' },
        h('span', { class: 'swatch', style: `background:${series.color}` }),
        series.label,
        ' ',
        cells[index],
      ),
    ),
  );
  showLegend(null);

  let plot: uPlot | undefined;
  const create = (width: number): void => {
    plot = new uPlot(
      {
        width,
        height: options.height ?? 220,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        hooks: { setLegend: [(u) => showLegend(u.legend.idx)] },
        scales: {
          x: { time: true },
          ms: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] },
          rate: { range: (_u, _min, max) => [0, Math.max(0.05, Math.min(1, max * 1.1))] },
        },
        axes: [
          { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
          {
            scale: 'ms',
            stroke: axis,
            grid: { stroke: grid, width: 1 },
            ticks: { stroke: grid },
            size: 64,
            values: (_u, splits) => splits.map((value) => options.formatMs(value)),
          },
          {
            scale: 'rate',
            side: 1,
            stroke: axis,
            grid: { show: false },
            ticks: { stroke: grid },
            size: 56,
            values: (_u, splits) => splits.map((value) => options.formatRate(value)),
          },
        ],
        series: [
          {},
          ...options.series.map(
            (series) =>
              ({
                label: series.label,
                scale: series.scale,
                stroke: series.color,
                width: 2,
                spanGaps: false,
                points: { show: options.times.length < 60 },
                ...(series.dash === undefined ? {} : { dash: series.dash }),
              }) satisfies uPlot.Series,
          ),
        ],
      },
      data,
      plotBox,
    );
  };
  const observer = new ResizeObserver((entries) => {
    const width = Math.floor(entries[0]?.contentRect.width ?? 0);
    if (width <= 0) return;
    if (plot === undefined) create(width);
    else if (Math.abs(plot.width - width) > 1) plot.setSize({ width, height: options.height ?? 220 });
  });
  observer.observe(plotBox);
  box.append(legend);
  return box;
}
