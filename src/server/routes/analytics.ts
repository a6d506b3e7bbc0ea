/**
 * The analytics API (DESIGN.md "Server API (v1)"): every query endpoint takes the same
 * filters and answers plain JSON objects (src/types/analytics.ts) with the filter echoed back.
 * Reset is admin-only and must be scoped: an empty filter needs `"all": true`. Reprice is
 * admin-only too (reprice.ts).
 *
 * @module
 */
import { Hono } from 'hono';
import {
  usageByAgentModel,
  usageByAgent,
  usageByModel,
  usageByRunPage,
  compareModels,
  usageOverview,
  renderRunReport,
  deleteEvents,
  loadRunReport,
  usageTimeseries,
  whatIf,
  unpricedSwap,
  usageBreakdown,
  RANK_METRICS,
  type RankMetric,
} from '../../analytics/index.js';
import { isGroupKey, RANK_ORDERS, type GroupKey, type RankOrder } from '../../store/index.js';
import { isStorableText } from '../../ledger/index.js';
import type { Interval, ModelSwap } from '../../types/index.js';
import type { ServerDeps, ServerLimits } from '../deps.js';
import { badRequest } from '../http-error.js';
import { filterJson, parseFilter, parseFilterObject } from '../filters.js';
import { type RequireKeyOptions, requireKey } from '../middleware/auth.js';
import { parseCount } from '../query-params.js';
import { readJsonBody } from '../read-json.js';
import { createCallRoutes } from './calls.js';
import { exportEvents } from './events-export.js';
import { createRepriceRoutes } from './reprice.js';

const INTERVALS: readonly Interval[] = ['1m', '1h', '1d'];
const MAX_COMPARE = 20;
const MAX_PAGE = 1000;
/** Runs listed by GET /analytics/tokens/runs (most recent first unless `sort` says otherwise), unless `limit` says otherwise. */
const DEFAULT_RUNS_LIMIT = 1000;
const MAX_RUNS_LIMIT = 10_000;

const MAX_BREAKDOWN_LIMIT = 10_000;
/** Dimensions one breakdown may group by. */
const MAX_BREAKDOWN_DIMENSIONS = 2;

/** `by=tag:team&by=model`: one or two dimensions. */
function parseGroupBy(values: string[] | undefined): GroupKey[] {
  if (values === undefined || values.length === 0)
    throw badRequest('by: required, e.g. by=model, by=tag:team or by=tag:team&by=model', 'by');
  if (values.length > MAX_BREAKDOWN_DIMENSIONS)
    throw badRequest(`by: at most ${MAX_BREAKDOWN_DIMENSIONS} dimensions`, 'by');
  for (const value of values) {
    if (!isStorableText(value) || !isGroupKey(value) || value === 'bucket')
      throw badRequest(
        `by: must be provider, model, agent, run, status, errorType, errorStatus, priceSource or tag:KEY, got "${value.slice(0, 40)}"`,
        'by',
      );
  }
  if (new Set(values).size !== values.length) throw badRequest('by: a dimension is repeated', 'by');
  return values as GroupKey[];
}

function parseSort(value: string | undefined): RankMetric {
  if (value === undefined) return 'cost';
  if (!(RANK_METRICS as readonly string[]).includes(value))
    throw badRequest(`sort: must be one of ${RANK_METRICS.join(', ')}`, 'sort');
  return value as RankMetric;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface AnalyticsAccess {
  /** Every endpoint: the read key (or the admin key). */
  read: RequireKeyOptions;
  /** Reset and reprice, besides `read`: the admin key only. */
  reset: RequireKeyOptions;
}

export function createAnalyticsRoutes(deps: ServerDeps, limits: ServerLimits, access: AnalyticsAccess): Hono {
  const { store } = deps;
  const app = new Hono();
  app.use('*', requireKey(access.read));
  app.use('/tokens/reset', requireKey(access.reset));
  app.use('/tokens/reprice', requireKey(access.reset));
  app.route('/tokens/reprice', createRepriceRoutes(deps, limits));
  app.route('/calls', createCallRoutes(deps));

  app.get('/tokens', async (c) => {
    const filter = parseFilter(c.req.queries());
    return c.json({ filter: filterJson(filter), ...(await usageOverview(store, filter)) });
  });
  app.get('/tokens/models', async (c) => {
    const filter = parseFilter(c.req.queries());
    return c.json({ filter: filterJson(filter), models: await usageByModel(store, filter) });
  });
  app.get('/tokens/agents', async (c) => {
    const filter = parseFilter(c.req.queries());
    return c.json({ filter: filterJson(filter), agents: await usageByAgent(store, filter) });
  });
  app.get('/tokens/agent-models', async (c) => {
    const filter = parseFilter(c.req.queries());
    return c.json({ filter: filterJson(filter), agentModels: await usageByAgentModel(store, filter) });
  });
  app.get('/tokens/runs', async (c) => {
    const queries = c.req.queries();
    const limit = parseCount(queries['limit']?.[0], 'limit', {
      min: 1,
      max: MAX_RUNS_LIMIT,
      fallback: DEFAULT_RUNS_LIMIT,
    });
    const offset = parseCount(queries['offset']?.[0], 'offset', { min: 0, max: 1_000_000_000, fallback: 0 });
    const sortParam = queries['sort']?.[0] ?? 'recent';
    if (!(RANK_ORDERS as readonly string[]).includes(sortParam))
      throw badRequest(`sort: must be one of ${RANK_ORDERS.join(', ')}`, 'sort');
    const sort = sortParam as RankOrder;
    const filter = parseFilter(queries, ['limit', 'offset', 'sort']);
    const page = await usageByRunPage(store, filter, limit, { sort, offset });
    return c.json({ filter: filterJson(filter), limit, offset, sort, total: page.total, runs: page.runs });
  });
  app.get('/tokens/breakdown', async (c) => {
    const queries = c.req.queries();
    const by = parseGroupBy(queries['by']);
    const sort = parseSort(queries['sort']?.[0]);
    const limit = parseCount(queries['limit']?.[0], 'limit', { min: 1, max: MAX_BREAKDOWN_LIMIT, fallback: 100 });
    const offset = parseCount(queries['offset']?.[0], 'offset', { min: 0, max: 1_000_000_000, fallback: 0 });
    const filter = parseFilter(queries, ['by', 'sort', 'limit', 'offset']);
    const breakdown = await usageBreakdown(store, filter, { by, sort, limit, offset });
    return c.json({ filter: filterJson(filter), limit, ...breakdown });
  });
  app.get('/tokens/runs/:run', async (c) => {
    const run = c.req.param('run');
    if (!isStorableText(run)) throw badRequest('run: must be valid Unicode text without NUL characters', 'run');
    const filter = { ...parseFilter(c.req.queries()), run };
    const report = await loadRunReport(store, filter);
    return c.json({ filter: filterJson(filter), run, ...report, text: renderRunReport(report, { subject: run }) });
  });
  app.get('/tokens/timeseries', async (c) => {
    const queries = c.req.queries();
    const interval = (queries['interval']?.[0] ?? '1h') as Interval;
    if (!INTERVALS.includes(interval)) throw badRequest('interval: must be 1m, 1h or 1d', 'interval');
    const percentilesParam = queries['percentiles']?.[0] ?? 'false';
    if (percentilesParam !== 'true' && percentilesParam !== 'false')
      throw badRequest('percentiles: must be true or false', 'percentiles');
    const filter = parseFilter(queries, ['interval', 'percentiles']);
    const series = await usageTimeseries(store, interval, filter, { percentiles: percentilesParam === 'true' });
    return c.json({ filter: filterJson(filter), ...series });
  });

  app.post('/tokens/compare', async (c) => {
    const body = await readJsonBody(c, limits.maxBodyBytes);
    if (!isRecord(body)) throw badRequest('body: must be a JSON object like {"models": ["a", "b"]}', 'body');
    const models = body['models'];
    if (
      !Array.isArray(models) ||
      models.length === 0 ||
      models.some((model) => typeof model !== 'string' || model === '' || !isStorableText(model))
    ) {
      throw badRequest('models: must be a non-empty array of model names', 'models');
    }
    if (models.length > MAX_COMPARE) throw badRequest(`models: at most ${MAX_COMPARE}`, 'models');
    const unknownKey = Object.keys(body).find((key) => key !== 'models' && key !== 'filter');
    if (unknownKey !== undefined)
      throw badRequest(`unknown field "${unknownKey}"; expected models and filter`, unknownKey);
    const filter = parseFilterObject(body['filter']);
    return c.json({ filter: filterJson(filter), ...(await compareModels(store, models as string[], filter)) });
  });

  app.post('/tokens/whatif', async (c) => {
    const body = await readJsonBody(c, limits.maxBodyBytes);
    if (!isRecord(body))
      throw badRequest('body: must be a JSON object like {"swaps": [{"from": "a", "to": "b"}]}', 'body');
    const unknownKey = Object.keys(body).find((key) => key !== 'swaps' && key !== 'filter');
    if (unknownKey !== undefined)
      throw badRequest(`unknown field "${unknownKey}"; expected swaps and filter`, unknownKey);
    const swaps = parseSwaps(body['swaps']);
    const unpriced = unpricedSwap(deps.ledger.pricer, swaps);
    if (unpriced !== undefined)
      throw badRequest(`swaps: no price known for ${unpriced.to}; tokenledger prices lists the priced models`, 'swaps');
    const filter = parseFilterObject(body['filter']);
    return c.json({ filter: filterJson(filter), ...(await whatIf(store, deps.ledger.pricer, swaps, filter)) });
  });

  app.post('/tokens/reset', async (c) => {
    const body = await readJsonBody(c, limits.maxBodyBytes);
    if (!isRecord(body))
      throw badRequest('body: must be a JSON object like {"filter": {"run": "AAPL"}} or {"all": true}', 'body');
    const unknownKey = Object.keys(body).find((key) => key !== 'filter' && key !== 'all');
    if (unknownKey !== undefined) throw badRequest(`unknown field "${unknownKey}"; expected filter or all`, unknownKey);
    if (body['all'] !== undefined && body['all'] !== true) throw badRequest('all: must be true when given', 'all');
    const filter = parseFilterObject(body['filter']);
    const scoped = Object.keys(filter).length > 0;
    if (!scoped && body['all'] !== true)
      throw badRequest('filter: empty; to remove every event say {"all": true}', 'filter');
    if (scoped && body['all'] === true) throw badRequest('all: cannot be combined with a filter', 'all');
    const removed = await deleteEvents(store, filter);
    deps.logger.warn('analytics reset', { removed, filter: filterJson(filter) });
    return c.json({ removed, filter: filterJson(filter) });
  });

  app.get('/events', async (c) => {
    const queries = c.req.queries();
    const filter = parseFilter(queries, ['limit', 'cursor', 'format']);
    const format = queries['format']?.[0] ?? 'json';
    if (format === 'csv' || format === 'ndjson') {
      const stream = exportEvents(store, filter, format);
      return new Response(stream, {
        headers: {
          'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
          'content-disposition': `attachment; filename="tokenledger-events.${format === 'csv' ? 'csv' : 'ndjson'}"`,
        },
      });
    }
    if (format !== 'json') throw badRequest('format: must be json, csv or ndjson', 'format');
    const limitText = queries['limit']?.[0] ?? '100';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
      throw badRequest(`limit: must be an integer from 1 to ${MAX_PAGE}`, 'limit');
    const cursor = queries['cursor']?.[0];
    const page = await store.events({ filter, limit, cursor: cursor === '' ? undefined : cursor });
    return c.json({ filter: filterJson(filter), events: page.events, nextCursor: page.nextCursor ?? null });
  });

  return app;
}

/** `swaps`: 1 to MAX_COMPARE `{ from, to, toProvider? }` of storable model names. */
function parseSwaps(value: unknown): ModelSwap[] {
  const name = (text: unknown): text is string => typeof text === 'string' && text !== '' && isStorableText(text);
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_COMPARE)
    throw badRequest(`swaps: must be an array of 1 to ${MAX_COMPARE} {"from", "to"} objects`, 'swaps');
  return value.map((item, index) => {
    if (!isRecord(item) || !name(item['from']) || !name(item['to']))
      throw badRequest(`swaps[${index}]: must be {"from": model, "to": model} with model names`, `swaps[${index}]`);
    const provider = item['toProvider'];
    if (provider !== undefined && !name(provider))
      throw badRequest(`swaps[${index}].toProvider: must be a provider id`, `swaps[${index}].toProvider`);
    return { from: item['from'], to: item['to'], ...(provider === undefined ? {} : { toProvider: provider }) };
  });
}
