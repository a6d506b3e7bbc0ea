/**
 * `GET /metrics`: Prometheus text format (prom-client).
 *
 * @module
 */
import { Hono } from 'hono';
import type { ServerMetrics } from '../metrics.js';

export function createMetricsRoutes(metrics: ServerMetrics): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const text = await metrics.registry.metrics();
    return c.body(text, 200, { 'content-type': metrics.registry.contentType });
  });
  return app;
}
