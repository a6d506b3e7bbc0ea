/**
 * `GET /healthz`: 503 `unavailable` when the store does not answer and no spool holds the events
 * meanwhile; 200 `degraded` with the reasons while any server-wide condition holds
 * (health-state.ts: a limit reached, a route group refusing every call, the spool refusing
 * events, store writes failing with a backlog, the store not answering while the spool takes
 * the events), since the server still serves; 200 `ok` otherwise. With the ledger's counters.
 *
 * @module
 */
import { Hono } from 'hono';
import type { ServerDeps } from '../deps.js';
import type { HealthState } from '../health-state.js';

/** A store that does not answer (PostgreSQL silent) must not hold /healthz: past this, it is down. */
const PING_TIMEOUT_MS = 1000;

async function pingWithin(store: ServerDeps['store'], ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the store did not answer within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([store.ping(), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function createHealthRoutes(deps: ServerDeps, health: HealthState, startedAt: number): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const uptimeS = Math.round((Date.now() - startedAt) / 1000);
    try {
      await pingWithin(deps.store, PING_TIMEOUT_MS);
      health.set('store_unanswered', undefined);
    } catch {
      const spool = deps.ledger.stats().spool;
      if (spool === undefined || spool.state !== 'ok') {
        return c.json({ status: 'unavailable', store: deps.store.kind, uptimeS, degraded: health.check() }, 503);
      }
      health.set('store_unanswered', 'the store does not answer; events wait in the spool');
    }
    const degraded = health.check();
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
