/**
 * The "over time" chart: uPlot bars, stacked by model or agent. uPlot has no stacking of its
 * own, so each series is drawn at its cumulative height, tallest first, and the legend and
 * tooltip show the series' own value (not the cumulative one).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from '../dom.js';

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

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

/** Returns the chart's element; the plot is created once the element is in the page (it needs a width). */
export function stackedChart(options: StackedChartOptions): HTMLElement {
  const box = h('div', { class: 'chart', role: 'img', 'aria-label': options.summary });
  if (options.times.length === 0) {
    box.append(h('p', { class: 'empty' }, 'No calls in this range.'));
    return box;
  }
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
  const axis = cssVar('--muted', '#667');
  const grid = cssVar('--grid', 'rgba(128,128,128,.15)');
  const bars = uPlot.paths.bars?.({ size: [0.86, 48], gap: 1 });

  let plot: uPlot | undefined;
  const create = (width: number): void => {
    plot = new uPlot(
      {
        width,
        height: options.height ?? 240,
        legend: { live: true },
        cursor: { drag: { x: false, y: false }, points: { show: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] } },
        axes: [
          { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
          { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 64, values: (_u, splits) => splits.map((value) => options.format(value)) },
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
              // The legend shows this series' own amount, not the stacked height.
              value: (_u: uPlot, _v: number | null, _s: number, idx: number | null) => (idx === null ? '' : options.format(series.values[idx] ?? 0)),
            } satisfies uPlot.Series;
          }),
        ],
      },
      data,
      box,
    );
  };

  // Created when attached and sized; resized with its container.
  const observer = new ResizeObserver((entries) => {
    const width = Math.floor(entries[0]?.contentRect.width ?? 0);
    if (width <= 0) return;
    if (plot === undefined) {
      create(width);
      // For the first-paint benchmark (bench/dashboard.ts).
      if (performance.getEntriesByName('tokenledger:chart').length === 0) performance.mark('tokenledger:chart');
    }
    else if (Math.abs(plot.width - width) > 1) plot.setSize({ width, height: options.height ?? 240 });
  });
  observer.observe(box);
  return box;
}
