/**
 * `POST /analytics/tokens/reprice` (admin key): the stored events matching `filter` priced
 * again with the prices this server uses now (its installed catalog data and overrides), as
 * `tokenledger reprice` does. `{"dryRun": true}` answers the deltas and writes nothing. The
 * answer is the RepriceReport with the filter echoed back; the request lasts as long as the
 * re-pricing (bounded batches, each its own transaction: a request cut short leaves what was
 * written consistent, and the next one goes on from there).
 *
 * @module
 */
import { Hono } from 'hono';
import { repriceEvents } from '../../ledger/index.js';
import type { ServerDeps, ServerLimits } from '../deps.js';
import { filterJson, parseFilterObject } from '../filters.js';
import { badRequest } from '../http-error.js';
import { readJsonBody } from '../read-json.js';

export function createRepriceRoutes(deps: ServerDeps, limits: ServerLimits): Hono {
  const app = new Hono();
  app.post('/', async (c) => {
    const body = await readJsonBody(c, limits.maxBodyBytes);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw badRequest('body: must be a JSON object like {"filter": {"model": "gpt-4o"}, "dryRun": true}', 'body');
    const fields = body as Record<string, unknown>;
    const unknownKey = Object.keys(fields).find((key) => key !== 'filter' && key !== 'dryRun');
    if (unknownKey !== undefined)
      throw badRequest(`unknown field "${unknownKey}"; expected filter and dryRun`, unknownKey);
    const dryRun = fields['dryRun'] ?? false;
    if (typeof dryRun !== 'boolean') throw badRequest('dryRun: must be true or false', 'dryRun');
    const filter = parseFilterObject(fields['filter']);
    const report = await repriceEvents({ store: deps.store, pricer: deps.ledger.pricer, filter, dryRun });
    if (!dryRun)
      deps.logger.warn('events re-priced', {
        written: report.written,
        read: report.read,
        differenceUsd: report.totals.differenceUsd,
        filter: filterJson(filter),
      });
    return c.json({ filter: filterJson(filter), ...report });
  });
  return app;
}
