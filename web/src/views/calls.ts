/**
 * Calls: every call under the filters, sorted by time, cost, latency or tokens on the server and
 * paged with its cursor (`GET /analytics/calls`), so "by cost" starts at the most expensive call
 * of the whole ledger. The downloads fetch the same page (same filter, sort, limit and cursor)
 * as CSV or NDJSON: the file holds exactly the rows shown. A call's id opens its detail
 * (`?view=calls&report=ID`): the stored event, today's price and its linked attempts.
 */
import { link, type Ctx } from '../ctx.js';
import { h, num } from '../dom.js';
import { compact, duration, grouped, usd, usdExact, when } from '../format.js';
import { apiFilter } from '../state.js';
import type { CallDetailResponse, CallRow, CallSort, CallsResponse } from '../types.js';

const PAGE = 50;
const SORTS: readonly CallSort[] = ['time', 'cost', 'latency', 'tokens'];
const SORT_LABEL: Record<CallSort, string> = {
  time: 'Newest first',
  cost: 'Most expensive first',
  latency: 'Slowest first',
  tokens: 'Most tokens first',
};

/**
 * The cursors of the pages before the one shown, kept across reloads (auto-refresh redraws the
 * view) while the query stays the same; a new filter or sort starts at the first page again.
 */
let paging: { query: string; cursors: (string | undefined)[] } = { query: '', cursors: [undefined] };

function sortOf(ctx: Ctx): CallSort {
  const [key] = (ctx.state.sort['calls'] ?? 'time:desc').split(':');
  return SORTS.find((sort) => sort === key) ?? 'time';
}

export async function callsView(ctx: Ctx): Promise<HTMLElement> {
  return ctx.state.report === undefined ? callList(ctx) : callDetailView(ctx, ctx.state.report);
}

async function callList(ctx: Ctx): Promise<HTMLElement> {
  const sort = sortOf(ctx);
  const params = { ...apiFilter(ctx.state, ctx.now), sort, limit: String(PAGE) };
  const query = new URLSearchParams(params).toString();
  if (paging.query !== query) paging = { query, cursors: [undefined] };
  const cursor = paging.cursors[paging.cursors.length - 1];
  const pageParams = cursor === undefined ? params : { ...params, cursor };
  const data = await ctx.api.get<CallsResponse>('/analytics/calls', pageParams, { signal: ctx.signal });
  const pageNumber = paging.cursors.length;
  const first = (pageNumber - 1) * PAGE + 1;

  const sortSelect = h(
    'select',
    { id: 'calls-sort', 'aria-label': 'Sort calls' },
    ...SORTS.map((value) => h('option', { value, selected: value === sort }, SORT_LABEL[value])),
  );
  sortSelect.addEventListener('change', () =>
    ctx.navigate({ sort: { ...ctx.state.sort, calls: `${sortSelect.value}:desc` } }, { replace: true }),
  );
  const previous = h(
    'button',
    { type: 'button', class: 'button', id: 'calls-prev', disabled: pageNumber === 1 },
    '← Previous',
  );
  const next = h(
    'button',
    { type: 'button', class: 'button', id: 'calls-next', disabled: data.nextCursor === null },
    'Next →',
  );
  previous.addEventListener('click', () => {
    paging.cursors.pop();
    ctx.reload();
  });
  next.addEventListener('click', () => {
    if (data.nextCursor === null) return;
    paging.cursors.push(data.nextCursor);
    ctx.reload();
  });
  const status = h('p', { class: 'error', role: 'alert', hidden: true, 'data-testid': 'calls-download-error' });
  const download = (format: 'csv' | 'ndjson'): HTMLButtonElement => {
    const button = h(
      'button',
      { type: 'button', class: 'button ghost', id: `calls-${format}` },
      `Download ${format.toUpperCase()}`,
    );
    button.addEventListener('click', () => {
      button.setAttribute('aria-busy', 'true');
      ctx.api
        .text('/analytics/calls', { ...pageParams, format })
        .then((text) => save(text, format))
        .catch((error: unknown) => {
          status.textContent = `Download failed: ${error instanceof Error ? error.message : String(error)}`;
          status.hidden = false;
        })
        .finally(() => button.removeAttribute('aria-busy'));
    });
    return button;
  };

  return h(
    'div',
    { class: 'view' },
    h(
      'section',
      { class: 'panel' },
      h(
        'div',
        { class: 'panel-head' },
        h('h2', {}, 'Calls'),
        h(
          'span',
          { class: 'muted', 'data-testid': 'calls-range' },
          data.calls.length === 0 ? 'none' : `${grouped(first)}–${grouped(first + data.calls.length - 1)}`,
        ),
      ),
      h('div', { class: 'toolbar' }, sortSelect, previous, next, download('csv'), download('ndjson')),
      status,
      data.calls.length === 0
        ? h('p', { class: 'empty', 'data-testid': 'no-calls' }, 'No calls under these filters.')
        : callsTable(ctx, data.calls, SORT_LABEL[sort]),
    ),
  );
}

function save(text: string, format: 'csv' | 'ndjson'): void {
  const type = format === 'csv' ? 'text/csv' : 'application/x-ndjson';
  const url = URL.createObjectURL(new Blob([text], { type }));
  const anchor = h('a', { href: url, download: `tokenledger-calls.${format}`, hidden: true });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const dash = (): HTMLElement => h('span', { class: 'muted' }, '–');

function callsTable(ctx: Ctx, calls: CallRow[], order: string): HTMLElement {
  const { state } = ctx;
  const headers = ['Time', 'Model', 'Agent', 'Run', 'Status', 'Tokens', 'Cost', 'Latency', 'TTFT', 'Notes'];
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Calls' },
    h(
      'table',
      { 'data-table': 'calls' },
      h('caption', {}, `${order}; open a call for its detail.`),
      h('thead', {}, h('tr', {}, ...headers.map((label) => h('th', { scope: 'col' }, label)))),
      h(
        'tbody',
        {},
        ...calls.map((call) =>
          h(
            'tr',
            { 'data-key': call.id },
            h(
              'td',
              { class: 'nowrap', 'data-col': 'time' },
              link(state, { report: call.id }, h('time', { datetime: call.time }, when(call.time)), {
                title: `Open call ${call.id}`,
              }),
            ),
            h('td', { class: 'nowrap' }, call.model, h('div', { class: 'muted small' }, call.provider)),
            h('td', {}, call.agent ?? dash()),
            h(
              'td',
              { class: 'nowrap' },
              call.run === null ? dash() : link(state, { view: 'runs', report: call.run }, call.run),
            ),
            h(
              'td',
              { 'data-col': 'status' },
              call.status === 'ok'
                ? 'ok'
                : h(
                    'code',
                    {},
                    `${call.errorType ?? 'error'}${call.errorStatus === null ? '' : ` ${call.errorStatus}`}`,
                  ),
            ),
            h(
              'td',
              { class: 'n', 'data-col': 'tokens' },
              call.totalTokens === null
                ? h('span', { class: 'muted', title: 'usage unavailable' }, 'n/a')
                : num(
                    compact(call.totalTokens),
                    call.totalTokens,
                    `${grouped(call.inputTokens ?? 0)} in, ${grouped(call.outputTokens ?? 0)} out`,
                  ),
            ),
            h(
              'td',
              { class: 'n', 'data-col': 'cost' },
              call.costUsd === null
                ? h('span', { class: 'muted', title: 'unpriced' }, 'n/a')
                : num(usd(call.costUsd), call.costUsd, usdExact(call.costUsd)),
            ),
            h('td', { class: 'n', 'data-col': 'latency' }, num(duration(call.durationMs), call.durationMs)),
            h(
              'td',
              { class: 'n', 'data-col': 'ttft' },
              num(duration(call.timeToFirstTokenMs), call.timeToFirstTokenMs),
            ),
            h('td', { class: 'small' }, notes(call)),
          ),
        ),
      ),
    ),
  );
}

/** Retries, estimates and warnings, in a word each. */
function notes(call: CallRow): string {
  return [
    call.attempts > 1 ? `attempt ${call.attempts}` : '',
    call.estimated ? 'estimated' : '',
    call.warnings.length > 0 ? `${call.warnings.length} warning${call.warnings.length === 1 ? '' : 's'}` : '',
  ]
    .filter((note) => note !== '')
    .join(', ');
}

async function callDetailView(ctx: Ctx, id: string): Promise<HTMLElement> {
  const { state } = ctx;
  const data = await ctx.api.get<CallDetailResponse>(
    `/analytics/calls/${encodeURIComponent(id)}`,
    {},
    { signal: ctx.signal },
  );
  const { event, call, pricing } = data;
  const facts: [string, string][] = [
    ['Time', when(call.time)],
    [
      'Provider / model',
      `${call.provider} / ${call.model}${call.requestedModel === null ? '' : ` (asked ${call.requestedModel})`}`,
    ],
    ['Agent / run', `${call.agent ?? '–'} / ${call.run ?? '–'}`],
    [
      'Tags',
      Object.entries(call.tags)
        .map(([key, value]) => `${key}=${value}`)
        .join(', ') || '–',
    ],
    [
      'Status',
      call.status === 'ok'
        ? 'ok'
        : `${call.errorType ?? 'error'} ${call.errorStatus ?? ''} ${event.error?.message ?? ''}`.trim(),
    ],
    [
      'Tokens',
      call.totalTokens === null
        ? `n/a (${event.usageUnavailableReason ?? 'usage unavailable'})`
        : `${grouped(call.inputTokens ?? 0)} in (${grouped(call.cacheReadTokens ?? 0)} cached), ${grouped(call.outputTokens ?? 0)} out (${grouped(call.reasoningTokens ?? 0)} reasoning)`,
    ],
    [
      'Cost',
      event.cost === null
        ? `unpriced (${event.costUnavailableReason ?? 'no price'})`
        : `${usdExact(event.cost.total)}: input ${usdExact(event.cost.input)}, cache read ${usdExact(event.cost.cacheRead)}, cache write ${usdExact(event.cost.cacheWrite)}, output ${usdExact(event.cost.output)}`,
    ],
    [
      'Priced today',
      pricing.cost === null
        ? `n/a (${pricing.reason ?? 'no price'})`
        : `${usdExact(pricing.cost.total)} from ${pricing.source ?? '?'} ${pricing.modelId ?? ''}${pricing.sameAsStored ? ' (same as stored)' : ' (differs from stored)'}`,
    ],
    [
      'Prices per 1M',
      pricing.prices === null
        ? '–'
        : `input $${pricing.prices.input}, output $${pricing.prices.output}${pricing.prices.cacheRead === undefined ? '' : `, cache read $${pricing.prices.cacheRead}`}`,
    ],
    ['Latency / TTFT', `${duration(call.durationMs)} / ${duration(call.timeToFirstTokenMs)}`],
    ['Attempts', String(call.attempts)],
    ['Warnings', call.warnings.join('; ') || '–'],
  ];
  return h(
    'div',
    { class: 'view', 'data-call': id },
    h('p', { class: 'crumbs' }, link(state, { report: undefined }, '← All calls')),
    h('h2', { class: 'report-title' }, 'Call ', h('code', {}, id)),
    h(
      'section',
      { class: 'panel' },
      h(
        'dl',
        { class: 'facts', 'data-testid': 'call-facts' },
        ...facts.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
      ),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'Attempts of this request'),
      data.attempts.length > 1
        ? callsTable(ctx, data.attempts, 'Calls recorded under the same trace span, oldest first')
        : h('p', { class: 'muted' }, 'No other call is linked to this one (by its trace span).'),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'Raw usage'),
      h(
        'pre',
        { class: 'report', tabindex: '0', 'data-testid': 'call-raw-usage' },
        event.rawUsage === undefined ? '(none kept)' : JSON.stringify(event.rawUsage, null, 2),
      ),
    ),
  );
}
