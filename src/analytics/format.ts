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

/** A 0..1 rate as a percent with one decimal (`0.875` -> `87.5%`); `null` -> `n/a`. */
export function formatRate(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}

/** Milliseconds as seconds with two decimals (`45230` -> `45.23s`); `null` -> `n/a`. */
export function formatSeconds(ms: number | null): string {
  return ms === null ? 'n/a' : `${(ms / 1000).toFixed(2)}s`;
}

/** Milliseconds with at most one decimal (`1234.56` -> `1,234.6ms`); `null` -> `n/a`. */
export function formatMs(ms: number | null): string {
  return ms === null ? 'n/a' : `${formatCount(ms, Number.isInteger(ms) ? 0 : 1)}ms`;
}
