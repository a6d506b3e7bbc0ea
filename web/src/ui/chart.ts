/**
 * The "over time" chart: uPlot bars, stacked by model or agent. uPlot has no stacking of its
 * own, so each series is drawn at its cumulative height, tallest first; the legend (ours)
 * shows each series' own value, not the cumulative one.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from '../dom.js';
import { bucketLabel, chartColors, chartFrame, legendRow, plotWhenSized } from './chart-frame.js';

/** Distinct in light and dark; the last one is for "other". */
export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#edc948', '#9c755f'];
export const OTHER_COLOR = '#a0a4ab';

export interface StackSeries {
  label: string;
  values: number[];
  color: string;
}

export interface StackedChartOptions {
  /** Bucket starts, ms. */
  times: number[];
  series: StackSeries[];
  format: (value: number) => string;
  /** Read by screen readers instead of the picture. */
  summary: string;
  height?: number;
}

/** Returns the chart's element; the plot is created once the element is in the page (it needs a width). */
export function stackedChart(options: StackedChartOptions): HTMLElement {
  const { box, plotBox } = chartFrame(options.summary, options.times.length === 0);
  if (options.times.length === 0) return box;
  const count = options.times.length;
  // Cumulative sums, bottom series first.
  const stacked: number[][] = [];
  let running = new Array<number>(count).fill(0);
  for (const series of options.series) {
    running = running.map((sum, index) => sum + (series.values[index] ?? 0));
    stacked.push(running);
  }
  const order = options.series.map((_, index) => index).reverse();
  const data: uPlot.AlignedData = [options.times.map((ms) => ms / 1000), ...order.map((index) => stacked[index] ?? [])];
  const { axis, grid } = chartColors();
  const bars = uPlot.paths.bars?.({ size: [0.86, 48], gap: 1 });

  // Our own legend, bottom series first (uPlot's would list the draw order, top first):
  // the hovered bucket's figures, or the totals over the range when not hovering.
  const totals = options.series.map((series) => series.values.reduce((sum, value) => sum + value, 0));
  const when = h('span', { class: 'legend-time' });
  const cells = options.series.map(() => h('span', { class: 'legend-value num' }));
  const legend = legendRow(when, options.series, cells);
  const showLegend = (idx: number | null | undefined): void => {
    const at = idx === null || idx === undefined ? undefined : options.times[idx];
    when.textContent = at === undefined ? 'Total:' : `${bucketLabel.format(new Date(at))}:`;
    options.series.forEach((series, index) => {
      const cell = cells[index];
      if (cell !== undefined)
        cell.textContent = options.format(
          at === undefined || idx === null || idx === undefined ? (totals[index] ?? 0) : (series.values[idx] ?? 0),
        );
    });
  };
  showLegend(null);

  const height = options.height ?? 240;
  const create = (width: number): uPlot =>
    new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { show: false } },
        hooks: { setLegend: [(u) => showLegend(u.legend.idx)] },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] } },
        axes: [
          { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
          {
            stroke: axis,
            grid: { stroke: grid, width: 1 },
            ticks: { stroke: grid },
            size: 64,
            values: (_u, splits) => splits.map((value) => options.format(value)),
          },
        ],
        series: [
          {},
          ...order.map((index) => {
            const series = options.series[index] as StackSeries;
            return {
              label: series.label,
              stroke: series.color,
              fill: series.color,
              width: 0,
              paths: bars,
              points: { show: false },
            } satisfies uPlot.Series;
          }),
        ],
      },
      data,
      plotBox,
    );
  // Created when attached and sized; resized with its container. The first one marks the
  // first-paint benchmark (bench/dashboard.ts).
  plotWhenSized(plotBox, height, create, () => {
    if (performance.getEntriesByName('tokenledger:chart').length === 0) performance.mark('tokenledger:chart');
  });
  box.append(legend);
  return box;
}
