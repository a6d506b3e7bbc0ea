/**
 * `GET /metrics`: Prometheus text format (prom-client). It shows cost per agent and model, so
 * once any key is configured it needs the read or admin key (Prometheus sends it with
 * `authorization: { credentials: ... }` as `Authorization: Bearer`).
 *
 * @module
 */
import { Hono } from 'hono';
import type { ServerMetrics } from '../metrics.js';
import { type RequireKeyOptions, requireKey } from '../middleware/auth.js';

export function createMetricsRoutes(metrics: ServerMetrics, access: RequireKeyOptions): Hono {
  const app = new Hono();
  app.use('*', requireKey(access));
  app.get('/', async (c) => {
    const text = await metrics.registry.metrics();
    return c.body(text, 200, { 'content-type': metrics.registry.contentType });
  });
  return app;
}
