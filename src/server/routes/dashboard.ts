/**
 * `GET /` and static assets: the dashboard built into web/dist (issue 6), or a small
 * placeholder page linking the API when it has not been built.
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { Hono } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tokenledger</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{background:#eee;padding:0 .2em}</style></head>
<body><h1>tokenledger</h1><p>The server is running. The dashboard has not been built (<code>web/dist</code> is missing).</p>
<ul><li><a href="/analytics/tokens">/analytics/tokens</a>: summary</li><li><a href="/analytics/tokens/models">/analytics/tokens/models</a></li>
<li><a href="/analytics/tokens/agents">/analytics/tokens/agents</a></li><li><a href="/openapi.json">/openapi.json</a>: every endpoint</li>
<li><a href="/metrics">/metrics</a>: Prometheus</li><li><a href="/healthz">/healthz</a></li></ul></body></html>`;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export function createDashboardRoutes(dashboardDir: string | undefined): Hono {
  const app = new Hono();
  app.get('/*', async (c) => {
    if (dashboardDir === undefined || !(await isFile(join(dashboardDir, 'index.html')))) {
      if (c.req.path === '/' || c.req.path === '/index.html') return c.html(PLACEHOLDER);
      return c.notFound();
    }
    const relative = c.req.path === '/' ? 'index.html' : decodeURIComponent(c.req.path.slice(1));
    const path = normalize(join(dashboardDir, relative));
    // Never serve outside the dashboard folder (../ in the path).
    if (!path.startsWith(normalize(dashboardDir) + sep)) return c.notFound();
    // Client-side routes fall back to index.html; API-looking paths and assets stay 404s.
    const spaRoute = extname(path) === '' && !/^\/(v1|v1beta|anthropic|gemini|analytics|api)(\/|$)/.test(c.req.path);
    if (!(await isFile(path)) && !spaRoute) return c.notFound();
    const file = (await isFile(path)) ? path : join(dashboardDir, 'index.html');
    const body = await readFile(file);
    return c.body(body, 200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  });
  return app;
}
