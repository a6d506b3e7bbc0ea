/** What the durability benches share: one gateway call through `serve` against the mock provider, timed (test/server/outage-load.ts), and the figures' arithmetic. */
export { gatewayCall } from '../test/server/outage-load.js';

/** Nearest-rank percentile; NaN for no values. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export const ms = (value: number): string => value.toFixed(1);
