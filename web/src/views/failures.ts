/**
 * Failures: what went wrong, grouped by error type, HTTP status, model and provider (with
 * totals and rates, ui/failure-groups.ts), then the recent failures: `GET /analytics/events?status=error`, newest first, with their errors
 * (type, HTTP status, message: the server keeps secrets out of them), 50 at a time.
 */
import { link, type Ctx } from '../ctx.js';
import { h, num } from '../dom.js';
import { duration, grouped, when } from '../format.js';
import { apiFilter } from '../state.js';
import type { EventsResponse, UsageEvent } from '../types.js';
import { failureGroups } from '../ui/failure-groups.js';

const PAGE = '50';

export async function failuresView(ctx: Ctx): Promise<HTMLElement> {
  const params = { ...apiFilter(ctx.state, ctx.now), status: 'error', limit: PAGE };
  const [first, groups] = await Promise.all([
    ctx.api.get<EventsResponse>('/analytics/events', params, { signal: ctx.signal }),
    failureGroups(ctx),
  ]);
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'button', id: 'failures-more' }, 'Load older failures');
  let cursor = first.nextCursor;
  let shown = 0;
  const count = h('span', { class: 'muted' });

  const add = (events: UsageEvent[]): void => {
    for (const event of events) body.append(row(ctx, event));
    shown += events.length;
    count.textContent = `${grouped(shown)} shown`;
    more.hidden = cursor === null;
  };
  more.addEventListener('click', () => {
    if (cursor === null) return;
    more.setAttribute('aria-busy', 'true');
    ctx.api
      .get<EventsResponse>('/analytics/events', { ...params, cursor }, { signal: ctx.signal })
      .then((page) => {
        cursor = page.nextCursor;
        add(page.events);
      })
      .catch((error: unknown) => {
        if (error instanceof DOMException && error.name === 'AbortError') return;
        more.after(h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
      })
      .finally(() => more.removeAttribute('aria-busy'));
  });
  add(first.events);

  return h(
    'div',
    { class: 'view' },
    groups,
    h(
      'section',
      { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h2', {}, 'Recent failures'), count),
      first.events.length === 0
        ? h('p', { class: 'empty', 'data-testid': 'no-failures' }, 'No failed calls under these filters.')
        : h(
            'div',
            { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Failed calls' },
            h(
              'table',
              { 'data-table': 'failures' },
              h('caption', {}, 'Failed calls, newest first.'),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ...['Time', 'Model', 'Agent', 'Run', 'Error', 'HTTP', 'Message', 'Attempts', 'Duration'].map(
                    (label) => h('th', { scope: 'col' }, label),
                  ),
                ),
              ),
              body,
            ),
          ),
      more,
    ),
  );
}

function row(ctx: Ctx, event: UsageEvent): HTMLElement {
  const { state } = ctx;
  return h(
    'tr',
    { 'data-key': event.id },
    h('td', { class: 'nowrap' }, h('time', { datetime: event.time }, when(event.time))),
    h(
      'td',
      { class: 'nowrap' },
      link(state, { filters: { ...state.filters, model: event.model } }, event.model),
      h('div', { class: 'muted small' }, event.provider),
    ),
    h(
      'td',
      {},
      event.agent === undefined
        ? h('span', { class: 'muted' }, '–')
        : link(state, { filters: { ...state.filters, agent: event.agent } }, event.agent),
    ),
    h(
      'td',
      { class: 'nowrap' },
      event.run === undefined
        ? h('span', { class: 'muted' }, '–')
        : link(state, { view: 'runs', report: event.run }, event.run),
    ),
    h('td', {}, h('code', {}, event.error?.type ?? 'error')),
    h('td', { class: 'n' }, event.error?.status ?? '–'),
    h('td', { class: 'message' }, event.error?.message ?? ''),
    h('td', { class: 'n' }, num(String(event.attempts), event.attempts)),
    h('td', { class: 'n' }, num(duration(event.durationMs), event.durationMs ?? null)),
  );
}
