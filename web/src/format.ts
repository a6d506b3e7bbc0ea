/**
 * Numbers for people: `1.2M` tokens, `$3.41`, `1.8 s`, `97.3%`. Exact values go in a
 * `title` (hover) and `data-value` (tests, copy) beside the short form.
 */

const UNITS: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** Three significant digits at most, trailing zeros dropped: 1234 -> 1.23K, 1200000 -> 1.2M. */
function short(value: number): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return value.toFixed(digits).replace(/\.0+$|(\.\d*?)0+$/, '$1');
}

/** A count: exact below 10,000 (`9,876`), then `12.3K`, `1.2M`, `3.45B`. */
export function compact(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs < 10_000) return grouped(value, Number.isInteger(value) ? 0 : 1);
  const sign = value < 0 ? '-' : '';
  for (const [index, [size, unit]] of UNITS.entries()) {
    if (abs < size) continue;
    const scaled = short(abs / size);
    // 999,999 rounds to "1000K": say 1M instead.
    const bigger = UNITS[index - 1];
    if (scaled === '1000' && bigger !== undefined) return `${sign}1${bigger[1]}`;
    return `${sign}${scaled}${unit}`;
  }
  return grouped(value, 0);
}

/** `1234567.8` -> `1,234,567.8` (locale-free so tests and screenshots are stable). */
export function grouped(value: number, decimals = 0): string {
  const [whole = '0', fraction] = Math.abs(value).toFixed(decimals).split('.');
  const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value < 0 ? '-' : ''}${withCommas}${fraction === undefined ? '' : `.${fraction}`}`;
}

/**
 * USD: `$3.41`, `$1,234.57`, `$1.23M`; below a dollar enough digits to see the amount
 * (`$0.0123`, `$0.00042`), since one call often costs a fraction of a cent.
 */
export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  const sign = value < 0 ? '-' : '';
  if (abs === 0) return '$0.00';
  if (abs >= 1_000_000) return `${sign}$${compact(abs)}`;
  if (abs >= 1) return `${sign}$${grouped(abs, 2)}`;
  if (abs >= 0.01) return `${sign}$${abs.toFixed(abs >= 0.1 ? 2 : 3)}`;
  // Two significant digits for fractions of a cent.
  const digits = Math.min(9, 1 - Math.floor(Math.log10(abs)));
  return `${sign}$${abs.toFixed(digits)}`;
}

/** Exact USD for a tooltip: up to 6 decimals, trailing zeros trimmed. */
export function usdExact(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  return `$${value.toFixed(6).replace(/0+$/, '').replace(/\.$/, '.00')}`;
}

/** A 0..1 rate as a percent: `0.9731` -> `97.3%`, `1` -> `100%`. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '–';
  if (rate === 1) return '100%';
  return `${(rate * 100).toFixed(1)}%`;
}

/** Milliseconds: `850 ms`, `1.8 s`, `42 s`, `3m 05s`, `2h 10m`. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** A ratio such as `1.8×`. */
export function ratio(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(2).replace(/\.?0+$/, '')}×`;
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** An ISO time in the viewer's time zone: `Mar 1, 2026, 10:00`. */
export function when(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** Clock time only, for "updated 10:42:07". */
export function clock(date: Date): string {
  return timeOnly.format(date);
}

/** A percentile from the server's latency histogram is shown as approximate: `≈1.42s`. */
export function approx(text: string, approximate: boolean): string {
  return approximate && text !== 'n/a' ? `≈${text}` : text;
}
