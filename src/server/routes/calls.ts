/**
 * GET /analytics/calls: every call, sorted by time, cost, latency or tokens and paged in the
 * store (a keyset cursor), under the same filters as every analytics route; `format=csv` or
 * `ndjson` downloads exactly that page (same filter, sort, limit and cursor), so what a reader
 * saw is what they get. GET /analytics/calls/:id: one call's detail. Behind the read key
 * (analytics.ts mounts these under its key check).
 *
 * @module
 */
import { Hono } from 'hono';
import { callDetail, callsDownload, listCalls } from '../../analytics/index.js';
import { isStorableText } from '../../ledger/index.js';
import { CALL_ORDERS } from '../../store/index.js';
import type { CallSort } from '../../types/index.js';
import type { ServerDeps } from '../deps.js';
import { filterJson, parseFilter } from '../filters.js';
import { badRequest, notFound } from '../http-error.js';
import { parseChoice, parseCount } from '../query-params.js';

/** Calls one page may list (and one download hold). */
export const MAX_CALLS_PAGE = 1000;
const DEFAULT_CALLS_PAGE = 100;
const FORMATS = ['json', 'csv', 'ndjson'] as const;
const MAX_ID_LENGTH = 512;

export function createCallRoutes(deps: ServerDeps): Hono {
  const { store } = deps;
  const app = new Hono();

  app.get('/', async (c) => {
    const queries = c.req.queries();
    const one = (name: string): string | undefined => queries[name]?.[0];
    const sort = parseChoice<CallSort>(one('sort'), 'sort', CALL_ORDERS, 'time');
    const limit = parseCount(one('limit'), 'limit', { min: 1, max: MAX_CALLS_PAGE, fallback: DEFAULT_CALLS_PAGE });
    const format = parseChoice(one('format'), 'format', FORMATS, 'json');
    const cursorParam = one('cursor');
    const filter = parseFilter(queries, ['sort', 'limit', 'cursor', 'format']);
    const cursor = cursorParam === undefined || cursorParam === '' ? undefined : cursorParam;
    const page = await listCalls(store, filter, { sort, limit, ...(cursor === undefined ? {} : { cursor }) });
    if (format === 'json') return c.json({ filter: filterJson(filter), ...page });
    return c.body(callsDownload(page.calls, format), 200, {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'content-disposition': `attachment; filename="tokenledger-calls.${format}"`,
      // The next page of the same download, for a script that wants them all.
      ...(page.nextCursor === null ? {} : { 'x-next-cursor': page.nextCursor }),
    });
  });

  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    if (id.length > MAX_ID_LENGTH || !isStorableText(id))
      throw badRequest(`id: must be valid Unicode text without NUL characters, at most ${MAX_ID_LENGTH} long`, 'id');
    const unknown = Object.keys(c.req.queries())[0];
    if (unknown !== undefined) throw badRequest(`unknown parameter "${unknown}"; a call's detail takes none`, unknown);
    const detail = await callDetail(store, deps.ledger.pricer, id);
    if (detail === undefined) throw notFound(`no call with id "${id.slice(0, 80)}"`);
    return c.json(detail);
  });

  return app;
}
