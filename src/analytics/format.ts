/**
 * Number formatting shared by the run report and the CLI tables. Pure and locale-free
 * (`toLocaleString` depends on the machine's ICU data; the report must not).
 *
 * @module
 */

/** `1234567` -> `1,234,567`; fractions keep up to `decimals` digits. */
export function formatCount(value: number, decimals = 0): string {
  const fixed = value.toFixed(decimals);
  const [whole = '0', fraction] = fixed.split('.');
  const negative = whole.startsWith('-');
  const digits = negative ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/**
 * USD for people: two decimals from $1 up (`$1,234.57`), up to six below a dollar with
 * trailing zeros trimmed (`$0.012345`, `$0.0005`, `$0.00`), since one LLM call often costs
 * a fraction of a cent.
 */
export function formatUsd(value: number): string {
  if (Math.abs(value) >= 1) return `$${formatCount(value, 2)}`;
  const fixed = value.toFixed(6).replace(/0+$/, '');
  const [whole = '0', fraction = ''] = fixed.split('.');
  return `$${whole}.${fraction.padEnd(2, '0')}`;
}

/** A difference in USD with its sign: `+$0.021`, `-$0.0097`. */
export function formatSignedUsd(value: number): string {
  return value < 0 ? `-${formatUsd(-value)}` : `+${formatUsd(value)}`;
}

/** A 0..1 rate as a percent with one decimal (`0.875` -> `87.5%`); `null` -> `n/a`. */
export function formatRate(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}

/**
 * A duration for people: seconds below a minute (`45230` -> `45.23s`, `decimals` of them), then
 * the two largest units (`12m 05s`, `3h 04m`, `29d 23h`): a month-long run in seconds
 * (`2590936.61s`) says nothing at a glance. `null` -> `n/a`.
 */
export function formatDuration(ms: number | null, decimals = 2): string {
  if (ms === null || !Number.isFinite(ms)) return 'n/a';
  const seconds = (ms / 1000).toFixed(decimals);
  // Rounding may reach a minute (59.996s at 2 decimals): minutes then.
  if (Number(seconds) < 60) return `${seconds}s`;
  const totalSeconds = Math.round(ms / 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)}m ${pad(totalSeconds % 60)}s`;
  const totalMinutes = Math.round(ms / 60_000);
  if (totalMinutes < 1440) return `${Math.floor(totalMinutes / 60)}h ${pad(totalMinutes % 60)}m`;
  const totalHours = Math.round(ms / 3_600_000);
  return `${Math.floor(totalHours / 24)}d ${pad(totalHours % 24)}h`;
}

/**
 * A percentile in milliseconds, `~` before one from the latency histogram: it is within the
 * histogram's error of the exact figure, and printing `1,420.0ms` would claim more.
 */
export function formatPercentile(ms: number | null, approximate: boolean): string {
  if (ms === null || !approximate) return formatMs(ms);
  return `~${formatCount(Math.round(ms))}ms`;
}

/** Milliseconds with at most one decimal (`1234.56` -> `1,234.6ms`); `null` -> `n/a`. */
export function formatMs(ms: number | null): string {
  return ms === null ? 'n/a' : `${formatCount(ms, Number.isInteger(ms) ? 0 : 1)}ms`;
}
