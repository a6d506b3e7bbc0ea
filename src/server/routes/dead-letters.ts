/**
 * `GET /v1/dead-letters`: the events the store refused for good (a constraint, an encoding, a
 * range), newest first, each with its reason and the event as it was; `count` is how many the
 * store keeps in all. Read role (the read or admin key): a dead letter holds a whole event.
 * `limit` (1..1000, default 100) and `offset` page through them.
 *
 * @module
 */
import { Hono } from 'hono';
import type { ServerDeps } from '../deps.js';
import { badRequest } from '../http-error.js';
import { type RequireKeyOptions, requireKey } from '../middleware/auth.js';

const MAX_PAGE = 1000;

function integerParam(text: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw badRequest(`${name}: must be an integer from ${min} to ${max}`, name);
  return value;
}

export function createDeadLetterRoutes(deps: ServerDeps, access: RequireKeyOptions): Hono {
  const app = new Hono();
  app.use('*', requireKey(access));
  app.get('/', async (c) => {
    const limit = integerParam(c.req.query('limit'), 'limit', 100, 1, MAX_PAGE);
    const offset = integerParam(c.req.query('offset'), 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const [count, deadLetters] = await Promise.all([
      deps.store.countDeadLetters(),
      deps.store.deadLetters({ limit, offset }),
    ]);
    return c.json({ count, limit, offset, deadLetters });
  });
  return app;
}
