/**
 * `GET /healthz`: 503 `unavailable` when the store does not answer; 200 `degraded` with the
 * reasons while any server-wide condition holds (health-state.ts: a limit reached, a route
 * group refusing every call...), since the server still serves; 200 `ok` otherwise. With the
 * ledger's counters.
 *
 * @module
 */
import { Hono } from 'hono';
import type { ServerDeps } from '../deps.js';
import type { HealthState } from '../health-state.js';

export function createHealthRoutes(deps: ServerDeps, health: HealthState, startedAt: number): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const uptimeS = Math.round((Date.now() - startedAt) / 1000);
    const degraded = health.check();
    try {
      await deps.store.ping();
    } catch {
      return c.json({ status: 'unavailable', store: deps.store.kind, uptimeS, degraded }, 503);
    }
    return c.json({
      status: degraded.length > 0 ? 'degraded' : 'ok',
      store: deps.store.kind,
      uptimeS,
      degraded,
      ledger: deps.ledger.stats(),
    });
  });
  return app;
}
