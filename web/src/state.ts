/**
 * Everything a view shows is decided by the URL's query string, so any view can be shared
 * or bookmarked: `?view=runs&report=AAPL&range=7d&agent=risk_agent&tag.team=quant`.
 * Defaults are left out of the URL to keep it short.
 */

export const VIEWS = ['overview', 'runs', 'calls', 'compare', 'failures', 'budgets'] as const;
export type View = (typeof VIEWS)[number];

export const RANGES = ['15m', '1h', '24h', '7d', '30d', '90d', 'all', 'custom'] as const;
export type Range = (typeof RANGES)[number];
const RANGE_MS: Record<Exclude<Range, 'all' | 'custom'>, number> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
};

export const METRICS = ['cost', 'tokens', 'calls'] as const;
export type Metric = (typeof METRICS)[number];
export const STACKS = ['model', 'agent'] as const;
export type Stack = (typeof STACKS)[number];
export const REFRESH_CHOICES = [0, 5, 15, 30, 60] as const;

/** The API filters the dashboard sets (DESIGN.md: the same on every query endpoint). */
export const FILTER_FIELDS = ['provider', 'model', 'agent', 'run'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

export interface State {
  view: View;
  /** What is open in the view: a run's report (runs view), a call's detail by its id (calls view). */
  report: string | undefined;
  range: Range;
  /** Custom range bounds, ISO (only with `range: 'custom'`). */
  from: string | undefined;
  to: string | undefined;
  filters: Partial<Record<FilterField, string>>;
  tags: Record<string, string>;
  /** What the over-time chart and the matrix show. */
  metric: Metric;
  stack: Stack;
  /** Models picked for the comparison, in order. */
  compare: string[];
  /** Auto-refresh period in seconds; 0 is off. */
  refresh: number;
  /** Per-table sort: `models` -> `cost:desc`. */
  sort: Record<string, string>;
  /** The overview's group-by table: one or two dimensions (`tag:team`, `model`); empty: none. */
  group: string[];
}

const DEFAULTS = { view: 'overview', range: 'all', metric: 'cost', stack: 'model', refresh: 15 } as const;

function oneOf<T extends string>(values: readonly T[], value: string | null, fallback: T): T {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function parseState(search: string): State {
  const params = new URLSearchParams(search);
  const filters: State['filters'] = {};
  for (const field of FILTER_FIELDS) {
    const value = params.get(field);
    if (value) filters[field] = value;
  }
  const tags: Record<string, string> = {};
  const sort: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key.startsWith('tag.') && key.length > 4 && value !== '') tags[key.slice(4)] = value;
    if (key.startsWith('sort.') && /^[a-zA-Z]+:(asc|desc)$/.test(value)) sort[key.slice(5)] = value;
  }
  const refresh = Number(params.get('refresh') ?? DEFAULTS.refresh);
  const range = oneOf(
    RANGES,
    params.get('range'),
    params.get('from') !== null || params.get('to') !== null ? 'custom' : DEFAULTS.range,
  );
  return {
    view: oneOf(VIEWS, params.get('view'), DEFAULTS.view),
    report: params.get('report') || undefined,
    range,
    from: range === 'custom' ? (params.get('from') ?? undefined) : undefined,
    to: range === 'custom' ? (params.get('to') ?? undefined) : undefined,
    filters,
    tags,
    metric: oneOf(METRICS, params.get('metric'), DEFAULTS.metric),
    stack: oneOf(STACKS, params.get('stack'), DEFAULTS.stack),
    compare: params.getAll('cmp').filter((model) => model !== ''),
    refresh: (REFRESH_CHOICES as readonly number[]).includes(refresh) ? refresh : DEFAULTS.refresh,
    sort,
    group: params
      .getAll('group')
      .filter((key) => isGroupKey(key))
      .slice(0, 2),
  };
}

/** What the breakdown API groups by: provider, model, agent, run, status or `tag:KEY`. */
export function isGroupKey(key: string): boolean {
  return (
    ['provider', 'model', 'agent', 'run', 'status', 'errorType', 'errorStatus'].includes(key) || /^tag:.+$/.test(key)
  );
}

/** The query string for a state (defaults left out); starts with `?` or is empty. */
export function toSearch(state: State): string {
  const params = new URLSearchParams();
  if (state.view !== DEFAULTS.view) params.set('view', state.view);
  if (state.report !== undefined) params.set('report', state.report);
  if (state.range !== DEFAULTS.range && state.range !== 'custom') params.set('range', state.range);
  if (state.range === 'custom') {
    if (state.from) params.set('from', state.from);
    if (state.to) params.set('to', state.to);
    if (!state.from && !state.to) params.set('range', 'custom');
  }
  for (const field of FILTER_FIELDS) {
    const value = state.filters[field];
    if (value) params.set(field, value);
  }
  for (const [key, value] of Object.entries(state.tags)) params.set(`tag.${key}`, value);
  if (state.metric !== DEFAULTS.metric) params.set('metric', state.metric);
  if (state.stack !== DEFAULTS.stack) params.set('stack', state.stack);
  for (const model of state.compare) params.append('cmp', model);
  if (state.refresh !== DEFAULTS.refresh) params.set('refresh', String(state.refresh));
  for (const [table, value] of Object.entries(state.sort)) params.set(`sort.${table}`, value);
  for (const key of state.group) params.append('group', key);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** A copy of the state with some fields changed; a link to it. */
export function withState(state: State, change: Partial<State>): State {
  return { ...state, ...change };
}

export function href(state: State, change: Partial<State> = {}): string {
  const search = toSearch(withState(state, change));
  return search === '' ? location.pathname : search;
}

/** The time bounds a state stands for at `now` (relative ranges move with the clock). */
export function bounds(state: State, now: number): { from: Date | undefined; to: Date | undefined } {
  if (state.range === 'all') return { from: undefined, to: undefined };
  if (state.range === 'custom') {
    const from = state.from ? new Date(state.from) : undefined;
    const to = state.to ? new Date(state.to) : undefined;
    return {
      from: from && !Number.isNaN(from.getTime()) ? from : undefined,
      to: to && !Number.isNaN(to.getTime()) ? to : undefined,
    };
  }
  return { from: new Date(now - RANGE_MS[state.range]), to: undefined };
}

/** The API's filter parameters for a state (`from`, `to`, `provider`... `tag.KEY`). */
export function apiFilter(state: State, now: number, omit: readonly FilterField[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const { from, to } = bounds(state, now);
  if (from) out['from'] = from.toISOString();
  if (to) out['to'] = to.toISOString();
  for (const field of FILTER_FIELDS) {
    const value = state.filters[field];
    if (value && !omit.includes(field)) out[field] = value;
  }
  for (const [key, value] of Object.entries(state.tags)) out[`tag.${key}`] = value;
  return out;
}

/** The same filter as the JSON object POST endpoints take (`{ from, model, tags: {...} }`). */
export function apiFilterObject(state: State, now: number, omit: readonly FilterField[] = []): Record<string, unknown> {
  const flat = apiFilter(state, now, omit);
  const out: Record<string, unknown> = {};
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(flat)) {
    if (key.startsWith('tag.')) tags[key.slice(4)] = value;
    else out[key] = value;
  }
  if (Object.keys(tags).length > 0) out['tags'] = tags;
  return out;
}

/** Parses `team=quant, user=ann` into tags; returns the bad part when one is malformed. */
export function parseTags(text: string): { tags: Record<string, string> } | { error: string } {
  const tags: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((piece) => piece.trim())
    .filter((piece) => piece !== '')) {
    const at = part.indexOf('=');
    if (at <= 0 || at === part.length - 1) return { error: `"${part}" is not KEY=VALUE` };
    tags[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return { tags };
}

export function formatTags(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}
