/**
 * `GET /healthz`: 200 when the store answers, 503 otherwise; with the ledger's counters.
 *
 * @module
 */
import { Hono } from 'hono';
import type { ServerDeps } from '../deps.js';

export function createHealthRoutes(deps: ServerDeps, startedAt: number): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const uptimeS = Math.round((Date.now() - startedAt) / 1000);
    try {
      await deps.store.ping();
    } catch {
      return c.json({ status: 'unavailable', store: deps.store.kind, uptimeS }, 503);
    }
    return c.json({ status: 'ok', store: deps.store.kind, uptimeS, ledger: deps.ledger.stats() });
  });
  return app;
}
