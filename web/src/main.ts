/**
 * The dashboard's shell and router. The URL's query string is the whole state; links are
 * real links that the router follows in-page; every load aborts the one before it; the view
 * reloads on its own every `refresh` seconds while the tab is visible.
 */
import './styles.css';
import { Api, ApiError } from './api.js';
import type { Ctx } from './ctx.js';
import { h } from './dom.js';
import { clock } from './format.js';
import {
  REFRESH_CHOICES,
  VIEWS,
  apiFilterObject,
  formatTags,
  href,
  parseState,
  toSearch,
  type State,
  type View,
} from './state.js';
import { lockForm, openReadOnlyDialog, openResetDialog } from './ui/admin.js';
import { Known, filterBar } from './ui/filters.js';
import { budgetsView } from './views/budgets.js';
import { callsView } from './views/calls.js';
import { compareView } from './views/compare.js';
import { failuresView } from './views/failures.js';
import { overviewView } from './views/overview.js';
import { runsView } from './views/runs.js';

const VIEW_LABEL: Record<View, string> = {
  overview: 'Overview',
  runs: 'Runs',
  calls: 'Calls',
  compare: 'Compare',
  failures: 'Failures',
  budgets: 'Budgets',
};
const RENDER: Record<View, (ctx: Ctx) => Promise<HTMLElement>> = {
  overview: overviewView,
  runs: runsView,
  calls: callsView,
  compare: compareView,
  failures: failuresView,
  budgets: budgetsView,
};

const api = new Api(location.href);
const known = new Known();
let state = parseState(location.search);
let controller: AbortController | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let refused = false;

const nav = h('nav', { class: 'tabs', 'aria-label': 'Views' });
const updated = h('span', { class: 'updated muted', id: 'updated', 'aria-live': 'polite' });
const refreshSelect = h(
  'select',
  { id: 'refresh', 'aria-label': 'Auto-refresh' },
  ...REFRESH_CHOICES.map((seconds) =>
    h('option', { value: String(seconds) }, seconds === 0 ? 'Auto-refresh off' : `Every ${seconds} s`),
  ),
);
const refreshNow = h(
  'button',
  { type: 'button', class: 'button ghost', id: 'refresh-now', title: 'Refresh now (r)' },
  '↻',
  h('span', { class: 'sr-only' }, 'Refresh now'),
);
const adminButton = h('button', { type: 'button', class: 'button ghost', id: 'admin' }, 'Admin');
const banner = h('div', { class: 'banner', id: 'banner', role: 'alert', hidden: true });
const content = h('main', { id: 'content', tabindex: '-1' });
const filters = filterBar((change) => navigate(change));

document.body.replaceChildren(
  h('a', { class: 'skip', href: '#content' }, 'Skip to content'),
  h(
    'header',
    { class: 'top' },
    h('h1', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '◆'), 'tokenledger'),
    nav,
    h('div', { class: 'tools' }, updated, refreshSelect, refreshNow, adminButton),
  ),
  filters.element,
  banner,
  content,
  h(
    'footer',
    { class: 'foot muted' },
    'Keys: ',
    h('kbd', {}, '/'),
    ' filter by model · ',
    h('kbd', {}, 'r'),
    ' refresh · numbers are exact on hover',
  ),
);

function navigate(change: Partial<State>, options: { replace?: boolean } = {}): void {
  const next = { ...state, ...change };
  const search = toSearch(next);
  if (search === toSearch(state)) return;
  state = parseState(search);
  history[options.replace === true ? 'replaceState' : 'pushState'](
    null,
    '',
    search === '' ? location.pathname : search,
  );
  void load();
}

/** URL-only changes that need no reload (a table's sort). */
function remember(change: Partial<State>): void {
  state = parseState(toSearch({ ...state, ...change }));
  history.replaceState(null, '', toSearch(state) || location.pathname);
}

/**
 * Admin mode: this tab holds a key, which it keeps only after the server asked for one (a
 * 401). No probe request, so an open server never answers a 401 (nor the console logs one);
 * on an open server the dashboard is read-only.
 */
function isAdmin(): boolean {
  return api.key !== undefined;
}

function drawChrome(): void {
  nav.replaceChildren(
    ...VIEWS.map((view) =>
      h(
        'a',
        {
          href: href(state, { view, report: undefined }),
          'data-nav': '',
          'aria-current': state.view === view ? 'page' : undefined,
          id: `tab-${view}`,
        },
        VIEW_LABEL[view],
      ),
    ),
  );
  refreshSelect.value = String(state.refresh);
  filters.show(state);
  const admin = isAdmin();
  adminButton.textContent = admin ? 'Admin ✓' : 'Admin';
  adminButton.title = admin ? 'Reset events (admin key given)' : 'Read-only';
  document.title = `${VIEW_LABEL[state.view]}${state.report === undefined ? '' : ` ${state.report}`} · tokenledger`;
}

async function load(): Promise<void> {
  controller?.abort();
  clearTimeout(timer);
  const current = new AbortController();
  controller = current;
  drawChrome();
  content.setAttribute('aria-busy', 'true');
  // Say so when a load takes a while (a year of runs is a big answer).
  const slow = setTimeout(() => {
    if (controller === current) updated.textContent = 'Loading…';
  }, 400);
  const ctx: Ctx = {
    api,
    state,
    now: Date.now(),
    signal: current.signal,
    admin: isAdmin(),
    navigate,
    remember,
    reload: () => void load(),
  };
  try {
    const view = await RENDER[state.view](ctx);
    if (current.signal.aborted) return;
    refused = false;
    // Keep focus on the control the user was on (a sort button, a compare checkbox) when the
    // view is redrawn under it, by refresh or by its own change.
    const active = document.activeElement;
    const focused = active !== null && active !== content && content.contains(active) ? active.id : undefined;
    content.replaceChildren(view);
    // For the first-paint benchmark (bench/dashboard.ts): the first view with its figures.
    if (performance.getEntriesByName('tokenledger:view').length === 0) {
      performance.mark('tokenledger:view');
      // For the analytics benchmark (bench/analytics.ts): every answer of the first view drawn
      // (charts and panels fill in after the view itself), on the next frame.
      void api.settled().then(() =>
        requestAnimationFrame(() => {
          if (performance.getEntriesByName('tokenledger:drawn').length === 0) performance.mark('tokenledger:drawn');
        }),
      );
    }
    if (focused) document.getElementById(focused)?.focus({ preventScroll: true });
    banner.hidden = true;
    updated.textContent = `Updated ${clock(new Date())}`;
    learn(view);
  } catch (error) {
    if (current.signal.aborted || (error instanceof DOMException && error.name === 'AbortError')) return;
    if (error instanceof ApiError && error.status === 401) {
      const hadKey = api.key !== undefined;
      content.replaceChildren(
        lockForm(api, hadKey || refused, error.message, () => {
          refused = true;
          void load();
        }),
      );
      if (hadKey) api.key = undefined;
      banner.hidden = true;
      updated.textContent = '';
    } else {
      banner.textContent = `Could not load: ${error instanceof Error ? error.message : String(error)}`;
      banner.hidden = false;
      updated.textContent = `Update failed ${clock(new Date())}`;
    }
  } finally {
    clearTimeout(slow);
    if (controller === current) {
      content.setAttribute('aria-busy', 'false');
      schedule();
    }
  }
}

/** Collects names shown in the view for the filter suggestions. */
function learn(view: HTMLElement): void {
  for (const row of view.querySelectorAll<HTMLElement>(
    'table[data-table="models"] tr[data-key], table[data-table="runmodels"] tr[data-key]',
  ))
    known.add('model', [row.dataset['key']]);
  for (const row of view.querySelectorAll<HTMLElement>(
    'table[data-table="agents"] tr[data-key], table[data-table="runagents"] tr[data-key]',
  ))
    known.add('agent', [row.dataset['key']?.startsWith('(') ? undefined : row.dataset['key']]);
  for (const row of view.querySelectorAll<HTMLElement>('table[data-table="runs"] tr[data-key]'))
    known.add('run', [row.dataset['key']?.startsWith('(') ? undefined : row.dataset['key']]);
  filters.suggest(known);
}

function schedule(): void {
  clearTimeout(timer);
  if (state.refresh > 0) timer = setTimeout(() => (document.hidden ? undefined : void load()), state.refresh * 1000);
}

function describeScope(): string {
  const filter = apiFilterObject(state, Date.now());
  const parts = Object.entries(filter).map(([key, value]) =>
    key === 'tags' ? `tags ${formatTags(value as Record<string, string>)}` : `${key} = ${String(value)}`,
  );
  return parts.join(', ');
}

// Links marked data-nav are followed in-page (modified clicks still open new tabs).
document.addEventListener('click', (event) => {
  const anchor = (event.target as Element | null)?.closest?.('a[data-nav]');
  if (
    !(anchor instanceof HTMLAnchorElement) ||
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  )
    return;
  event.preventDefault();
  const url = new URL(anchor.href);
  navigate(parseState(url.search));
  content.focus({ preventScroll: true });
});
window.addEventListener('popstate', () => {
  state = parseState(location.search);
  void load();
});
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && state.refresh > 0) void load();
});
document.addEventListener('keydown', (event) => {
  const target = event.target as HTMLElement;
  if (event.ctrlKey || event.metaKey || event.altKey || target.closest('input, select, textarea, dialog')) return;
  if (event.key === 'r') void load();
  if (event.key === '/') {
    event.preventDefault();
    document.getElementById('f-model')?.focus();
  }
});
refreshSelect.addEventListener('change', () => navigate({ refresh: Number(refreshSelect.value) }, { replace: true }));
refreshNow.addEventListener('click', () => void load());
adminButton.addEventListener('click', () => {
  if (!isAdmin()) {
    openReadOnlyDialog();
    return;
  }
  openResetDialog({
    api,
    filter: apiFilterObject(state, Date.now()),
    scope: describeScope(),
    onDone: () => void load(),
    onForget: () => {
      api.key = undefined;
      void load();
    },
  });
});
// Charts take their colours from CSS: redraw when the scheme flips.
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => void load());

void load();
