/**
 * What the dashboard's uPlot charts share: the framed box with its screen-reader summary and
 * empty state, the theme's axis colours, our own legend row, the bucket label, and a plot made
 * once the box is in the page (uPlot needs a width) and resized with its container.
 */
import type uPlot from 'uplot';
import { h } from '../dom.js';

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

/** Axis and grid strokes of the current theme. */
export function chartColors(): { axis: string; grid: string } {
  return { axis: cssVar('--muted', '#667'), grid: cssVar('--grid', 'rgba(128,128,128,.15)') };
}

/** The chart's box and the element uPlot draws in; the box says "No calls" when there are no buckets. */
export function chartFrame(summary: string, empty: boolean): { box: HTMLElement; plotBox: HTMLElement } {
  const plotBox = h('div', { class: 'plot' });
  const box = h('div', { class: 'chart', role: 'img', 'aria-label': summary }, plotBox);
  if (empty) box.replaceChildren(h('p', { class: 'empty' }, 'No calls in this range.'));
  return { box, plotBox };
}

/** A bucket's start as the legend names it. */
export const bucketLabel = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** Our legend: the time cell, then a swatch, label and value cell per series. */
export function legendRow(
  when: HTMLElement,
  series: readonly { label: string; color: string }[],
  cells: readonly HTMLElement[],
): HTMLElement {
  return h(
    'div',
    { class: 'legend', 'aria-hidden': 'true' },
    when,
    ...series.map((one, index) =>
      h(
        'span',
        { class: 'legend-item' },
        h('span', { class: 'swatch', style: `background:${one.color}` }),
        one.label,
        ' ',
        cells[index],
      ),
    ),
  );
}

/** Calls `create(width)` once `plotBox` has a width, then keeps the plot as wide as its container. */
export function plotWhenSized(
  plotBox: HTMLElement,
  height: number,
  create: (width: number) => uPlot,
  onCreated?: () => void,
): void {
  let plot: uPlot | undefined;
  const observer = new ResizeObserver((entries) => {
    const width = Math.floor(entries[0]?.contentRect.width ?? 0);
    if (width <= 0) return;
    if (plot === undefined) {
      plot = create(width);
      onCreated?.();
    } else if (Math.abs(plot.width - width) > 1) plot.setSize({ width, height });
  });
  observer.observe(plotBox);
}
