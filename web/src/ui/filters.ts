/**
 * The filter bar: time range, provider, model, agent, run, tags. Every change goes to the
 * URL (so the view can be shared) and reloads the view. Text fields suggest the names seen
 * so far (datalists); Enter or leaving a field applies it.
 */
import { h } from '../dom.js';
import { FILTER_FIELDS, RANGES, formatTags, parseTags, type FilterField, type Range, type State } from '../state.js';

const RANGE_LABEL: Record<Range, string> = {
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  all: 'All time',
  custom: 'Custom…',
};
const FIELD_LABEL: Record<FilterField, string> = { provider: 'Provider', model: 'Model', agent: 'Agent', run: 'Run' };
/** Suggested before any provider has been seen. */
const PROVIDERS = [
  'openai',
  'anthropic',
  'google',
  'openrouter',
  'deepseek',
  'mistral',
  'groq',
  'xai',
  'ollama',
  'bedrock',
  'cohere',
];

/** Names seen in answers, offered as suggestions. */
export class Known {
  readonly names: Record<FilterField, Set<string>> = {
    provider: new Set(PROVIDERS),
    model: new Set(),
    agent: new Set(),
    run: new Set(),
  };

  add(field: FilterField, values: Iterable<string | null | undefined>): void {
    for (const value of values) if (value) this.names[field].add(value);
  }
}

/** `datetime-local` wants local time without zone: `2026-03-01T10:00`. */
function toLocalInput(iso: string | undefined): string {
  if (iso === undefined) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

function fromLocalInput(value: string): string | undefined {
  if (value === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export interface FilterBar {
  element: HTMLElement;
  /** Shows a state (after navigation); leaves a field the user is typing in alone. */
  show(state: State): void;
  /** Refreshes the suggestions. */
  suggest(known: Known): void;
}

export function filterBar(onChange: (change: Partial<State>) => void): FilterBar {
  let current: State | undefined;
  const range = h(
    'select',
    { id: 'f-range', name: 'range' },
    ...RANGES.map((value) => h('option', { value }, RANGE_LABEL[value])),
  );
  const from = h('input', { id: 'f-from', type: 'datetime-local', name: 'from' });
  const to = h('input', { id: 'f-to', type: 'datetime-local', name: 'to' });
  const custom = h(
    'span',
    { class: 'custom' },
    h('label', { for: 'f-from' }, 'From'),
    from,
    h('label', { for: 'f-to' }, 'To'),
    to,
  );
  const fields = {} as Record<FilterField, HTMLInputElement>;
  const lists = {} as Record<FilterField, HTMLDataListElement>;
  for (const field of FILTER_FIELDS) {
    lists[field] = h('datalist', { id: `f-${field}-list` });
    fields[field] = h('input', {
      id: `f-${field}`,
      name: field,
      type: 'search',
      list: `f-${field}-list`,
      placeholder: 'any',
      autocomplete: 'off',
      spellcheck: 'false',
    });
  }
  const tags = h('input', {
    id: 'f-tags',
    name: 'tags',
    type: 'search',
    placeholder: 'team=quant, user=ann',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const problem = h('span', { class: 'error', role: 'alert', id: 'f-problem' });
  const clear = h('button', { type: 'button', class: 'button ghost', id: 'f-clear' }, 'Clear');

  const apply = (): void => {
    problem.textContent = '';
    const parsed = parseTags(tags.value);
    if ('error' in parsed) {
      problem.textContent = `Tags: ${parsed.error}`;
      return;
    }
    const filters: State['filters'] = {};
    for (const field of FILTER_FIELDS) {
      const value = fields[field].value.trim();
      if (value !== '') filters[field] = value;
    }
    const chosen = range.value as Range;
    onChange({
      range: chosen,
      from: chosen === 'custom' ? fromLocalInput(from.value) : undefined,
      to: chosen === 'custom' ? fromLocalInput(to.value) : undefined,
      filters,
      tags: parsed.tags,
      // A run filter that changes closes a report of another run.
      ...(current?.report !== undefined && filters.run !== undefined && filters.run !== current.report
        ? { report: undefined }
        : {}),
    });
  };

  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': 'Filters',
      onsubmit: (event: Event) => {
        event.preventDefault();
        apply();
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'f-range' }, 'Range'), range),
    custom,
    ...FILTER_FIELDS.map((field) =>
      h('div', { class: 'field' }, h('label', { for: `f-${field}` }, FIELD_LABEL[field]), fields[field], lists[field]),
    ),
    h('div', { class: 'field' }, h('label', { for: 'f-tags' }, 'Tags'), tags),
    h('button', { type: 'submit', class: 'button' }, 'Apply'),
    clear,
    problem,
  );
  range.addEventListener('change', () => {
    custom.hidden = range.value !== 'custom';
    if (range.value !== 'custom' || from.value !== '' || to.value !== '') apply();
    else from.focus();
  });
  for (const input of [from, to, tags, ...Object.values(fields)]) input.addEventListener('change', apply);
  clear.addEventListener('click', () => {
    for (const input of [from, to, tags, ...Object.values(fields)]) input.value = '';
    range.value = 'all';
    custom.hidden = true;
    apply();
  });

  return {
    element: form,
    show(state) {
      current = state;
      const active = document.activeElement;
      range.value = state.range;
      custom.hidden = state.range !== 'custom';
      if (active !== from) from.value = toLocalInput(state.from);
      if (active !== to) to.value = toLocalInput(state.to);
      for (const field of FILTER_FIELDS) if (active !== fields[field]) fields[field].value = state.filters[field] ?? '';
      if (active !== tags) tags.value = formatTags(state.tags);
    },
    suggest(known) {
      for (const field of FILTER_FIELDS) {
        const names = [...known.names[field]].sort().slice(0, 500);
        if (lists[field].childElementCount === names.length) continue;
        lists[field].replaceChildren(...names.map((value) => h('option', { value })));
      }
    },
  };
}
