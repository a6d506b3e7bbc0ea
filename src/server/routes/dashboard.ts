/**
 * `GET /` and static assets: the dashboard built into web/dist (issue 6), or a small
 * placeholder page linking the API when it has not been built.
 *
 * - Hashed assets (`assets/index-1a2b3c.js`) never change: cached for a year, `immutable`.
 *   `index.html` is revalidated every time (`no-cache`), so a new build shows at once.
 * - Text assets are gzipped when the client accepts it (once per file, kept in memory; the
 *   dashboard is ~100 KB), which matters on a remote server more than on a laptop.
 * - Client-side routes (paths without an extension, outside the API) get index.html.
 * - A strict Content-Security-Policy: everything from this origin, nothing from a CDN.
 *   `style-src 'unsafe-inline'` is needed by the charts, which size themselves with style
 *   attributes.
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
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
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.map', '.txt']);

export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tokenledger</title><link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{background:#eee;padding:0 .2em}</style></head>
<body><h1>tokenledger</h1><p>The server is running. The dashboard has not been built (<code>web/dist</code> is missing; <code>npm run build</code> builds it).</p>
<ul><li><a href="/analytics/tokens">/analytics/tokens</a>: summary</li><li><a href="/analytics/tokens/models">/analytics/tokens/models</a></li>
<li><a href="/analytics/tokens/agents">/analytics/tokens/agents</a></li><li><a href="/openapi.json">/openapi.json</a>: every endpoint</li>
<li><a href="/metrics">/metrics</a>: Prometheus</li><li><a href="/healthz">/healthz</a></li></ul></body></html>`;

/** Paths the SPA fallback never answers: they belong to the API (a typo there stays a JSON 404). */
const API_PATH = /^\/(v1|v1beta|anthropic|gemini|analytics|api|metrics|healthz|openapi\.json)(\/|$)/;
/** Vite's content-hashed file names. */
const HASHED = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

interface Loaded {
  body: Buffer;
  gzip: Buffer | undefined;
  mtimeMs: number;
}

export function createDashboardRoutes(dashboardDir: string | undefined): Hono {
  const app = new Hono();
  const root = dashboardDir === undefined ? undefined : normalize(dashboardDir);
  // Files read once and kept (with their gzip), re-read when they change on disk (a rebuild).
  const cache = new Map<string, Loaded>();

  async function load(path: string): Promise<Loaded> {
    const { mtimeMs } = await stat(path);
    const cached = cache.get(path);
    if (cached !== undefined && cached.mtimeMs === mtimeMs) return cached;
    const body = await readFile(path);
    const gzip = COMPRESSIBLE.has(extname(path)) && body.length > 1024 ? gzipSync(body, { level: 9 }) : undefined;
    const loaded = { body, gzip, mtimeMs };
    cache.set(path, loaded);
    return loaded;
  }

  app.get('/*', async (c) => {
    if (root === undefined || !(await isFile(join(root, 'index.html')))) {
      if (c.req.path === '/' || c.req.path === '/index.html') return c.html(PLACEHOLDER, 200, SECURITY_HEADERS);
      return c.notFound();
    }
    let relative: string;
    try {
      relative = c.req.path === '/' ? 'index.html' : decodeURIComponent(c.req.path.slice(1));
    } catch {
      return c.notFound();
    }
    const path = normalize(join(root, relative));
    // Never serve outside the dashboard folder (../ in the path).
    if (!path.startsWith(root + sep)) return c.notFound();
    const exists = await isFile(path);
    const spaRoute = extname(path) === '' && !API_PATH.test(c.req.path);
    if (!exists && !spaRoute) return c.notFound();
    const file = exists ? path : join(root, 'index.html');
    const { body, gzip } = await load(file);
    const headers: Record<string, string> = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': exists && HASHED.test(c.req.path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'accept-encoding',
      ...(extname(file) === '.html' ? SECURITY_HEADERS : { 'x-content-type-options': 'nosniff' }),
    };
    if (gzip !== undefined && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      return c.body(new Uint8Array(gzip), 200, { ...headers, 'content-encoding': 'gzip' });
    }
    return c.body(new Uint8Array(body), 200, headers);
  });
  return app;
}
