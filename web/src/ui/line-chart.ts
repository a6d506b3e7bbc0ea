/**
 * Lines over time on two scales: milliseconds on the left (latency p50/p95, time to first
 * token), a rate on the right (error rate, 0..100%). uPlot draws them; a gap (`null`) is a bucket
 * without the figure, left undrawn rather than drawn as 0.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from '../dom.js';
import { bucketLabel, chartColors, chartFrame, legendRow, plotWhenSized } from './chart-frame.js';

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

export function lineChart(options: LineChartOptions): HTMLElement {
  const { box, plotBox } = chartFrame(options.summary, options.times.length === 0);
  if (options.times.length === 0) return box;
  const { axis, grid } = chartColors();
  const data: uPlot.AlignedData = [options.times.map((ms) => ms / 1000), ...options.series.map((s) => s.values)];
  const cells = options.series.map(() => h('span', { class: 'legend-value num' }));
  const when = h('span', { class: 'legend-time' });
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
  const legend = legendRow(when, options.series, cells);
  showLegend(null);

  const height = options.height ?? 220;
  const create = (width: number): uPlot =>
    new uPlot(
      {
        width,
        height,
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
  plotWhenSized(plotBox, height, create);
  box.append(legend);
  return box;
}
